package io.cairn.raft;

/** A write or a leader read reached a server that is not the leader (or there is none). */
public final class NotLeaderException extends RuntimeException {
  private final String leaderRpcAddress;

  public NotLeaderException(String leaderRpcAddress) {
    super(leaderRpcAddress == null ? "No cluster leader" : "Not the leader; leader is " + leaderRpcAddress);
    this.leaderRpcAddress = leaderRpcAddress;
  }

  /** The leader's server RPC address, or null when no leader is known. */
  public String leaderRpcAddress() {
    return leaderRpcAddress;
  }
}
