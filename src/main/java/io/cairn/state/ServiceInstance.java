package io.cairn.state;

import java.util.List;
import java.util.Map;

/** One instance of a service on one node. An empty {@code address} means "use the node's". */
public record ServiceInstance(String node, String id, String name, List<String> tags, String address,
                              int port, Map<String, String> meta, boolean enableTagOverride,
                              int weightPassing, int weightWarning,
                              long createIndex, long modifyIndex) {
  public ServiceInstance {
    tags = tags == null ? List.of() : List.copyOf(tags);
    address = address == null ? "" : address;
    meta = meta == null ? Map.of() : Map.copyOf(meta);
  }

  ServiceInstance withIndexes(long create, long modify) {
    return new ServiceInstance(node, id, name, tags, address, port, meta, enableTagOverride,
        weightPassing, weightWarning, create, modify);
  }

  public ServiceInstance onNode(String nodeName) {
    return new ServiceInstance(nodeName, id, name, tags, address, port, meta, enableTagOverride,
        weightPassing, weightWarning, createIndex, modifyIndex);
  }

  public boolean sameContent(ServiceInstance o) {
    return o != null && node.equals(o.node) && id.equals(o.id) && name.equals(o.name) && tags.equals(o.tags)
        && address.equals(o.address) && port == o.port && meta.equals(o.meta)
        && enableTagOverride == o.enableTagOverride && weightPassing == o.weightPassing
        && weightWarning == o.weightWarning;
  }
}
