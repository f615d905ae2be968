package io.cairn.endpoints;

import io.cairn.raft.NotLeaderException;
import io.cairn.raft.Consensus;
import io.cairn.raft.Voter;
import io.cairn.rpc.Ack;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import io.cairn.state.Command;
import io.cairn.state.Indexed;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations the HTTP and DNS interfaces need from the cluster, served by this server.
 * Writes go to the leader: through Raft here when this server leads, forwarded over RPC when
 * not. Reads are served from this server's store: {@code ?stale} at once; default and
 * {@code ?consistent} after a ReadIndex barrier, so a follower answers as the leader would.
 */
public final class Endpoints implements Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_BARRIER_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long a request waits for a leader to appear (an election takes well under a second):
   * Consul's rpc_hold_timeout, 7 s, under common clients' 10 s read timeouts.
   */
  static final Duration LEADER_WAIT = Duration.ofSeconds(7);

  private final StateStore store;
  private final String datacenter;
  private final RpcClient rpc;
  private final Forwarder forwarder;
  private final LeaderReadIndex leaderReadIndex;
  private final LongSupplier clock;
  private final Duration leaderWait;
  private volatile Consensus raft;
  private final SessionTimers sessionTimers;
  private final ReadIndexRounds readIndexRounds = new ReadIndexRounds();
  private final LeadershipCheck leadership;
  private final LeaderOperations leaderOps;
  private volatile boolean stopping;

  /** How a write reaches the leader from here. */
  @FunctionalInterface
  interface Forwarder {
    Outcome forward(String leaderRpcAddress, Command command) throws IOException;
  }

  /** How a follower learns the index a linearizable read must wait for: the leader's, once it confirmed it leads. */
  @FunctionalInterface
  interface LeaderReadIndex {
    long fetch(String leaderRpcAddress) throws IOException;
  }

  public Endpoints(StateStore store, String datacenter, RpcClient rpc) {
    this(store, datacenter, rpc, new WriteForwarder(rpc, WRITE_TIMEOUT)::forward,
        leader -> rpc.post(leader, "/rpc/readindex", java.util.Map.of(), ReadIndex.class, READ_BARRIER_TIMEOUT, true).index(),
        LeadershipCheck.overRpc(rpc, READ_BARRIER_TIMEOUT), System::nanoTime, LEADER_WAIT);
  }

  /**
   * With the ways to the leader, the clock (nanoseconds, for lock-delay and session TTLs) and how
   * long a request waits for a leader given: what unit tests drive.
   */
  Endpoints(StateStore store, String datacenter, RpcClient rpc, Forwarder forwarder, LeaderReadIndex leaderReadIndex,
            LeadershipCheck.TermProbe termProbe, LongSupplier clock, Duration leaderWait) {
    this.store = store;
    this.leadership = new LeadershipCheck(termProbe);
    this.leaderOps = new LeaderOperations(rpc, () -> raft);
    this.datacenter = datacenter;
    this.rpc = rpc;
    this.forwarder = forwarder;
    this.leaderReadIndex = leaderReadIndex;
    this.clock = clock;
    this.leaderWait = leaderWait;
    this.sessionTimers = new SessionTimers(this::isLeader, store, this::write, clock);
    store.onSessionEnd((session, keys) -> {
      long until = clock.getAsLong() + session.lockDelayNanos();
      keys.forEach(k -> lockDelays.merge(k, until, Math::max));
    });
  }

  /**
   * Lock-delay: after a session ends, the locks it held cannot be taken for its LockDelay
   * (default 15 s), so that a holder that merely lost contact has time to notice and stop.
   */
  private final java.util.Map<String, Long> lockDelays = new java.util.concurrent.ConcurrentHashMap<>();

  private boolean inLockDelay(Command command) {
    Command c = command instanceof Command.Once o ? o.command() : command;
    if (!(c instanceof Command.KvSet set) || set.acquire() == null || lockDelays.isEmpty()) return false;
    Long until = lockDelays.get(set.key());
    if (until == null) return false;
    if (clock.getAsLong() - until >= 0) {
      lockDelays.remove(set.key(), until);
      return false;
    }
    return true;
  }

  /** Where the servers of other datacenters are (the WAN pool): what reads for them need. */
  public interface OtherDatacenters {
    boolean knows(String datacenter);

    /** Live servers' RPC addresses, nearest first. */
    List<String> alive(String datacenter);

    void failed(String rpcAddress);
  }

  private volatile OtherDatacenters others;

  public void federate(OtherDatacenters others) {
    this.others = others;
  }

  /** Where other datacenters' servers are, or null on a server that knows none (-dev). */
  OtherDatacenters others() {
    return others;
  }

  RpcClient rpc() {
    return rpc;
  }

  /** Raft is up (in bootstrap-expect mode this comes after the interfaces are already serving). */
  public void attach(Consensus node) {
    this.raft = node;
  }

  public String datacenter() {
    return datacenter;
  }

  public List<String> datacenters() {
    return List.of(datacenter);
  }

  @Override
  public <T> QueryResult<T> read(QueryOptions opts, Query<T> query) throws InterruptedException {
    return read(opts, query::run);
  }

  /** Serves a read of the state store, blocking per the options on what the read itself registers. */
  public <T> QueryResult<T> read(QueryOptions opts, StateStore.Read<T> query) throws InterruptedException {
    checkDatacenter(opts.datacenter());
    if (opts.consistency() != Consistency.STALE) awaitReadable();
    Indexed<T> result = BlockingQuery.run(store, opts.minIndex(), opts.maxWait(), query, () -> stopping);
    return new QueryResult<>(result.value(), meta(result.index()));
  }

  /**
   * Passes the read barrier, holding the read while there is no leader (an election takes well
   * under a second) for up to {@link #LEADER_WAIT}, as Consul holds RPCs (rpc_hold_timeout)
   * rather than failing them at the first blip.
   */
  private void awaitReadable() {
    long deadline = System.nanoTime() + leaderWait.toNanos();
    while (true) {
      Consensus r = raft;
      try {
        if (r == null) throw new NoLeaderException();
        readBarrier(r);
        return;
      } catch (NoLeaderException e) {
        if (System.nanoTime() > deadline || stopping) throw e;
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
  }

  /**
   * ReadIndex: on the leader, a round of term questions confirms leadership
   * ({@link LeadershipCheck}: Ratis's own round is skipped when nothing new was committed); on a
   * follower, the leader does that and says how far it had applied, and the follower waits to
   * have applied as far. Ratis's own follower ReadIndex needs its gRPC transport; this is the
   * same protocol over our RPC.
   */
  private void readBarrier(Consensus r) {
    try {
      if (r.isLeader()) {
        leadership.readIndex(r, READ_BARRIER_TIMEOUT);
        return;
      }
      String leader = r.leaderRpcAddress();
      if (leader == null) throw new NoLeaderException();
      long target = readIndexRounds.await(() -> leaderReadIndex.fetch(leader), READ_BARRIER_TIMEOUT.toMillis());
      long deadline = System.nanoTime() + READ_BARRIER_TIMEOUT.toNanos();
      while (r.lastAppliedIndex() < target) {
        if (System.nanoTime() > deadline) throw new NoLeaderException();
        LockSupport.parkNanos(200_000);
      }
    } catch (NoLeaderException e) {
      throw e;
    } catch (Exception e) {
      throw new NoLeaderException();
    }
  }

  /** Answer of /rpc/readindex: the leader's applied index once it confirmed it still leads. */
  public record ReadIndex(long index) {}

  ReadIndex leaderReadIndex() {
    Consensus r = raft;
    if (r == null || !r.isLeader()) throw new NoLeaderException();
    try {
      return new ReadIndex(leadership.readIndex(r, READ_BARRIER_TIMEOUT));
    } catch (NoLeaderException e) {
      throw e;
    } catch (Exception e) {
      throw new NoLeaderException();
    }
  }

  /** Answer of /rpc/term: this server's current Raft term, for a leader confirming it still leads. */
  LeadershipCheck.Term term() {
    Consensus r = raft;
    if (r == null) throw new NoLeaderException();
    return new LeadershipCheck.Term(r.currentTerm());
  }

  public QueryMeta meta(long index) {
    Consensus r = raft;
    return new QueryMeta(Math.max(1, index), r != null && r.knownLeader(), r == null ? 0 : Math.max(0, r.lastContactMillis()));
  }

  public boolean isStopping() {
    return stopping;
  }

  /** Shutdown has begun: held blocking queries answer at once with what they have. */
  public void stopBlocking() {
    stopping = true;
    store.wakeAllWatches();
  }

  public Outcome write(Command command) {
    return write(command, WriteOptions.local());
  }

  /** Commits a write through the leader, waiting up to {@link #LEADER_WAIT} for one to exist. */
  public Outcome write(Command command, WriteOptions opts) {
    checkDatacenter(opts.datacenter());
    // Resends below (a lost reply, a leader lost between append and commit) must apply once.
    if (!(command instanceof Command.Once) && !(command instanceof Command.Restore)) {
      command = new Command.Once(java.util.UUID.randomUUID().toString(), command);
    }
    long deadline = System.nanoTime() + leaderWait.toNanos();
    while (true) {
      Consensus r = raft;
      try {
        if (r != null && r.isLeader()) return inLockDelay(command) ? Outcome.NOT_APPLIED : r.apply(command, WRITE_TIMEOUT);
        String leader = r == null ? null : r.leaderRpcAddress();
        if (leader != null) return forwarder.forward(leader, command);
      } catch (NotLeaderException | RpcClient.NoLeaderIOException e) {
        LOG.debug("write bounced: {}", e.getMessage());
      } catch (IOException e) {
        // The leader we knew went away mid-call; a new one will be elected.
        LOG.debug("forwarding write failed: {}", e.getMessage());
      }
      if (System.nanoTime() > deadline || stopping) throw new NoLeaderException();
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** A write forwarded by another server: apply it if this one leads; never forward twice. */
  Applied applyForwarded(Command command, boolean forwarded) {
    Consensus r = raft;
    if (forwarded) {
      if (r == null || !r.isLeader()) throw new NoLeaderException();
      try {
        return new Applied(inLockDelay(command) ? Outcome.NOT_APPLIED : r.apply(command, WRITE_TIMEOUT));
      } catch (NotLeaderException e) {
        throw new NoLeaderException();
      } catch (IllegalArgumentException e) {
        return new Applied(Outcome.error(e.getMessage()));
      }
    }
    return new Applied(write(command));
  }

  /**
   * Writes forwarded together by a follower ({@link WriteForwarder}): submitted at once, so they
   * share Raft entries, and answered in order. A step-down fails the whole call; the follower
   * resends, and request ids keep that from applying anything twice.
   */
  WriteForwarder.Outcomes applyForwardedBatch(WriteForwarder.Batch batch) throws InterruptedException {
    Consensus r = raft;
    if (r == null || !r.isLeader()) throw new NoLeaderException();
    List<CompletableFuture<Outcome>> results = new ArrayList<>();
    for (Command c : batch.commands()) {
      results.add(inLockDelay(c) ? CompletableFuture.completedFuture(Outcome.NOT_APPLIED) : r.submit(c));
    }
    List<Outcome> outcomes = new ArrayList<>(results.size());
    long deadline = System.nanoTime() + WRITE_TIMEOUT.toNanos();
    for (var f : results) {
      try {
        outcomes.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NotLeaderException) throw new NoLeaderException();
        if (e.getCause() instanceof IllegalArgumentException bad) {
          outcomes.add(Outcome.error(bad.getMessage()));  // refused as it is (too large): the caller's 400
          continue;
        }
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new IllegalStateException("timed out waiting for the writes to commit");
      }
    }
    return new WriteForwarder.Outcomes(outcomes);
  }

  private void checkDatacenter(String dc) {
    if (dc != null && !dc.isEmpty() && !dc.equals(datacenter)) throw new UnknownDatacenterException(dc);
  }

  public String leaderAddress() {
    Consensus r = raft;
    String a = r == null ? null : r.leaderRpcAddress();
    return a == null ? "" : a;
  }

  public List<String> peerAddresses() {
    Consensus r = raft;
    return r == null ? List.of() : r.peers().stream().map(Voter::rpcAddress).toList();
  }

  public List<Voter> peers() {
    Consensus r = raft;
    return r == null ? List.of() : r.peers();
  }

  public SessionTimers sessionTimers() {
    return sessionTimers;
  }

  /** Answer of /rpc/session-renew. */
  public record Renewed(io.cairn.state.Session session) {}

  /** Body of /rpc/session-renew. */
  public record RenewRequest(String id) {}

  /** Restarts a session's TTL on the leader (which alone keeps TTLs); empty if there is no such session. */
  public java.util.Optional<io.cairn.state.Session> renewSession(String id) {
    Consensus r = raft;
    if (r == null) throw new NoLeaderException();
    if (r.isLeader()) return sessionTimers.renew(id);
    String leader = r.leaderRpcAddress();
    if (leader == null) throw new NoLeaderException();
    try {
      return java.util.Optional.ofNullable(rpc.post(leader, "/rpc/session-renew", new RenewRequest(id), Renewed.class,
          Duration.ofSeconds(5), true).session());
    } catch (IOException e) {
      throw new NoLeaderException();
    }
  }

  Renewed renewOnLeader(RenewRequest req) {
    if (!isLeader()) throw new NoLeaderException();
    return new Renewed(sessionTimers.renew(req.id()).orElse(null));
  }

  /** Removes a server from the voters, through the leader. */
  public void removePeer(String id) {
    Voter peer = peers().stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    if (peer == null) return;
    Consensus r = raft;
    if (r == null) throw new NoLeaderException();
    try {
      if (r.isLeader()) {
        r.removeVoter(id, Duration.ofSeconds(10));
      } else {
        String leader = r.leaderRpcAddress();
        if (leader == null) throw new NoLeaderException();
        rpc.post(leader, "/rpc/leave", java.util.Map.of("id", peer.id(), "raftAddress", peer.raftAddress(),
            "rpcAddress", peer.rpcAddress(), "datacenter", datacenter), Ack.class, Duration.ofSeconds(10), true);
      }
    } catch (NotLeaderException | RpcClient.NoLeaderIOException e) {
      throw new NoLeaderException();
    } catch (IOException e) {
      throw new IllegalStateException("removing raft peer " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public RaftStatus raft() {
    String leader = leaderId();
    long last = store.lastIndex();
    return new RaftStatus(leaderAddress(), leader == null ? "" : leader,
        peers().stream().map(p -> new RaftStatus.Peer(p.id(), p.rpcAddress())).toList(), last, isLeader(), meta(last));
  }

  /** Where the leader's autopilot report comes from (set by a server once it runs autopilot). */
  public void attachAutopilot(java.util.function.Supplier<io.cairn.membership.Autopilot.Report> report) {
    leaderOps.attachAutopilot(report);
  }

  @Override
  public io.cairn.membership.Autopilot.Report autopilot() {
    return leaderOps.autopilot(false);
  }

  io.cairn.membership.Autopilot.Report autopilot(boolean forwarded) {
    return leaderOps.autopilot(forwarded);
  }

  @Override
  public String transferLeader(String id) {
    return leaderOps.transferLeader(id, false);
  }

  String transferLeader(String id, boolean forwarded) {
    return leaderOps.transferLeader(id, forwarded);
  }

  @Override
  public Map<String, Double> gauges() {
    Map<String, Double> g = new java.util.LinkedHashMap<>();
    g.put("consul.raft.applied_index", (double) store.lastIndex());
    g.put("consul.server.isLeader", isLeader() ? 1.0 : 0.0);
    g.put("consul.raft.peers", (double) peers().size());
    g.put("consul.kvs.entries", (double) store.kvSize());
    g.put("consul.catalog.nodes", (double) store.nodes(new io.cairn.state.WatchSet()).value().size());
    g.put("consul.catalog.services", (double) store.services(new io.cairn.state.WatchSet()).value().size());
    g.put("consul.blocking_queries.watches", (double) store.openWatches());
    return g;
  }

  public boolean isLeader() {
    Consensus r = raft;
    return r != null && r.isLeader();
  }

  public String leaderId() {
    Consensus r = raft;
    return r == null ? null : r.leaderId();
  }

  public StateStore store() {
    return store;
  }
}
