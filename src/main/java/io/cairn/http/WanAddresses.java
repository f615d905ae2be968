package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * translate_wan_addrs: in an answer about another datacenter, each node's address becomes its
 * {@code wan} tagged address and each service's its {@code wan} tagged address, where they are
 * set, as Consul's agent rewrites them (the other datacenter's LAN addresses are not reachable
 * from here). Catalog rows, health entries and node listings.
 */
final class WanAddresses {
  private WanAddresses() {}

  /** Rewrites, in place, every entry of a catalog or health answer (an array, or a catalog/node object). */
  static void translate(JsonNode answer) {
    if (answer == null) return;
    if (answer.isArray()) {
      answer.forEach(WanAddresses::entry);
    } else if (answer.isObject() && answer.has("Node") && answer.get("Node").isObject()) {
      node((ObjectNode) answer.get("Node"));
    }
  }

  private static void entry(JsonNode e) {
    if (!(e instanceof ObjectNode o)) return;
    if (o.get("Node") instanceof ObjectNode n) {  // health: {Node, Service, Checks}
      node(n);
      if (o.get("Service") instanceof ObjectNode s) {
        String wan = s.path("TaggedAddresses").path("wan").path("Address").asText("");
        if (!wan.isEmpty()) s.put("Address", wan);
      }
      return;
    }
    node(o);  // catalog nodes and service rows
    String svcWan = o.path("ServiceTaggedAddresses").path("wan").path("Address").asText("");
    if (!svcWan.isEmpty()) o.put("ServiceAddress", svcWan);
  }

  private static void node(ObjectNode n) {
    String wan = n.path("TaggedAddresses").path("wan").asText("");
    if (!wan.isEmpty()) n.put("Address", wan);
  }
}
