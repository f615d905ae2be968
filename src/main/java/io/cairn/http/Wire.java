package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.HealthCheck;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.ServiceEntry;
import io.cairn.state.ServiceInstance;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of Consul's API. Consul's field names (PascalCase) live here and nowhere else.
 * Where Consul answers [] or {} for an empty collection, so does this (clients break on null).
 */
final class Wire {
  // Jackson's default buffer pool is per thread; every request here runs on a fresh virtual
  // thread, so a shared pool is what lets the buffers be reused at all.
  static final ObjectMapper JSON = Json.MAPPER;

  private Wire() {}

  static ObjectNode object() {
    return Json.object();
  }

  static ArrayNode array() {
    return JSON.createArrayNode();
  }

  static ArrayNode strings(Collection<String> values) {
    ArrayNode a = array();
    values.forEach(a::add);
    return a;
  }

  static ObjectNode stringMap(Map<String, String> values) {
    ObjectNode o = object();
    values.forEach(o::put);
    return o;
  }

  static ObjectNode kvEntry(KvEntry e) {
    ObjectNode o = object();
    o.put("LockIndex", e.lockIndex());
    o.put("Key", e.key());
    putUint64(o, "Flags", e.flags());
    if (e.value().length == 0) o.putNull("Value");
    else o.put("Value", Base64.getEncoder().encodeToString(e.value()));
    if (e.session() != null && !e.session().isEmpty()) o.put("Session", e.session());
    o.put("CreateIndex", e.createIndex());
    o.put("ModifyIndex", e.modifyIndex());
    return o;
  }

  static ObjectNode node(Node n) {
    ObjectNode o = nodeFields(n, "Meta");
    o.put("CreateIndex", n.createIndex());
    o.put("ModifyIndex", n.modifyIndex());
    return o;
  }

  /** A node's identity fields, shared by node objects and the flattened catalog-service rows. */
  private static ObjectNode nodeFields(Node n, String metaField) {
    ObjectNode o = object();
    o.put("ID", n.id());
    o.put("Node", n.name());
    o.put("Address", n.address());
    o.put("Datacenter", n.datacenter());
    o.set("TaggedAddresses", taggedAddresses(n));
    o.set(metaField, stringMap(n.meta()));
    return o;
  }

  /** Always with "lan" and "wan", as Consul's agents register them (kiwi requires "wan"). */
  private static ObjectNode taggedAddresses(Node n) {
    ObjectNode o = object();
    Map<String, String> t = n.taggedAddresses();
    String lan = t.getOrDefault("lan", n.address());
    String wan = t.getOrDefault("wan", lan);
    o.put("lan", lan);
    o.put("lan_ipv4", t.getOrDefault("lan_ipv4", lan));
    o.put("wan", wan);
    o.put("wan_ipv4", t.getOrDefault("wan_ipv4", wan));
    t.forEach((k, v) -> {
      if (!o.has(k)) o.put(k, v);
    });
    return o;
  }

  static ObjectNode weights(ServiceInstance s) {
    ObjectNode w = object();
    w.put("Passing", s.weightPassing());
    w.put("Warning", s.weightWarning());
    return w;
  }

  /** A service as the agent's own endpoints show it (Consul's api.AgentService). */
  static ObjectNode agentService(ServiceInstance s, String datacenter, boolean withIndexes) {
    ObjectNode o = serviceFields(s);
    if (withIndexes) {
      o.put("CreateIndex", s.createIndex());
      o.put("ModifyIndex", s.modifyIndex());
    }
    putIfNotNull(o, "Proxy", MeshWire.agentProxy(s));
    putIfNotNull(o, "Connect", MeshWire.agentConnect(s));
    if (datacenter != null) o.put("Datacenter", datacenter);
    if (s.locality() != null) o.set("Locality", MeshWire.locality(s.locality()));
    return o;
  }

  /** A service as the catalog's node view and health reads show it (Consul's structs.NodeService). */
  static ObjectNode nodeService(ServiceInstance s) {
    ObjectNode o = serviceFields(s);
    if (s.locality() != null) o.set("Locality", MeshWire.locality(s.locality()));
    o.set("Proxy", MeshWire.catalogProxy(s));
    o.set("Connect", MeshWire.catalogConnect(s));
    o.put("CreateIndex", s.createIndex());
    o.put("ModifyIndex", s.modifyIndex());
    return o;
  }

