package io.cairn.http;

import io.cairn.checks.GoDuration;
import io.cairn.state.HealthCheck;
import io.cairn.state.Image;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks the records of a backup being restored as the write API would have taken them (names
 * and keys present, no NUL in a key, values within 512 KB, a session's behavior and TTL), part
 * by part as it arrives ({@link RestoreUpload}), so that a bad record is named before anything
 * reaches the Raft log. What records refer to (a service's node, a lock's session) is resolved
 * by the state store when the last part arrives (state/ImageCheck), the one place that sees the
 * whole; it refuses the restore with the same 400.
 */
final class RestoreValidation {
  private RestoreValidation() {}

  /** Checks every record of one part; the first fault is a 400 naming the record and the field. */
  static void records(Image part) {
    require(part.index() >= 0, "index is negative");
    if (part.nodes() != null) nodes(part.nodes());
    if (part.services() != null) services(part.services());
    if (part.checks() != null) checks(part.checks());
    if (part.sessions() != null) sessions(part.sessions());
    if (part.kv() != null) kv(part.kv());
    if (part.kvTombstones() != null) noNulls(part.kvTombstones(), "kvTombstones");
    require(part.kvReapedFloor() >= 0, "kvReapedFloor is negative");
    if (part.recentRequests() != null) noNulls(part.recentRequests(), "recentRequests");
    if (part.leftNodes() != null) noNulls(part.leftNodes(), "leftNodes");
  }

  private static void nodes(List<Node> list) {
    for (int i = 0; i < list.size(); i++) {
      Node n = list.get(i);
      String at = "nodes[" + i + "]";
      require(n != null, at + " is null");
      name(n.name(), at + ".name");
      require(n.address() != null && !n.address().isEmpty(), "node \"" + n.name() + "\" has no address");
    }
  }

  private static void services(List<ServiceInstance> list) {
    for (int i = 0; i < list.size(); i++) {
      ServiceInstance s = list.get(i);
      String at = "services[" + i + "]";
      require(s != null, at + " is null");
      name(s.node(), at + ".node");
      name(s.id(), at + ".id");
      name(s.name(), at + ".name");
      jsonObject(s.proxy(), at + ".proxy");
      jsonObject(s.connect(), at + ".connect");
    }
  }

  private static void checks(List<HealthCheck> list) {
    for (int i = 0; i < list.size(); i++) {
      HealthCheck c = list.get(i);
      String at = "checks[" + i + "]";
      require(c != null, at + " is null");
      name(c.node(), at + ".node");
      name(c.checkId(), at + ".checkId");
      jsonObject(c.definition(), at + ".definition");
    }
  }

  /** A field the catalog keeps as JSON (a proxy, a check's definition) must be a JSON object, or the reads that show it fail. */
  private static void jsonObject(String json, String at) {
    if (json == null) return;
    try {
      require(Wire.JSON.readTree(json).isObject(), at + " is not a JSON object");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(at + " is not JSON");
    }
  }

  private static void sessions(Map<String, Session> byId) {
    for (Map.Entry<String, Session> e : byId.entrySet()) {
      Session s = e.getValue();
      require(e.getKey() != null && s != null, "sessions holds an empty entry");
      require(e.getKey().equals(s.id()), "session \"" + e.getKey() + "\" is filed under another ID");
      require(s.node() != null, "session \"" + s.id() + "\" has no node");
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
  }

  private static void kv(List<KvEntry> list) {
    for (int i = 0; i < list.size(); i++) {
      KvEntry e = list.get(i);
      String at = "kv[" + i + "]";
      require(e != null, at + " is null");
      key(e.key(), at + ".key");
      require(e.value().length <= KvApi.MAX_VALUE_BYTES,
          "the value of key \"" + e.key() + "\" is " + e.value().length + " bytes, over the " + KvApi.MAX_VALUE_BYTES + " byte limit");
      require(e.createIndex() >= 0 && e.modifyIndex() >= 0 && e.lockIndex() >= 0, "key \"" + e.key() + "\" has a negative index");
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
