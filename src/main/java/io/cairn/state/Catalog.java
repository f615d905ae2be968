package io.cairn.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Nodes, their services and their checks. Rows are rewritten only when their content changes,
 * so that an agent's periodic full sync does not wake every blocking query.
 */
final class Catalog {
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final Map<String, TreeMap<String, ServiceInstance>> servicesByNode = new TreeMap<>();
  private final Map<String, TreeMap<String, HealthCheck>> checksByNode = new TreeMap<>();
  /** service name → node name → service ids: the lookup DNS and health queries live on. */
  private final TreeMap<String, TreeMap<String, Set<String>>> byName = new TreeMap<>();

  Outcome register(long index, Command.CatalogRegister c, Changes ch) {
    String error = validate(c);
    if (error != null) return Outcome.error(error);
    String n = c.node();
    Node old = nodes.get(n);
    if (old == null || !c.skipNodeUpdate()) {
      Node fresh = new Node(c.nodeId(), n, c.address(), c.datacenter(), c.taggedAddresses(), c.nodeMeta(), 0, 0);
      if (!fresh.sameContent(old)) {
        nodes.put(n, fresh.withIndexes(old == null ? index : old.createIndex(), index));
        ch.touch(Topic.Table.NODES);
        touchNode(n, ch);
        servicesOn(n).values().forEach(s -> ch.touch(new Topic.Service(s.name())));
      }
    }
    if (c.service() != null) putService(index, c.service().onNode(n), ch);
    for (HealthCheck hc : c.checks()) putCheck(index, hc.onNode(n), ch);
    return Outcome.OK;
  }

  private String validate(Command.CatalogRegister c) {
    if (c.node() == null || c.node().isEmpty()) return "Must provide node";
    if (c.address() == null || c.address().isEmpty()) {
      if (!nodes.containsKey(c.node()) || !c.skipNodeUpdate()) return "Must provide address";
    }
    if (c.service() != null && (c.service().name() == null || c.service().name().isEmpty())) {
      return "Must provide service name";
    }
    for (HealthCheck hc : c.checks()) {
      if (hc.checkId() == null || hc.checkId().isEmpty()) return "Must provide check ID";
      if (!hc.serviceId().isEmpty()) {
        boolean inThis = c.service() != null && serviceId(c.service()).equals(hc.serviceId());
        if (!inThis && !servicesOn(c.node()).containsKey(hc.serviceId())) {
          return "Unknown service ID '" + hc.serviceId() + "' for check ID '" + hc.checkId() + "'";
        }
      }
    }
    return null;
  }

  private static String serviceId(ServiceInstance s) {
    return s.id() == null || s.id().isEmpty() ? s.name() : s.id();
  }

