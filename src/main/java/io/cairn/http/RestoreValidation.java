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
 * <p>A backup arrives in parts ({@link RestoreUpload}): each part's records are checked as it
 * comes, and what they refer to (a service's node, a lock's session) is remembered, names only,
 * and resolved by {@link #finish} before the last part is sent. The state store checks the
 * whole again when the last part is applied.
 */
final class RestoreValidation {
  private final Set<String> nodes = new HashSet<>();
  private final Map<String, Set<String>> servicesByNode = new HashMap<>();
  private final Map<String, Set<String>> checksByNode = new HashMap<>();
  private final Set<String> sessions = new HashSet<>();
  /** What the records seen so far refer to, resolved at the end: the record's words, then the name. */
  private final Map<String, String> nodeRefs = new HashMap<>();
  private final Map<String, String> serviceRefs = new HashMap<>();
  private final Map<String, String> sessionRefs = new HashMap<>();

  /** A whole image at once. */
  static void check(StateStore.Image img) {
    if (img == null) throw invalid("State is empty");
    present(img.nodes(), "nodes");
    present(img.services(), "services");
    present(img.checks(), "checks");
    present(img.kv(), "kv");
    present(img.kvTombstones(), "kvTombstones");
    RestoreValidation v = new RestoreValidation();
    v.part(img);
    v.finish();
  }

  /** Checks one part's records, remembering what they refer to. */
  void part(StateStore.Image img) {
    if (img == null) throw invalid("State is empty");
    require(img.index() >= 0, "index is negative");
    if (img.nodes() != null) nodes(img.nodes());
    if (img.services() != null) services(img.services());
    if (img.checks() != null) checks(img.checks());
    if (img.sessions() != null) sessions(img.sessions());
    if (img.kv() != null) kv(img.kv());
    if (img.kvTombstones() != null) noNulls(img.kvTombstones(), "kvTombstones");
    require(img.kvReapedFloor() >= 0, "kvReapedFloor is negative");
    if (img.recentRequests() != null) noNulls(img.recentRequests(), "recentRequests");
    if (img.leftNodes() != null) noNulls(img.leftNodes(), "leftNodes");
  }

  /** Resolves what the records refer to: every node, service and session named must be there. */
  void finish() {
    nodeRefs.forEach((what, node) -> require(nodes.contains(node), what + ", which the snapshot does not hold"));
    serviceRefs.forEach((what, nodeAndService) -> {
      String[] ns = nodeAndService.split("\u0000", 2);
      require(servicesByNode.getOrDefault(ns[0], Set.of()).contains(ns[1]), what);
    });
    // A session whose checks are gone is harmless (the store ends it at its node's next change);
    // one on a node that does not exist, or a lock held by a session that does not, would live on.
    sessionRefs.forEach((what, session) -> require(sessions.contains(session), what + ", which the snapshot does not hold"));
  }

  private void nodes(List<Node> list) {
    for (int i = 0; i < list.size(); i++) {
      Node n = list.get(i);
      String at = "nodes[" + i + "]";
      require(n != null, at + " is null");
      name(n.name(), at + ".name");
      require(n.address() != null && !n.address().isEmpty(), "node \"" + n.name() + "\" has no address");
      require(nodes.add(n.name()), "node \"" + n.name() + "\" appears twice");
    }
  }

  private void services(List<ServiceInstance> list) {
    for (int i = 0; i < list.size(); i++) {
      ServiceInstance s = list.get(i);
      String at = "services[" + i + "]";
      require(s != null, at + " is null");
      name(s.node(), at + ".node");
      name(s.id(), at + ".id");
      name(s.name(), at + ".name");
      nodeRefs.put("service \"" + s.id() + "\" is on node \"" + s.node() + "\"", s.node());
      require(servicesByNode.computeIfAbsent(s.node(), k -> new HashSet<>()).add(s.id()),
          "service \"" + s.id() + "\" appears twice on node \"" + s.node() + "\"");
    }
  }

  private void checks(List<HealthCheck> list) {
    for (int i = 0; i < list.size(); i++) {
      HealthCheck c = list.get(i);
      String at = "checks[" + i + "]";
      require(c != null, at + " is null");
      name(c.node(), at + ".node");
      name(c.checkId(), at + ".checkId");
      nodeRefs.put("check \"" + c.checkId() + "\" is on node \"" + c.node() + "\"", c.node());
      if (!c.isNodeCheck()) {
        serviceRefs.put("check \"" + c.checkId() + "\" names service \"" + c.serviceId() + "\", which node \"" + c.node()
            + "\" does not have", c.node() + "\u0000" + c.serviceId());
      }
      require(checksByNode.computeIfAbsent(c.node(), k -> new HashSet<>()).add(c.checkId()),
          "check \"" + c.checkId() + "\" appears twice on node \"" + c.node() + "\"");
    }
  }

  private void sessions(Map<String, Session> byId) {
    for (Map.Entry<String, Session> e : byId.entrySet()) {
      Session s = e.getValue();
      require(e.getKey() != null && s != null, "sessions holds an empty entry");
      require(e.getKey().equals(s.id()), "session \"" + e.getKey() + "\" is filed under another ID");
      require(s.node() != null, "session \"" + s.id() + "\" has no node");
      nodeRefs.put("session \"" + s.id() + "\" is on node \"" + s.node() + "\"", s.node());
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
      sessions.add(s.id());
    }
  }

  private void kv(List<KvEntry> list) {
    for (int i = 0; i < list.size(); i++) {
      KvEntry e = list.get(i);
      String at = "kv[" + i + "]";
      require(e != null, at + " is null");
      key(e.key(), at + ".key");
      require(e.value().length <= KvApi.MAX_VALUE_BYTES,
          "the value of key \"" + e.key() + "\" is " + e.value().length + " bytes, over the " + KvApi.MAX_VALUE_BYTES + " byte limit");
      require(e.createIndex() >= 0 && e.modifyIndex() >= 0 && e.lockIndex() >= 0, "key \"" + e.key() + "\" has a negative index");
      if (e.session() != null && !e.session().isEmpty()) {
        sessionRefs.put("key \"" + e.key() + "\" is locked by session \"" + e.session() + "\"", e.session());
      }
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
