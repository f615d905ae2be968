package io.cairn.state;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One instance of a service on one node. An empty {@code address} means "use the node's".
 *
 * <p>{@code kind}, {@code taggedAddresses}, {@code socketPath}, {@code locality}, {@code proxy} and
 * {@code connect} are what a registration carries for Consul's service mesh and the like: Cairn
 * keeps them and shows them back, and acts on none of them. {@code proxy} and {@code connect} are
 * opaque JSON objects in Consul's field names, made canonical where they are read (local/MeshFields)
 * so that equal registrations hold equal strings. Each is null when the registration had none, so
 * that an ordinary service's log entries and snapshots are the same as before these fields existed
 * (docs/log-format.md).
 */
public record ServiceInstance(String node, String id, String name, List<String> tags, String address,
                              int port, Map<String, String> meta, boolean enableTagOverride,
                              int weightPassing, int weightWarning,
                              String kind, Map<String, ServiceAddress> taggedAddresses, String socketPath,
                              Locality locality, String proxy, String connect,
                              long createIndex, long modifyIndex) {
  public ServiceInstance {
    tags = tags == null ? List.of() : List.copyOf(tags);
    address = address == null ? "" : address;
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    kind = blankToNull(kind);
    // Sorted, as Consul writes maps: the same addresses give the same log bytes and answers.
    taggedAddresses = taggedAddresses == null || taggedAddresses.isEmpty() ? null
        : Collections.unmodifiableMap(new TreeMap<>(taggedAddresses));
    socketPath = blankToNull(socketPath);
    proxy = emptyObjectToNull(proxy);
    connect = emptyObjectToNull(connect);
  }

  /** A service without any of the pass-through fields. */
  public ServiceInstance(String node, String id, String name, List<String> tags, String address, int port,
                         Map<String, String> meta, boolean enableTagOverride, int weightPassing, int weightWarning,
                         long createIndex, long modifyIndex) {
    this(node, id, name, tags, address, port, meta, enableTagOverride, weightPassing, weightWarning,
        null, null, null, null, null, null, createIndex, modifyIndex);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Consul's Proxy and Connect are plain structs: sending {} is sending nothing. */
  private static String emptyObjectToNull(String json) {
    return json == null || json.isBlank() || json.strip().equals("{}") ? null : json;
  }

  /** The same instance with other pass-through fields. */
  public ServiceInstance withPassThrough(String newKind, Map<String, ServiceAddress> newTaggedAddresses,
                                         String newSocketPath, Locality newLocality, String newProxy,
                                         String newConnect) {
    return new ServiceInstance(node, id, name, tags, address, port, meta, enableTagOverride, weightPassing,
        weightWarning, newKind, newTaggedAddresses, newSocketPath, newLocality, newProxy, newConnect,
        createIndex, modifyIndex);
  }

  ServiceInstance withIndexes(long create, long modify) {
    return new ServiceInstance(node, id, name, tags, address, port, meta, enableTagOverride,
        weightPassing, weightWarning, kind, taggedAddresses, socketPath, locality, proxy, connect, create, modify);
  }

  ServiceInstance withId(String newId) {
    return new ServiceInstance(node, newId, name, tags, address, port, meta, enableTagOverride,
        weightPassing, weightWarning, kind, taggedAddresses, socketPath, locality, proxy, connect,
        createIndex, modifyIndex);
  }

  public ServiceInstance onNode(String nodeName) {
    return new ServiceInstance(nodeName, id, name, tags, address, port, meta, enableTagOverride,
        weightPassing, weightWarning, kind, taggedAddresses, socketPath, locality, proxy, connect,
        createIndex, modifyIndex);
  }

  /** Everything but the indexes: what decides whether a registration changes the catalog. */
  public boolean sameContent(ServiceInstance o) {
    return o != null && node.equals(o.node) && id.equals(o.id) && name.equals(o.name) && tags.equals(o.tags)
        && address.equals(o.address) && port == o.port && meta.equals(o.meta)
        && enableTagOverride == o.enableTagOverride && weightPassing == o.weightPassing
        && weightWarning == o.weightWarning && Objects.equals(kind, o.kind)
        && Objects.equals(taggedAddresses, o.taggedAddresses) && Objects.equals(socketPath, o.socketPath)
        && Objects.equals(locality, o.locality) && Objects.equals(proxy, o.proxy)
        && Objects.equals(connect, o.connect);
  }
}
