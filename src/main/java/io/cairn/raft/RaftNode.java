package io.cairn.raft;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's member of the Raft group: starts Ratis over the state store and submits
 * commands. Concurrent submissions are coalesced into one {@link Command.Batch} log entry
 * (see docs/write-path.md); they are submitted in-process, never through a client transport.
 */
public final class RaftNode implements Consensus, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
  /** Fixed so that every server of a datacenter, started apart, names the same group. */
  private static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.fromString("c0a1c0de-0000-4000-8000-00000000ca1f"));

  /** How to start: this server's id and addresses, where its log lives, and its first peers. */
  public record Settings(String id, Path dataDir, String bindHost, String raftAddress, String rpcAddress, int raftPort,
                         List<Voter> initialPeers, long snapshotThreshold, boolean solo) {
    /** Without {@code solo}: a group that may grow (every server but -dev). */
    public Settings(String id, Path dataDir, String bindHost, String raftAddress, String rpcAddress, int raftPort,
                    List<Voter> initialPeers, long snapshotThreshold) {
      this(id, dataDir, bindHost, raftAddress, rpcAddress, raftPort, initialPeers, snapshotThreshold, false);
    }
  }


  private final RaftServer server;
  private final RaftPeerId selfId;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final WriteBatcher writes;
  private final CompletableFuture<String> halted;
  private volatile boolean closed;

  private RaftNode(RaftServer server, RaftPeerId selfId, CompletableFuture<String> halted) {
    this.server = server;
    this.selfId = selfId;
    this.halted = halted;
    this.writes = new WriteBatcher(new WriteBatcher.Log() {
      @Override
      public CompletableFuture<RaftClientReply> append(byte[] entry) throws IOException {
        // Straight to this server's division: RaftServer's own entry point first hops to a
        // client thread pool and blocks the caller until that thread has appended the entry.
        return division().submitClientRequestAsync(request(entry));
      }

      @Override
      public RuntimeException failure(RaftClientReply r, Throwable err) {
        return failureOf(r, err);
      }
    });
  }

  /** Whether a data dir already holds this group's log (a restart, not a first start). */
  public static boolean hasState(Path dataDir) {
    return Files.isDirectory(dataDir.resolve(GROUP_ID.getUuid().toString()));
  }

  /**
   * Starts this server's member. With {@code initialPeers} it forms (or, on a restart, rejoins)
   * the group; with none it waits to be added by a leader.
   */
  public static RaftNode start(Settings s, StateStore store) throws IOException {
    RaftProperties props = RatisTuning.properties(s.dataDir(), s.bindHost(), s.raftPort(), s.snapshotThreshold(), s.solo());
    RaftPeerId selfId = RaftPeerId.valueOf(s.id());
    List<RaftPeer> peers = s.initialPeers().stream().map(RaftNode::toRatis).toList();
    RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
    boolean existing = hasState(s.dataDir());
    CairnStateMachine sm = new CairnStateMachine(store, leader -> LOG.info("leader is now {}", leader));
    RaftServer server;
    try {
      server = RaftServer.newBuilder()
          .setServerId(selfId)
          .setGroup(group)
          .setStateMachine(sm)
          .setProperties(props)
          .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
          .build();
      server.start();
    } catch (IOException | RuntimeException e) {
      // A snapshot this version cannot read: say so, not how Ratis wrapped it.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof LogFormatException unreadable) throw unreadable;
      }
      throw e;
    }
    // Whoever waits on a halt must not run on Ratis's applier thread, which is still stopping.
    RaftNode node = new RaftNode(server, selfId, sm.halted().thenApplyAsync(reason -> reason));
    node.writes.start();
    LOG.info("raft started id={} peers={} recovered={}", s.id(), peers.size(), existing);
    return node;
  }

  /**
   * Completes, with the reason, if this server stops applying the log because it cannot read an
   * entry (docs/log-format.md): it has left the Raft group by then, and the agent should stop.
   */
  public CompletableFuture<String> halted() {
    return halted;
  }

  // --- writes ---

  /** Submits a command; completes with its outcome once committed and applied. */
  @Override
  public CompletableFuture<Outcome> submit(Command command) {
    return writes.submit(command);
  }

  /** Submits and waits, turning Ratis's failures into the exceptions callers handle. */
  @Override
  public Outcome apply(Command command, Duration timeout) {
    try {
      return submit(command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for the write to commit");
    }
  }

  /** Appends bytes to the log as they are, bypassing the codec: for tests of what a newer server may write. */
  CompletableFuture<RaftClientReply> submitEncoded(byte[] entry) throws IOException {
    return division().submitClientRequestAsync(request(entry));
  }

  private RuntimeException failureOf(RaftClientReply r, Throwable err) {
    Throwable cause = err instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : err;
    if (r != null && r.getNotLeaderException() != null) return new NotLeaderException(leaderRpcAddress());
    if (cause instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
        || cause instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException) {
      return new NotLeaderException(leaderRpcAddress());
    }
    String why = cause != null ? cause.toString() : r != null && r.getException() != null ? r.getException().toString() : "unknown";
    return new IllegalStateException("raft write failed: " + why);
  }

  private RaftClientAsynchronousProtocol division() throws IOException {
    // Ratis's server division implements the client protocol; the interface is public.
    return (RaftClientAsynchronousProtocol) server.getDivision(GROUP_ID);
  }

  private RaftClientRequest request(byte[] command) {
    return RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(selfId)
        .setGroupId(GROUP_ID)
        .setCallId(callIds.incrementAndGet())
        // The encoded array is never written to again: wrap it rather than copy it.
        .setMessage(Message.valueOf(UnsafeByteOperations.unsafeWrap(command)))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  /**
   * Waits until this server is the leader and has applied an entry of its own term, which is
   * when its reads are current. Used at start-up in dev and bootstrap modes.
   */
  public void awaitLeadership(Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (halted.isDone()) throw new IllegalStateException(halted.join());
      try {
        apply(new Command.Noop(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return;
      } catch (NotLeaderException e) {
        // Not elected yet: Ratis answers at once, so wait for the election rather than spin.
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      } catch (IllegalStateException e) {
        if (closed) throw e;
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }
    throw new TimeoutException("no raft leader within " + timeout);
  }

  // --- membership ---

  /** On the leader: makes {@code peer} a voter (no-op if it already is). */
  @Override
  public void addVoter(Voter peer, Duration timeout) throws IOException {
    List<RaftPeer> next = new ArrayList<>();
    for (Voter p : peers()) {
      if (p.id().equals(peer.id())) return;
      next.add(toRatis(p));
    }
    next.add(toRatis(peer));
    changeConfiguration(next, timeout);
    LOG.info("added raft voter id={} raft={} rpc={}", peer.id(), peer.raftAddress(), peer.rpcAddress());
  }

  /** On the leader: removes a voter (no-op if it is not one). */
  @Override
  public void removeVoter(String id, Duration timeout) throws IOException {
    List<RaftPeer> next = new ArrayList<>();
    boolean found = false;
    for (Voter p : peers()) {
      if (p.id().equals(id)) found = true;
      else next.add(toRatis(p));
    }
    if (!found) return;
    changeConfiguration(next, timeout);
    LOG.info("removed raft voter id={}", id);
  }

  /**
   * On the leader: hands leadership to {@code toId}, or, when null, to the follower whose log
   * reaches furthest; returns once the new leader is elected.
   */
  @Override
  public String transferLeadership(String toId, Duration timeout) throws IOException {
    if (!isLeader()) throw new NotLeaderException(leaderRpcAddress());
    String target = toId;
    if (target == null || target.isEmpty()) {
      target = logIndexes().entrySet().stream().filter(e -> !e.getKey().equals(selfId.toString()))
          .max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
          .orElseThrow(() -> new IllegalArgumentException("no other server to hand leadership to: this one is the only voter"));
    }
    String to = target;
    if (peers().stream().noneMatch(p -> p.id().equals(to))) throw new IllegalArgumentException("no voter with id \"" + to + "\"");
    if (to.equals(selfId.toString())) throw new IllegalArgumentException("\"" + to + "\" is already the leader");
    var req = new org.apache.ratis.protocol.TransferLeadershipRequest(clientId, selfId, GROUP_ID, callIds.incrementAndGet(),
        RaftPeerId.valueOf(to), timeout.toMillis());
    try {
      RaftClientReply r = server.transferLeadershipAsync(req).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      if (!r.isSuccess()) throw failureOf(r, r.getException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("leadership transfer to " + to + " failed: " + e.getMessage(), e);
    }
    LOG.info("leadership transferred to {}", to);
    return to;
  }

  /** On the leader: each voter's commit index as the leader knows it (its own included). */
  public java.util.Map<String, Long> logIndexes() {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try {
      for (var c : server.getDivision(GROUP_ID).getCommitInfos()) {
        out.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
      }
    } catch (IOException e) {
      // no division (stopping): nothing known
    }
    return out;
  }

  private void changeConfiguration(List<RaftPeer> next, Duration timeout) throws IOException {
    if (!isLeader()) throw new NotLeaderException(leaderRpcAddress());
    SetConfigurationRequest req = new SetConfigurationRequest(clientId, selfId, GROUP_ID, callIds.incrementAndGet(), next);
    try {
      RaftClientReply r = server.setConfigurationAsync(req).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!r.isSuccess()) throw failureOf(r, r.getException());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("configuration change failed: " + e.getMessage(), e);
    }
  }

  private static RaftPeer toRatis(Voter p) {
    return RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).setClientAddress(p.rpcAddress()).build();
  }

  // --- reads ---

  /**
   * Waits until this server has applied everything the leader had committed when called
   * (Raft's ReadIndex, run by Ratis on leader and followers alike). A read of the local store
   * after this returns is linearizable.
   */
  @Override
  public void readBarrier(Duration timeout) {
    if (isLeader() && peers().size() == 1) return;  // a lone voter's own state is the truth
    RaftClientRequest req = RaftClientRequest.newBuilder()
        .setClientId(clientId).setServerId(selfId).setGroupId(GROUP_ID).setCallId(callIds.incrementAndGet())
        .setMessage(Message.EMPTY).setType(RaftClientRequest.readRequestType()).build();
    try {
      RaftClientReply r = server.submitClientRequestAsync(req).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!r.isSuccess()) throw new NotLeaderException(leaderRpcAddress());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (IOException | ExecutionException e) {
      // Whatever the cause (a step-down racing this read, a transport that cannot do it),
      // leadership was not confirmed: say so, and let the caller wait for a leader.
      throw new NotLeaderException(leaderRpcAddress());
    } catch (TimeoutException e) {
      throw new NotLeaderException(null);
    }
  }

  /**
   * On the leader: for each follower, milliseconds since it last answered the leader (Ratis's
   * own view, refreshed by every append and heartbeat); empty elsewhere.
   */
  public java.util.Map<String, Long> followerSilenceMillis() {
    DivisionInfo i = info();
    if (i == null || !i.isLeader()) return java.util.Map.of();
    var role = i.getRoleInfoProto();
    if (!role.hasLeaderInfo()) return java.util.Map.of();
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    for (var f : role.getLeaderInfo().getFollowerInfoList()) {
      out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
    }
    return out;
  }

  /** Milliseconds since this server last heard from a leader; 0 on the leader. */
  @Override
  public long lastContactMillis() {
    DivisionInfo i = info();
    if (i == null || i.isLeader()) return 0;
    var role = i.getRoleInfoProto();
    if (role.hasFollowerInfo()) return role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
    return -1;
  }

  // --- status ---

  private DivisionInfo info() {
    try {
      return server.getDivision(GROUP_ID).getInfo();
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether this server's member of the group has closed: after {@link #close}, or a halt. */
  boolean isClosed() {
    DivisionInfo i = info();
    return i == null || i.getLifeCycleState() == LifeCycle.State.CLOSED;
  }

  @Override
  public boolean isLeader() {
    DivisionInfo i = info();
    return i != null && i.isLeader() && i.isLeaderReady();
  }

  @Override
  public long currentTerm() {
    DivisionInfo i = info();
    return i == null ? 0 : i.getCurrentTerm();
  }

  @Override
  public boolean knownLeader() {
    DivisionInfo i = info();
    return i != null && i.getLeaderId() != null;
  }

  /** The leader's server RPC address ("ip:port"), or null when there is no leader. */
  @Override
  public String leaderRpcAddress() {
    DivisionInfo i = info();
    if (i == null || i.getLeaderId() == null) return null;
    return peers().stream().filter(p -> p.id().equals(i.getLeaderId().toString()))
        .map(Voter::rpcAddress).findFirst().orElse(null);
  }

  /** The leader's Raft id, or null. */
  @Override
  public String leaderId() {
    DivisionInfo i = info();
    return i == null || i.getLeaderId() == null ? null : i.getLeaderId().toString();
  }

  @Override
  public List<Voter> peers() {
    try {
      return server.getDivision(GROUP_ID).getRaftConf().getCurrentPeers().stream()
          .map(p -> new Voter(p.getId().toString(), p.getAddress(), p.getClientAddress()))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public long lastAppliedIndex() {
    DivisionInfo i = info();
    return i == null ? 0 : i.getLastAppliedIndex();
  }


  @Override
  public void close() throws IOException {
    closed = true;
    writes.close();
    server.close();
    LOG.info("raft stopped");
  }
}
