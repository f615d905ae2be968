package io.cairn.raft;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the rest of a server needs of consensus, and no more: apply a command, pass a read
 * barrier, know the leader, change the voters. {@link RaftNode} is Ratis behind it; unit tests
 * of write routing, lock-delay and read barriers use an in-memory group instead.
 */
public interface Consensus {
  /** On the leader: applies {@code command} and returns its outcome; {@link NotLeaderException} elsewhere. */
  Outcome apply(Command command, Duration timeout);

  /** On the leader: submits without waiting, so that commands submitted together share log entries. */
  CompletableFuture<Outcome> submit(Command command);

  /**
   * On the leader: returns once leadership is confirmed and everything committed before the call
   * is applied here; {@link NotLeaderException} if it is not confirmed.
   */
  void readBarrier(Duration timeout);

  /** Whether this member leads and has applied its own term's first entry. */
  boolean isLeader();

  /** This member's current Raft term (what a leader asks the others to confirm it still leads). */
  long currentTerm();

  /** Whether this member knows of a leader at all. */
  boolean knownLeader();

  /** The leader's id, or null. */
  String leaderId();

  /** The leader's server RPC address, or null. */
  String leaderRpcAddress();

  /** How far this member has applied the log. */
  long lastAppliedIndex();

  /** Milliseconds since this member last heard from the leader; 0 on the leader, -1 if never. */
  long lastContactMillis();

  /** The voters. */
  List<Voter> peers();

  /** On the leader: makes {@code peer} a voter (no-op if it is one). */
  void addVoter(Voter peer, Duration timeout) throws IOException;

  /**
   * On the leader: hands leadership to {@code toId} (null: the most up-to-date follower); returns
   * the new leader's id. {@link IllegalArgumentException} for an unknown id or this server's own.
   */
  String transferLeadership(String toId, Duration timeout) throws IOException;

  /** On the leader: removes a voter (no-op if it is not one). */
  void removeVoter(String id, Duration timeout) throws IOException;
}
