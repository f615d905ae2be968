package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.Locality;
import io.cairn.state.ServiceAddress;
import io.cairn.state.ServiceInstance;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of what a registration carries for Consul's service mesh (Proxy, Connect) and its other
 * pass-through fields (tagged addresses, Locality), which the catalog keeps canonical and sparse
 * (local/MeshFields). Consul answers in two shapes, and so does this: its catalog structs for the
 * catalog and health reads, where Proxy and Connect are always present and some fields are
 * written even when empty; and its api structs for the agent's own endpoints, where Proxy appears
 * only for proxies and gateways and Connect only as {@code {"Native": true}}.
 */
final class MeshWire {
  private static final Set<String> PROXY_KINDS = Set.of("connect-proxy", "mesh-gateway", "terminating-gateway",
      "ingress-gateway", "api-gateway");

  private MeshWire() {}

  static ObjectNode taggedAddresses(Map<String, ServiceAddress> tagged) {
    ObjectNode o = Json.object();
    tagged.forEach((name, a) -> {
      ObjectNode addr = o.putObject(name);
      addr.put("Address", a.address());
      addr.put("Port", a.port());
    });
    return o;
  }

  static ObjectNode locality(Locality l) {
    ObjectNode o = Json.object();
    if (!l.region().isEmpty()) o.put("Region", l.region());
    if (!l.zone().isEmpty()) o.put("Zone", l.zone());
    return o;
  }

  /** Consul's structs.ConnectProxyConfig, as the catalog and health endpoints write it. */
  static ObjectNode catalogProxy(ServiceInstance s) {
    ObjectNode kept = parse(s.proxy());
    ObjectNode o = Json.object();
    // Its encoder writes these two first, and only when set.
    copy(kept, o, "TransparentProxy", "AccessLogs");
    if (kept.has("EnvoyExtensions")) {
      ArrayNode out = o.putArray("EnvoyExtensions");
      for (JsonNode e : kept.get("EnvoyExtensions")) {
        ObjectNode x = out.addObject();
        x.put("Name", e.path("Name").asText(""));
        x.put("Required", e.path("Required").asBoolean(false));
        x.set("Arguments", e.has("Arguments") ? e.get("Arguments") : Json.MAPPER.nullNode());
        x.put("ConsulVersion", e.path("ConsulVersion").asText(""));
        x.put("EnvoyVersion", e.path("EnvoyVersion").asText(""));
      }
    }
    copy(kept, o, "DestinationServiceName", "DestinationServiceID", "LocalServiceAddress", "LocalServicePort",
        "LocalServiceSocketPath");
    o.put("Mode", kept.path("Mode").asText(""));
    copy(kept, o, "Config");
    if (kept.has("Upstreams")) {
      ArrayNode out = o.putArray("Upstreams");
      for (JsonNode u : kept.get("Upstreams")) out.add(upstream(u, true));
    }
    o.set("MeshGateway", objectOrEmpty(kept, "MeshGateway"));
    o.set("Expose", objectOrEmpty(kept, "Expose"));
    return o;
  }

  /** Consul's structs.ServiceConnect: always an object, {} for a service that uses none of it. */
  static ObjectNode catalogConnect(ServiceInstance s) {
    return parse(s.connect());
  }

  /** Consul's api.AgentServiceConnectProxyConfig, which the agent writes for proxies and gateways only; else null. */
  static ObjectNode agentProxy(ServiceInstance s) {
    if (s.kind() == null || !PROXY_KINDS.contains(s.kind())) return null;
    ObjectNode kept = parse(s.proxy());
    ObjectNode o = Json.object();
    copy(kept, o, "DestinationServiceName", "DestinationServiceID", "LocalServiceAddress", "LocalServicePort",
        "LocalServiceSocketPath", "Mode", "TransparentProxy", "Config");
    if (kept.has("Upstreams")) {
      ArrayNode out = o.putArray("Upstreams");
      for (JsonNode u : kept.get("Upstreams")) out.add(upstream(u, false));
    }
    o.set("MeshGateway", objectOrEmpty(kept, "MeshGateway"));
    o.set("Expose", objectOrEmpty(kept, "Expose"));
    copy(kept, o, "AccessLogs");
    return o;
  }

  /** The agent writes Connect only for a Connect-native service, and then only that. */
  static ObjectNode agentConnect(ServiceInstance s) {
    if (!parse(s.connect()).path("Native").asBoolean(false)) return null;
    ObjectNode o = Json.object();
    o.put("Native", true);
    return o;
  }

  /**
   * One upstream: the catalog's struct always writes its type, name, datacenter and mesh gateway;
   * the api's writes the name and mesh gateway, and has no CentrallyConfigured.
   */
  private static ObjectNode upstream(JsonNode u, boolean catalog) {
    ObjectNode o = Json.object();
    if (catalog || u.has("DestinationType")) o.put("DestinationType", u.path("DestinationType").asText(""));
    copy(u, o, "DestinationNamespace", "DestinationPartition", "DestinationPeer");
    o.put("DestinationName", u.path("DestinationName").asText(""));
    if (catalog || u.has("Datacenter")) o.put("Datacenter", u.path("Datacenter").asText(""));
    copy(u, o, "LocalBindAddress", "LocalBindPort", "LocalBindSocketPath", "LocalBindSocketMode", "Config");
    o.set("MeshGateway", objectOrEmpty(u, "MeshGateway"));
    if (catalog) copy(u, o, "CentrallyConfigured");
    return o;
  }

  private static ObjectNode objectOrEmpty(JsonNode from, String name) {
    return from.get(name) instanceof ObjectNode o ? o : Json.object();
  }

  private static void copy(JsonNode from, ObjectNode to, String... names) {
    for (String n : names) {
      if (from.has(n)) to.set(n, from.get(n));
    }
  }

  /** A kept object; the catalog only holds what local/MeshFields wrote, or a checked restore. */
  static ObjectNode parse(String json) {
    if (json == null) return Json.object();
    try {
      if (Json.MAPPER.readTree(json) instanceof ObjectNode o) return o;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the catalog holds a field that is not JSON: " + e.getOriginalMessage(), e);
    }
    throw new IllegalStateException("the catalog holds a field that is not a JSON object");
  }
}