  /** What both shapes of a service share, in their order. */
  private static ObjectNode serviceFields(ServiceInstance s) {
    ObjectNode o = object();
    if (s.kind() != null) o.put("Kind", s.kind());
    o.put("ID", s.id());
    o.put("Service", s.name());
    o.set("Tags", strings(s.tags()));
    o.set("Meta", stringMap(s.meta()));
    o.put("Port", s.port());
    o.put("Address", s.address());
    if (s.socketPath() != null) o.put("SocketPath", s.socketPath());
    if (s.taggedAddresses() != null) o.set("TaggedAddresses", MeshWire.taggedAddresses(s.taggedAddresses()));
    o.set("Weights", weights(s));
    o.put("EnableTagOverride", s.enableTagOverride());
    return o;
  }

  private static void putIfNotNull(ObjectNode o, String name, JsonNode value) {
    if (value != null) o.set(name, value);
  }

  /** One row of /v1/catalog/service/:name: the node's fields flattened with the service's (Consul's ServiceNode). */
  static ObjectNode catalogService(Node n, ServiceInstance s) {
    ObjectNode o = nodeFields(n, "NodeMeta");
    o.put("ServiceKind", s.kind() == null ? "" : s.kind());
    o.put("ServiceID", s.id());
    o.put("ServiceName", s.name());
    o.set("ServiceTags", strings(s.tags()));
    o.put("ServiceAddress", s.address());
    if (s.taggedAddresses() != null) o.set("ServiceTaggedAddresses", MeshWire.taggedAddresses(s.taggedAddresses()));
    o.set("ServiceWeights", weights(s));
    o.set("ServiceMeta", stringMap(s.meta()));
    o.put("ServicePort", s.port());
    o.put("ServiceSocketPath", s.socketPath() == null ? "" : s.socketPath());
    o.put("ServiceEnableTagOverride", s.enableTagOverride());
    o.set("ServiceProxy", MeshWire.catalogProxy(s));
    o.set("ServiceConnect", MeshWire.catalogConnect(s));
    if (s.locality() == null) o.putNull("ServiceLocality");
    else o.set("ServiceLocality", MeshWire.locality(s.locality()));
    o.put("CreateIndex", s.createIndex());
    o.put("ModifyIndex", s.modifyIndex());
    return o;
  }

  static ObjectNode check(HealthCheck c) {
    ObjectNode o = object();
    o.put("Node", c.node());
    o.put("CheckID", c.checkId());
    o.put("Name", c.name());
    o.put("Status", c.status().wireName());
    o.put("Notes", c.notes());
    o.put("Output", c.output());
    o.put("ServiceID", c.serviceId());
    o.put("ServiceName", c.serviceName());
    o.set("ServiceTags", strings(c.serviceTags()));
    o.put("Type", c.type());
    o.put("Interval", c.interval());
    o.put("Timeout", c.timeout());
    o.put("ExposedPort", 0);
    o.set("Definition", definition(c));
    o.put("CreateIndex", c.createIndex());
    o.put("ModifyIndex", c.modifyIndex());
    return o;
  }

  /**
   * The Definition a client registered in the catalog, as given; for a check an agent runs, its
   * interval and timeout.
   */
  private static ObjectNode definition(HealthCheck c) {
    if (c.definition() != null) return MeshWire.parse(c.definition());
    ObjectNode def = object();
    if (!c.interval().isEmpty()) def.put("Interval", c.interval());
    if (!c.timeout().isEmpty()) def.put("Timeout", c.timeout());
    return def;
  }

  static ArrayNode checks(List<HealthCheck> checks) {
    ArrayNode a = array();
    checks.forEach(c -> a.add(check(c)));
    return a;
  }

  static ObjectNode serviceEntry(ServiceEntry e) {
    ObjectNode o = object();
    o.set("Node", node(e.node()));
    o.set("Service", nodeService(e.service()));
    o.set("Checks", checks(e.checks()));
    return o;
  }

  static JsonNode text(String s) {
    return JSON.getNodeFactory().textNode(s);
  }

  /** A uint64 kept in a long's bits, written as the unsigned number it is (Consul's KV flags). */
  static void putUint64(ObjectNode o, String name, long value) {
    if (value >= 0) o.put(name, value);
    else o.put(name, new java.math.BigInteger(Long.toUnsignedString(value)));
  }
}
