package io.cairn.http;

import io.cairn.checks.GoDuration;
import io.cairn.state.HealthCheck;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import io.cairn.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a snapshot's state, record by record, before it is written to the Raft log: once
 * there, every server applies it, and a record the state cannot hold (a node without a name, a
 * service on no node, a key with a NUL) would break each of them. The rules are those the write
 * API enforces, so a snapshot saved by Cairn always passes. The first fault is answered as a
 * 400 naming the record and the field.
 *
 * <p>Reads only the image's accessors: the state store's own restore may grow more checks, and
 * fields, without this class changing.
 */
final class RestoreValidation {
  private RestoreValidation() {}

  static void check(StateStore.Image img) {
    if (img == null) throw invalid("State is empty");
    require(img.index() >= 0, "index is negative");
    Set<String> nodes = nodes(present(img.nodes(), "nodes"));
    Map<String, Set<String>> servicesByNode = services(present(img.services(), "services"), nodes);
    checks(present(img.checks(), "checks"), nodes, servicesByNode);
    // A session whose checks are gone is harmless (the store ends it at its node's next change);
    // one on a node that does not exist, or a lock held by a session that does not, would live on.
    Set<String> sessions = img.sessions() == null ? Set.of() : sessions(img.sessions(), nodes);
    kv(present(img.kv(), "kv"), sessions);
    noNulls(present(img.kvTombstones(), "kvTombstones"), "kvTombstones");
    require(img.kvReapedFloor() >= 0, "kvReapedFloor is negative");
    if (img.recentRequests() != null) noNulls(img.recentRequests(), "recentRequests");
    if (img.leftNodes() != null) noNulls(img.leftNodes(), "leftNodes");
  }

  private static Set<String> nodes(List<Node> list) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Node n = list.get(i);
      String at = "nodes[" + i + "]";
      require(n != null, at + " is null");
      name(n.name(), at + ".name");
      require(n.address() != null && !n.address().isEmpty(), "node \"" + n.name() + "\" has no address");
      require(names.add(n.name()), "node \"" + n.name() + "\" appears twice");
    }
    return names;
  }

  private static Map<String, Set<String>> services(List<ServiceInstance> list, Set<String> nodes) {
    Map<String, Set<String>> byNode = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      ServiceInstance s = list.get(i);
      String at = "services[" + i + "]";
      require(s != null, at + " is null");
      name(s.node(), at + ".node");
      name(s.id(), at + ".id");
      name(s.name(), at + ".name");
      require(nodes.contains(s.node()), "service \"" + s.id() + "\" is on node \"" + s.node() + "\", which the snapshot does not hold");
      require(byNode.computeIfAbsent(s.node(), k -> new HashSet<>()).add(s.id()),
          "service \"" + s.id() + "\" appears twice on node \"" + s.node() + "\"");
    }
    return byNode;
  }

  private static void checks(List<HealthCheck> list, Set<String> nodes, Map<String, Set<String>> services) {
    Map<String, Set<String>> byNode = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      HealthCheck c = list.get(i);
      String at = "checks[" + i + "]";
      require(c != null, at + " is null");
      name(c.node(), at + ".node");
      name(c.checkId(), at + ".checkId");
      require(nodes.contains(c.node()), "check \"" + c.checkId() + "\" is on node \"" + c.node() + "\", which the snapshot does not hold");
      require(c.isNodeCheck() || services.getOrDefault(c.node(), Set.of()).contains(c.serviceId()),
          "check \"" + c.checkId() + "\" names service \"" + c.serviceId() + "\", which node \"" + c.node() + "\" does not have");
      require(byNode.computeIfAbsent(c.node(), k -> new HashSet<>()).add(c.checkId()),
          "check \"" + c.checkId() + "\" appears twice on node \"" + c.node() + "\"");
    }
  }

  private static Set<String> sessions(Map<String, Session> byId, Set<String> nodes) {
    for (Map.Entry<String, Session> e : byId.entrySet()) {
      Session s = e.getValue();
      require(e.getKey() != null && s != null, "sessions holds an empty entry");
      require(e.getKey().equals(s.id()), "session \"" + e.getKey() + "\" is filed under another ID");
      require(s.node() != null && nodes.contains(s.node()), "session \"" + s.id() + "\" is on node \"" + s.node() + "\", which the snapshot does not hold");
      require(s.behavior().equals(Session.RELEASE) || s.behavior().equals(Session.DELETE),
          "session \"" + s.id() + "\" has an unknown behavior \"" + s.behavior() + "\"");
      require(s.lockDelayNanos() >= 0, "session \"" + s.id() + "\" has a negative lock delay");
      if (!s.ttl().isEmpty()) {
        try {
          GoDuration.parse(s.ttl());
        } catch (IllegalArgumentException bad) {
          throw invalid("session \"" + s.id() + "\" has an invalid TTL \"" + s.ttl() + "\"");
        }
      }
    }
    return byId.keySet();
  }

  private static void kv(List<KvEntry> list, Set<String> sessions) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      KvEntry e = list.get(i);
      String at = "kv[" + i + "]";
      require(e != null, at + " is null");
      key(e.key(), at + ".key");
      require(e.value().length <= KvApi.MAX_VALUE_BYTES,
          "the value of key \"" + e.key() + "\" is " + e.value().length + " bytes, over the " + KvApi.MAX_VALUE_BYTES + " byte limit");
      require(e.createIndex() >= 0 && e.modifyIndex() >= 0 && e.lockIndex() >= 0, "key \"" + e.key() + "\" has a negative index");
      require(e.session() == null || e.session().isEmpty() || sessions.contains(e.session()),
          "key \"" + e.key() + "\" is locked by session \"" + e.session() + "\", which the snapshot does not hold");
      require(keys.add(e.key()), "key \"" + e.key() + "\" appears twice");
    }
  }


  /** A KV key as the write API takes it: not empty, no NUL, within the length limit. */
  private static void key(String key, String at) {
    require(key != null && !key.isEmpty(), at + " is missing");
    require(key.indexOf('\0') < 0, at + " contains a NUL character");
    require(key.getBytes(StandardCharsets.UTF_8).length <= KvApi.MAX_KEY_BYTES, at + " is longer than " + KvApi.MAX_KEY_BYTES + " bytes");
  }

  private static void name(String value, String at) {
    require(value != null && !value.isEmpty(), at + " is missing");
  }

  private static <T> T present(T value, String field) {
    require(value != null, field + " is missing");
    return value;
  }

  private static void noNulls(Map<?, ?> map, String field) {
    for (Map.Entry<?, ?> e : map.entrySet()) require(e.getKey() != null && e.getValue() != null, field + " holds an empty entry");
  }

  private static void require(boolean ok, String what) {
    if (!ok) throw invalid(what);
  }

  private static ApiException invalid(String what) {
    return ApiException.badRequest("Invalid snapshot: " + what);
  }
}
