package io.cairn.rpc;

/** A server as the others know it: Raft id, Raft and RPC addresses, datacenter, what it expects. */
public record ServerInfo(String id, String raftAddress, String rpcAddress, String datacenter, int bootstrapExpect) {}
