package io.cairn.http;

import io.cairn.state.Node;
import io.cairn.state.ServiceInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code ?tag=} and {@code ?node-meta=k:v} filters of catalog and health reads; repeated means all must match. */
record Filters(List<String> tags, Map<String, String> nodeMeta) {
  static Filters of(ApiRequest req) {
    Map<String, String> meta = new LinkedHashMap<>();
    for (String kv : req.params("node-meta")) {
      int colon = kv.indexOf(':');
      if (colon < 0) throw ApiException.badRequest("Invalid node-meta filter \"" + kv + "\": expected key:value");
      meta.put(kv.substring(0, colon), kv.substring(colon + 1));
    }
    return new Filters(req.params("tag"), meta);
  }

  boolean matches(Node n) {
    for (Map.Entry<String, String> e : nodeMeta.entrySet()) {
      if (!e.getValue().equals(n.meta().get(e.getKey()))) return false;
    }
    return true;
  }

  /** Tags compare case-insensitively, as Consul's do. */
  boolean matches(ServiceInstance s) {
    for (String t : tags) {
      if (s.tags().stream().noneMatch(x -> x.equalsIgnoreCase(t))) return false;
    }
    return true;
  }
}
