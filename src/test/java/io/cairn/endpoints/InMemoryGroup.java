package io.cairn.endpoints;

import io.cairn.raft.Consensus;
import io.cairn.raft.NotLeaderException;
import io.cairn.raft.Voter;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Raft group in memory, for unit tests of what sits on consensus: one log, each member applying
 * it to its own real {@link StateStore}. The test says who leads (or that nobody does) and which
 * member lags behind the log, and lets it catch up.
 */
final class InMemoryGroup {
  private final List<Member> members = new ArrayList<>();
  private final List<Command> log = new ArrayList<>();
  private int leader = 0;
  /** A member cut off while leading: it still believes it leads, at its old term, but commits nothing. */
  private int deposed = -1;

  InMemoryGroup(int size) {
    for (int i = 0; i < size; i++) members.add(new Member("s" + (i + 1)));
  }

  Member member(int i) {
    return members.get(i);
  }

  synchronized void leader(int i) {
    leader = i;
    deposed = -1;
  }

  synchronized void noLeader() {
    leader = -1;
    deposed = -1;
  }

  /**
   * The others elect {@code i} in a newer term while the leader, cut off, does not hear of it and
   * goes on believing it leads.
   */
  synchronized void electBehindLeadersBack(int i) {
    deposed = leader;
    leader = i;
    for (int m = 0; m < members.size(); m++) if (m != deposed) members.get(m).term++;
  }

  private synchronized Outcome append(Member from, Command command) {
    if (leader < 0 || members.get(leader) != from) throw new NotLeaderException(leaderAddress());  // a deposed one commits nothing
    log.add(command);
    Outcome mine = null;
    for (Member m : members) {
      Outcome o = m.lagging ? null : m.catchUp();
      if (m == from) mine = o;
    }
    return mine;
  }

  private synchronized String leaderAddress() {
    return leader < 0 ? null : members.get(leader).address();
  }

  private synchronized List<Command> entries(long from) {
    return List.copyOf(log.subList((int) from, log.size()));
  }

  /** One member: its store, how far it applied, and whether it is kept behind. */
  final class Member implements Consensus {
    final String id;
    final StateStore store = new StateStore();
    private long applied;
    private volatile boolean lagging;
    private volatile long term = 1;

    Member(String id) {
      this.id = id;
    }

    String address() {
      return "mem-" + id;
    }

    /** Stops applying the log until {@link #catchUp} (a follower behind the leader). */
    void lag() {
      lagging = true;
    }

    /** Applies what it has not yet; returns the last outcome. */
    synchronized Outcome catchUp() {
      lagging = false;
      Outcome last = null;
      for (Command c : entries(applied)) {
        applied++;
        last = store.apply(applied, c).getFirst();
      }
      return last;
    }

    @Override
    public Outcome apply(Command command, Duration timeout) {
      return append(this, command);
    }

    @Override
    public CompletableFuture<Outcome> submit(Command command) {
      try {
        return CompletableFuture.completedFuture(apply(command, Duration.ZERO));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public void readBarrier(Duration timeout) {
      if (!isLeader()) throw new NotLeaderException(leaderRpcAddress());
    }

    @Override
    public boolean isLeader() {
      synchronized (InMemoryGroup.this) {
        return leader >= 0 && members.get(leader) == this || deposed >= 0 && members.get(deposed) == this;
      }
    }

    @Override
    public long currentTerm() {
      return term;
    }

    @Override
    public boolean knownLeader() {
      synchronized (InMemoryGroup.this) {
        return leader >= 0;
      }
    }

    @Override
    public String leaderId() {
      synchronized (InMemoryGroup.this) {
        if (deposed >= 0 && members.get(deposed) == this) return id;
        return leader < 0 ? null : members.get(leader).id;
      }
    }

    @Override
    public String leaderRpcAddress() {
      synchronized (InMemoryGroup.this) {
        if (deposed >= 0 && members.get(deposed) == this) return address();
      }
      return leaderAddress();
    }

    @Override
    public synchronized long lastAppliedIndex() {
      return applied;
    }

    @Override
    public long lastContactMillis() {
      return 0;
    }

    @Override
    public List<Voter> peers() {
      return members.stream().map(m -> new Voter(m.id, m.address(), m.address())).toList();
    }

    @Override
    public void addVoter(Voter peer, Duration timeout) {
      throw new UnsupportedOperationException("membership changes are not modelled here");
    }

    @Override
    public String transferLeadership(String toId, Duration timeout) {
      throw new UnsupportedOperationException("leadership transfer is not modelled here");
    }

    @Override
    public void removeVoter(String id, Duration timeout) {
      throw new UnsupportedOperationException("membership changes are not modelled here");
    }
  }
}
