package io.cairn.membership;

/** A server as the others know it: Raft id, Raft and RPC addresses, datacenter, what it expects. */
public record ServerInfo(String id, String raftAddress, String rpcAddress, String datacenter, int bootstrapExpect) {
  /** The default server RPC port, Consul's. */
  public static final int DEFAULT_RPC_PORT = 8300;

  /** A join address without a port means the default server RPC port. */
  public static String withServerPort(String address) {
    boolean hasPort = address.startsWith("[") ? address.contains("]:")
        : address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':');
    return hasPort ? address : address + ":" + DEFAULT_RPC_PORT;
  }
}
