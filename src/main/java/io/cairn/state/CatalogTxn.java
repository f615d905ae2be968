package io.cairn.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node, service and check operations of a transaction (Consul's txn catalog operations):
 * checked in order against the catalog as the earlier operations leave it (existence and
 * ModifyIndex are all they can fail on), and written only at commit, once every operation of
 * the transaction, KV ones included, has passed. Errors in Consul's words.
 */
final class CatalogTxn {
  private final Catalog catalog;
  /** Entity key → its ModifyIndex after the earlier operations (0 when set here), or empty once deleted. */
  private final Map<String, Optional<Long>> overlay = new HashMap<>();
  private final Set<String> deletedNodes = new HashSet<>();
  private final Set<String> deletedServices = new HashSet<>();
  private final List<Consumer<Changes>> writes = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();
  /** Nodes a write touched, and those among them (re)registered: the store's follow-ups are per node. */
  private final Set<String> touched = new java.util.TreeSet<>();
  private final Set<String> registered = new java.util.TreeSet<>();
  private final long index;

  /** A result to give back: where, what, and the entity as read when the operation was a get. */
  private record Pending(int at, String kind, String node, String id, Object read) {}

  CatalogTxn(Catalog catalog, long index) {
    this.catalog = catalog;
    this.index = index;
  }

  int results() {
    return pending.size();
  }

  /** Checks one operation and queues its write; returns why it fails, or null. {@code at}: its result's position. */
  String apply(TxnOp op, int at) {
    String verb = op.verb() == null ? "" : op.verb();
    return switch (op.kind()) {
      case TxnOp.NODE -> node(verb, op, at);
      case TxnOp.SERVICE -> service(verb, op, at);
      case TxnOp.CHECK -> check(verb, op, at);
      default -> "unknown operation \"" + op.kind() + "\"";
    };
  }

  private String node(String verb, TxnOp op, int at) {
    Node n = op.node();
    if (n == null || n.name() == null || n.name().isEmpty()) return "Must provide node";
    String name = n.name();
    Optional<Long> have = nodeIndex(name);
    switch (verb) {
      case "set", "cas" -> {
        if (verb.equals("cas") && !matches(have, op.index())) return "failed to set node \"" + name + "\", index is stale";
        if (n.address() == null || n.address().isEmpty()) return "Must provide address";
        overlay.put(nodeKey(name), Optional.of(0L));
        touched.add(name);
        registered.add(name);
        writes.add(ch -> catalog.register(index, new Command.CatalogRegister(n.id(), name, n.address(),
            n.datacenter(), n.taggedAddresses(), n.meta(), false, null, List.of()), ch));
        pending.add(new Pending(at, TxnOp.NODE, name, null, null));
      }
      case "get" -> {
        if (have.isEmpty()) return "node \"" + name + "\" doesn't exist";
        pending.add(new Pending(at, TxnOp.NODE, name, null, catalog.node(name).orElse(null)));
      }
      case "delete", "delete-cas" -> {
        if (verb.equals("delete-cas") && (have.isEmpty() || have.get() != op.index())) {
          return "failed to delete node \"" + name + "\", index is stale";
        }
        if (have.isPresent()) {
          overlay.put(nodeKey(name), Optional.empty());
          deletedNodes.add(name);
          touched.add(name);
          writes.add(ch -> catalog.deregister(new Command.CatalogDeregister(name, null, null), ch));
        }
      }
      default -> {
        return "unknown Node verb \"" + verb + "\"";
      }
    }
    return null;
  }

  private String service(String verb, TxnOp op, int at) {
    ServiceInstance s = op.service();
    if (s == null || s.node() == null || s.node().isEmpty()) return "Must provide node";
    String node = s.node();
    String id = s.id() == null || s.id().isEmpty() ? s.name() : s.id();
    if (id == null || id.isEmpty()) return "Must provide service name";
    Optional<Long> have = serviceIndex(node, id);
    switch (verb) {
      case "set", "cas" -> {
        if (verb.equals("cas") && !matches(have, op.index())) {
          return "failed to set service \"" + id + "\" on node \"" + node + "\", index is stale";
        }
        if (s.name() == null || s.name().isEmpty()) return "Must provide service name";
        if (nodeIndex(node).isEmpty()) return "Missing node registration";
        overlay.put(serviceKey(node, id), Optional.of(0L));
        deletedServices.remove(node + "\0" + id);
        touched.add(node);
        writes.add(ch -> catalog.node(node).ifPresent(n -> catalog.register(index, new Command.CatalogRegister(n.id(), node,
            n.address(), n.datacenter(), n.taggedAddresses(), n.meta(), true, s, List.of()), ch)));
        pending.add(new Pending(at, TxnOp.SERVICE, node, id, null));
      }
      case "get" -> {
        if (have.isEmpty()) return "service \"" + id + "\" on node \"" + node + "\" doesn't exist";
        pending.add(new Pending(at, TxnOp.SERVICE, node, id, catalog.servicesOn(node).get(id)));
      }
      case "delete", "delete-cas" -> {
        if (verb.equals("delete-cas") && (have.isEmpty() || have.get() != op.index())) {
          return "failed to delete service \"" + id + "\" on node \"" + node + "\", index is stale";
        }
        if (have.isPresent()) {
          overlay.put(serviceKey(node, id), Optional.empty());
          deletedServices.add(node + "\0" + id);
          touched.add(node);
          writes.add(ch -> catalog.deregister(new Command.CatalogDeregister(node, id, null), ch));
        }
      }
      default -> {
        return "unknown Service verb \"" + verb + "\"";
      }
    }
    return null;
  }

  private String check(String verb, TxnOp op, int at) {
    HealthCheck c = op.check();
    if (c == null || c.node() == null || c.node().isEmpty()) return "Must provide node";
    String node = c.node();
    String id = c.checkId();
    if (id == null || id.isEmpty()) return "Must provide check ID";
    Optional<Long> have = checkIndex(node, id);
    switch (verb) {
      case "set", "cas" -> {
        if (verb.equals("cas") && !matches(have, op.index())) {
          return "failed to set check \"" + id + "\" on node \"" + node + "\", index is stale";
        }
        if (nodeIndex(node).isEmpty()) return "Missing node registration";
        if (!c.serviceId().isEmpty() && serviceIndex(node, c.serviceId()).isEmpty()) return "Missing service registration";
        overlay.put(checkKey(node, id), Optional.of(0L));
        touched.add(node);
        writes.add(ch -> catalog.node(node).ifPresent(n -> catalog.register(index, new Command.CatalogRegister(n.id(), node,
            n.address(), n.datacenter(), n.taggedAddresses(), n.meta(), true, null, List.of(c)), ch)));
        pending.add(new Pending(at, TxnOp.CHECK, node, id, null));
      }
      case "get" -> {
        if (have.isEmpty()) return "check \"" + id + "\" on node \"" + node + "\" doesn't exist";
        pending.add(new Pending(at, TxnOp.CHECK, node, id, storedCheck(node, id)));
      }
      case "delete", "delete-cas" -> {
        if (verb.equals("delete-cas") && (have.isEmpty() || have.get() != op.index())) {
          return "failed to delete check \"" + id + "\" on node \"" + node + "\", index is stale";
        }
        if (have.isPresent()) {
          overlay.put(checkKey(node, id), Optional.empty());
          touched.add(node);
          writes.add(ch -> catalog.deregister(new Command.CatalogDeregister(node, null, id), ch));
        }
      }
      default -> {
        return "unknown Check verb \"" + verb + "\"";
      }
    }
    return null;
  }

  /** A cas: 0 expects nothing there yet; n expects the entity at ModifyIndex n. */
  private static boolean matches(Optional<Long> have, long expected) {
    return expected == 0 ? have.isEmpty() : have.isPresent() && have.get() == expected;
  }

  /** Writes every queued operation, in order. */
  void commit(Changes ch) {
    writes.forEach(w -> w.accept(ch));
  }

  Set<String> touchedNodes() {
    return touched;
  }

  Set<String> registeredNodes() {
    return registered;
  }

  /** The results, read after the writes (so with the indexes they got). */
  List<TxnResult.CatalogItem> items() {
    List<TxnResult.CatalogItem> out = new ArrayList<>();
    for (Pending p : pending) {
      switch (p.kind()) {
        case TxnOp.NODE -> {
          Node n = p.read() instanceof Node r ? r : catalog.node(p.node()).orElse(null);
          if (n != null) out.add(new TxnResult.CatalogItem(p.at(), n, null, null));
        }
        case TxnOp.SERVICE -> {
          ServiceInstance s = p.read() instanceof ServiceInstance r ? r : catalog.servicesOn(p.node()).get(p.id());
          if (s != null) out.add(new TxnResult.CatalogItem(p.at(), null, s, null));
        }
        default -> {
          HealthCheck c = p.read() instanceof HealthCheck r ? r : storedCheck(p.node(), p.id());
          if (c != null) out.add(new TxnResult.CatalogItem(p.at(), null, null, c));
        }
      }
    }
    return out;
  }

  private Optional<Long> nodeIndex(String name) {
    Optional<Long> o = overlay.get(nodeKey(name));
    if (o != null) return o;
    return catalog.node(name).map(Node::modifyIndex);
  }

  private Optional<Long> serviceIndex(String node, String id) {
    Optional<Long> o = overlay.get(serviceKey(node, id));
    if (o != null) return o;
    if (deletedNodes.contains(node)) return Optional.empty();
    return Optional.ofNullable(catalog.servicesOn(node).get(id)).map(ServiceInstance::modifyIndex);
  }

  private Optional<Long> checkIndex(String node, String id) {
    Optional<Long> o = overlay.get(checkKey(node, id));
    if (o != null) return o;
    if (deletedNodes.contains(node)) return Optional.empty();
    HealthCheck c = storedCheck(node, id);
    if (c == null || (!c.serviceId().isEmpty() && deletedServices.contains(node + "\0" + c.serviceId()))) return Optional.empty();
    return Optional.of(c.modifyIndex());
  }

  private HealthCheck storedCheck(String node, String id) {
    for (HealthCheck c : catalog.checksOn(node)) if (c.checkId().equals(id)) return c;
    return null;
  }

  private static String nodeKey(String name) {
    return "n\0" + name;
  }

  private static String serviceKey(String node, String id) {
    return "s\0" + node + "\0" + id;
  }

  private static String checkKey(String node, String id) {
    return "c\0" + node + "\0" + id;
  }
}
