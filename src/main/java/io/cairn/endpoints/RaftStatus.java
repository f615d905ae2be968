package io.cairn.endpoints;

import java.util.List;

/**
 * The Raft group as a server sees it: the leader (RPC address and id, empty when there is none),
 * the voters, the last applied index, and whether the server asked leads.
 */
public record RaftStatus(String leaderAddress, String leaderId, List<Peer> peers, long lastIndex, boolean leader,
                         QueryMeta meta) {
  /** A voter: its id (the node name) and RPC address. */
  public record Peer(String id, String rpcAddress) {}

  public List<String> peerAddresses() {
    return peers.stream().map(Peer::rpcAddress).toList();
  }
}
