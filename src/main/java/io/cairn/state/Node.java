package io.cairn.state;

import java.util.Map;

/** A node of the catalog: a machine that runs an agent, or an external node registered directly. */
public record Node(String id, String name, String address, String datacenter,
                   Map<String, String> taggedAddresses, Map<String, String> meta,
                   long createIndex, long modifyIndex) {
  public Node {
    id = id == null ? "" : id;
    datacenter = datacenter == null ? "" : datacenter;
    taggedAddresses = taggedAddresses == null ? Map.of() : Map.copyOf(taggedAddresses);
    meta = meta == null ? Map.of() : Map.copyOf(meta);
  }

  Node withIndexes(long create, long modify) {
    return new Node(id, name, address, datacenter, taggedAddresses, meta, create, modify);
  }

  public boolean sameContent(Node o) {
    return o != null && id.equals(o.id) && name.equals(o.name) && address.equals(o.address)
        && datacenter.equals(o.datacenter) && taggedAddresses.equals(o.taggedAddresses) && meta.equals(o.meta);
  }
}
