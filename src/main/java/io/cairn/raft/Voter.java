package io.cairn.raft;

/** A voter of the Raft group: its id (the node name), its Raft address and its server RPC address. */
public record Voter(String id, String raftAddress, String rpcAddress) {}