  private void putService(long index, ServiceInstance s, Changes ch) {
    String id = serviceId(s);
    ServiceInstance fresh = s.withId(id).withIndexes(0, 0);
    TreeMap<String, ServiceInstance> onNode = servicesByNode.computeIfAbsent(s.node(), k -> new TreeMap<>());
    ServiceInstance old = onNode.get(id);
    if (fresh.sameContent(old)) return;
    onNode.put(id, fresh.withIndexes(old == null ? index : old.createIndex(), index));
    if (old != null && !old.name().equals(fresh.name())) unindexName(old);
    byName.computeIfAbsent(fresh.name(), k -> new TreeMap<>())
        .computeIfAbsent(s.node(), k -> new TreeSet<>()).add(id);
    ch.touch(Topic.Table.SERVICES);
    ch.touch(new Topic.Service(fresh.name()));
    if (old != null) ch.touch(new Topic.Service(old.name()));
    touchNode(s.node(), ch);
    // Checks carry their service's name and tags (as Consul's do): keep them in step.
    TreeMap<String, HealthCheck> checks = checksByNode.getOrDefault(s.node(), new TreeMap<>());
    for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
      HealthCheck hc = e.getValue();
      if (hc.serviceId().equals(id) && (!hc.serviceName().equals(fresh.name()) || !hc.serviceTags().equals(fresh.tags()))) {
        e.setValue(hc.withService(fresh.name(), fresh.tags()).withIndexes(hc.createIndex(), index));
        ch.touch(Topic.Table.CHECKS);
      }
    }
  }

  private void putCheck(long index, HealthCheck hc, Changes ch) {
    HealthCheck filled = hc;
    if (!hc.serviceId().isEmpty()) {
      ServiceInstance s = servicesOn(hc.node()).get(hc.serviceId());
      filled = hc.withService(s.name(), s.tags());
    }
    TreeMap<String, HealthCheck> onNode = checksByNode.computeIfAbsent(hc.node(), k -> new TreeMap<>());
    HealthCheck old = onNode.get(hc.checkId());
    if (filled.sameContent(old)) return;
    onNode.put(hc.checkId(), filled.withIndexes(old == null ? index : old.createIndex(), index));
    touchCheck(filled, ch);
    if (old != null && !old.serviceName().equals(filled.serviceName())) touchCheck(old, ch);
  }

  private void touchCheck(HealthCheck hc, Changes ch) {
    ch.touch(Topic.Table.CHECKS);
    touchNode(hc.node(), ch);
    if (hc.isNodeCheck()) {
      servicesOn(hc.node()).values().forEach(s -> ch.touch(new Topic.Service(s.name())));
    } else {
      ch.touch(new Topic.Service(hc.serviceName()));
    }
  }

  private static void touchNode(String node, Changes ch) {
    ch.touch(new Topic.NodeName(node));
  }

  Outcome deregister(Command.CatalogDeregister c, Changes ch) {
    String n = c.node();
    if (n == null || n.isEmpty()) return Outcome.error("Must provide node");
    if (c.checkId() != null && !c.checkId().isEmpty()) {
      HealthCheck removed = checksByNode.getOrDefault(n, new TreeMap<>()).remove(c.checkId());
      if (removed != null) touchCheck(removed, ch);
      return Outcome.OK;
    }
    if (c.serviceId() != null && !c.serviceId().isEmpty()) {
      removeService(n, c.serviceId(), ch);
      return Outcome.OK;
    }
    if (!nodes.containsKey(n)) return Outcome.OK;
    for (String id : new ArrayList<>(servicesOn(n).keySet())) removeService(n, id, ch);
    TreeMap<String, HealthCheck> checks = checksByNode.remove(n);
    if (checks != null) checks.values().forEach(hc -> touchCheck(hc, ch));
    servicesByNode.remove(n);
    nodes.remove(n);
    ch.touch(Topic.Table.NODES);
    touchNode(n, ch);
    return Outcome.OK;
  }

  private void removeService(String node, String id, Changes ch) {
    TreeMap<String, ServiceInstance> onNode = servicesByNode.get(node);
    ServiceInstance s = onNode == null ? null : onNode.remove(id);
    if (s == null) return;
    unindexName(s);
    ch.touch(Topic.Table.SERVICES);
    ch.touch(new Topic.Service(s.name()));
    touchNode(node, ch);
    TreeMap<String, HealthCheck> checks = checksByNode.get(node);
    if (checks != null) {
      checks.values().removeIf(hc -> {
        boolean mine = hc.serviceId().equals(id);
        if (mine) ch.touch(Topic.Table.CHECKS);
        return mine;
      });
    }
  }

  private void unindexName(ServiceInstance s) {
    TreeMap<String, Set<String>> perNode = byName.get(s.name());
    if (perNode == null) return;
    Set<String> ids = perNode.get(s.node());
    if (ids != null && ids.remove(s.id()) && ids.isEmpty()) perNode.remove(s.node());
    if (perNode.isEmpty()) byName.remove(s.name());
  }

  // --- reads ---

  List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  Optional<Node> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  boolean hasNode(String name) {
    return nodes.containsKey(name);
  }

  boolean hasService(String name) {
    return byName.containsKey(name);
  }

  Map<String, ServiceInstance> servicesOn(String node) {
    TreeMap<String, ServiceInstance> m = servicesByNode.get(node);
    return m == null ? Map.of() : m;
  }

  List<HealthCheck> checksOn(String node) {
    TreeMap<String, HealthCheck> m = checksByNode.get(node);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  /** Service name → the union of its instances' tags, in order of first appearance. */
  Map<String, List<String>> serviceNames() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    byName.forEach((name, perNode) -> {
      Set<String> tags = new java.util.LinkedHashSet<>();
      perNode.forEach((node, ids) -> ids.forEach(id -> tags.addAll(servicesOn(node).get(id).tags())));
      out.put(name, new ArrayList<>(tags));
    });
    return out;
  }

  List<ServiceInstance> instances(String name) {
    List<ServiceInstance> out = new ArrayList<>();
    TreeMap<String, Set<String>> perNode = byName.get(name);
    if (perNode != null) perNode.forEach((node, ids) -> ids.forEach(id -> out.add(servicesOn(node).get(id))));
    return out;
  }

  /** The checks that decide an instance's health: its own and its node's. */
  List<HealthCheck> checksFor(ServiceInstance s) {
    List<HealthCheck> out = new ArrayList<>();
    for (HealthCheck hc : checksOn(s.node())) {
      if (hc.isNodeCheck() || hc.serviceId().equals(s.id())) out.add(hc);
    }
    return out;
  }

  List<HealthCheck> allChecks() {
    List<HealthCheck> out = new ArrayList<>();
    checksByNode.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  // --- snapshots ---

  record Image(List<Node> nodes, List<ServiceInstance> services, List<HealthCheck> checks) {}

  Image image() {
    List<ServiceInstance> services = new ArrayList<>();
    servicesByNode.values().forEach(m -> services.addAll(m.values()));
    return new Image(nodes(), services, allChecks());
  }

  void restore(Image img) {
    nodes.clear();
    servicesByNode.clear();
    checksByNode.clear();
    byName.clear();
    for (Node n : orEmpty(img.nodes())) nodes.put(n.name(), n);
    for (ServiceInstance s : orEmpty(img.services())) {
      servicesByNode.computeIfAbsent(s.node(), k -> new TreeMap<>()).put(s.id(), s);
      byName.computeIfAbsent(s.name(), k -> new TreeMap<>()).computeIfAbsent(s.node(), k -> new TreeSet<>()).add(s.id());
    }
    for (HealthCheck hc : orEmpty(img.checks())) checksByNode.computeIfAbsent(hc.node(), k -> new TreeMap<>()).put(hc.checkId(), hc);
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
