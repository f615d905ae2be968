package io.cairn.endpoints;

import io.cairn.raft.Consensus;
import io.cairn.raft.Voter;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The leader's half of a linearizable read: confirms, with a round of questions sent after the
 * read arrived, that no newer leader can exist, then says how far the read must see.
 *
 * <p>Ratis's ReadIndex alone is not enough. Its leader skips the heartbeat round whenever its
 * commit index is one a past round already confirmed, and a leader cut off from the others (or
 * frozen and resumed) commits nothing new, so it answered reads from its old state at once
 * while a new leader was committing writes elsewhere (PartitionProcessTest saw a ?consistent
 * read at index 313 after 319 had been answered). Here every round asks each other voter its
 * current Raft term: a newer leader needs votes from a majority, which shares a member with any
 * majority still at this leader's term, so a majority (this server included) answering at most
 * this term proves no newer leader had been elected before the read arrived, and the commit
 * index this leader has applied covers every write acknowledged by then.
 */
final class LeadershipCheck {
  /** Asks a server its current Raft term. */
  @FunctionalInterface
  interface TermProbe {
    long term(String rpcAddress) throws IOException;
  }

  private final TermProbe probe;
  private final ReadIndexRounds rounds = new ReadIndexRounds();
  /** Voters with a question still unanswered: not asked again meanwhile (a cut-off voter would pile them up). */
  private final Map<String, Boolean> asking = new ConcurrentHashMap<>();

  LeadershipCheck(TermProbe probe) {
    this.probe = probe;
  }

  static TermProbe overRpc(RpcClient rpc, Duration timeout) {
    return address -> rpc.post(address, "/rpc/term", Map.of(), Term.class, timeout, true).term();
  }

  /** Answer of /rpc/term. */
  record Term(long term) {}

  /**
   * On the leader: the index a read arriving now must see, once leadership is confirmed by a
   * round started after the call (concurrent callers share rounds); {@link NoLeaderException}
   * if it is not confirmed within {@code timeout}.
   */
  long readIndex(Consensus r, Duration timeout) throws Exception {
    return rounds.await(() -> confirmedRound(r, timeout), timeout.toMillis());
  }

  private long confirmedRound(Consensus r, Duration timeout) {
    if (!r.isLeader()) throw new NoLeaderException();
    long term = r.currentTerm();
    String self = r.leaderId();
    List<String> others = r.peers().stream().filter(v -> !v.id().equals(self)).map(Voter::rpcAddress).toList();
    int needed = (others.size() + 1) / 2;  // a majority of the voters, less this one
    CountDownLatch agreed = new CountDownLatch(needed);
    AtomicInteger open = new AtomicInteger(others.size());
    CountDownLatch hopeless = new CountDownLatch(1);
    for (String address : others) {
      if (asking.putIfAbsent(address, Boolean.TRUE) != null) {
        if (open.decrementAndGet() < needed) hopeless.countDown();
        continue;
      }
      Thread.ofVirtual().start(() -> {
        boolean yes = false;
        try {
          yes = probe.term(address) <= term;
        } catch (RpcClient.NoSuchRpcException e) {
          // A server of an older version, during a rolling upgrade: Ratis's own check stands for it.
          yes = true;
        } catch (IOException | RuntimeException e) {
          // unreachable or refusing: not a yes
        } finally {
          asking.remove(address);
        }
        if (yes) agreed.countDown();
        else if (open.decrementAndGet() < needed) hopeless.countDown();
      });
    }
    // Meanwhile Ratis's ReadIndex: everything committed when the round began gets applied here.
    CompletableFuture<Void> applied = CompletableFuture.runAsync(() -> r.readBarrier(timeout), task -> Thread.ofVirtual().start(task));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      // The questions first: a refusal ends the round at once, where Ratis would wait out its timeout.
      while (agreed.getCount() > 0) {
        if (hopeless.getCount() == 0 || System.nanoTime() > deadline) throw new NoLeaderException();
        agreed.await(20, TimeUnit.MILLISECONDS);
      }
      applied.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoLeaderException();
    } catch (ExecutionException | TimeoutException e) {
      throw new NoLeaderException();
    }
    long index = r.lastAppliedIndex();
    if (r.currentTerm() != term) throw new NoLeaderException();
    return index;
  }
}
