package io.cairn.agent;

import io.cairn.endpoints.EndpointRoutes;
import io.cairn.endpoints.Endpoints;
import io.cairn.membership.Discovery;
import io.cairn.membership.DiscoveryCache;
import io.cairn.membership.Heartbeats;
import io.cairn.membership.ServerCluster;
import io.cairn.membership.ServerInfo;
import io.cairn.raft.RaftNode;
import io.cairn.raft.Voter;
import io.cairn.rpc.RpcClient;
import io.cairn.rpc.RpcServer;
import io.cairn.state.Command;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of an agent: the RPC listener, this server's Raft member, and how it comes
 * to be in a group: alone (-dev, -bootstrap), from its own log (restart), or found through
 * -retry-join (-bootstrap-expect N, or joining a formed cluster).
 */
final class ServerMode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerMode.class);

  private final AgentConfig config;
  private final Path raftDir;
  private final StateStore store;
  private final Endpoints endpoints;
  private final ServerCluster cluster;
  /** The discovery token this server registers under, or null. */
  private final Discovery discovery;
  /** How often a server says again that it is under its discovery token (entries expire unless refreshed). */
  private static final Duration DISCOVERY_REFRESH = Duration.ofSeconds(10);
  private final RpcServer rpcServer;
  private final Heartbeats heartbeats;
  private final io.cairn.membership.Autopilot autopilot;
  /** The servers of every datacenter; null on a -dev server, which has no RPC port. */
  private final io.cairn.membership.WanPool wan;
  private volatile Thread ticker;
  private volatile Thread registrar;
  private final RpcClient rpc;
  private volatile Thread starter;
  private volatile RaftNode raft;
  private volatile boolean closed;
  private volatile boolean leaving;
  /** When this run of the agent started: tells its heartbeats from those of an earlier run. */
  private final long incarnation = System.currentTimeMillis();
  private final CompletableFuture<String> halted = new CompletableFuture<>();

  ServerMode(AgentConfig config, Path dataDir, StateStore store, Endpoints endpoints, RpcClient rpc) throws Exception {
    this.config = config;
    this.raftDir = dataDir.resolve("raft");
    this.store = store;
    this.endpoints = endpoints;
    this.rpc = rpc;
    int raftPort = config.dev() ? 0 : config.raftPort();
    ServerInfo self = new ServerInfo(config.nodeName(), config.advertiseAddr() + ":" + raftPort, config.rpcAddress(),
        config.datacenter(), config.bootstrapExpect());
    this.discovery = config.discovery() == null ? null : Discovery.parse(config.discovery());
    DiscoveryCache discovered = discovery == null ? null : new DiscoveryCache(discovery);
    this.cluster = new ServerCluster(self, config.retryJoin(), rpc, discovered == null ? List::of : discovered::servers);
    this.heartbeats = new Heartbeats(serverPort(endpoints, () -> raft), rpc, config.nodeFailureTimeout(), System::nanoTime);
    this.autopilot = new io.cairn.membership.Autopilot(autopilotPort(), heartbeats, Agent.VERSION, System::nanoTime,
        System::currentTimeMillis);
    endpoints.attachAutopilot(autopilot::report);
    rpcServer = config.dev() ? null  // a lone dev server has nobody to talk to
        : new RpcServer(new InetSocketAddress(config.bindAddr(), config.serverPort()));
    wan = rpcServer == null ? null : new io.cairn.membership.WanPool(config.nodeName(), config.datacenter(),
        config.rpcAddress(), config.retryJoinWan(), rpc, this::localServerAddresses, System::nanoTime);
    try {
      if (rpcServer != null) {
        EndpointRoutes.register(rpcServer, endpoints);
        cluster.register(rpcServer);
        heartbeats.register(rpcServer);
        wan.register(rpcServer);
        heartbeats.coordinateFrom(wan::lanCoordinate);
        endpoints.federate(new Endpoints.OtherDatacenters() {
          @Override
          public boolean knows(String dc) {
            return wan.knows(dc);
          }

          @Override
          public List<String> alive(String dc) {
            return wan.alive(dc);
          }

          @Override
          public void failed(String address) {
            wan.failed(address);
          }
        });
        rpcServer.register("/rpc/wan-datacenters", Object.class, (none, fwd) -> wan.datacenters());
        rpcServer.start();
        wan.start();
      }
      ticker = Thread.ofVirtual().name("liveness").start(this::livenessLoop);
      if (discovery != null && !config.dev()) registrar = Thread.ofVirtual().name("discovery").start(this::registerLoop);
      if (config.dev() || config.bootstrap() || RaftNode.hasState(raftDir)) {
        startRaft(List.of(self));
        if (config.dev() || config.bootstrap()) raft.awaitLeadership(Duration.ofSeconds(30));
      } else {
        // Discovery blocks until enough servers are found; the agent serves (with "No cluster
        // leader") meanwhile, as Consul does.
        if (config.retryJoin().isEmpty()) {
          LOG.warn("no server to join (no -retry-join): waiting for 'cairn join <server>'");
        }
        starter = Thread.ofPlatform().name("server-bootstrap").start(this::discoverAndStart);
      }
    } catch (Exception | Error e) {
      close();  // what started so far: the RPC port, the liveness loop, Raft
      throw e;
    }
  }

  /** What membership needs of this server, from its endpoints. */
  private static Heartbeats.ServerPort serverPort(Endpoints endpoints, java.util.function.Supplier<RaftNode> raft) {
    return new Heartbeats.ServerPort() {
      @Override
      public boolean isLeader() {
        return endpoints.isLeader();
      }

      @Override
      public String leaderRpcAddress() {
        String a = endpoints.leaderAddress();
        return a == null || a.isEmpty() ? null : a;
      }

      @Override
      public StateStore store() {
        return endpoints.store();
      }

      @Override
      public void write(Command command) {
        endpoints.write(command);
      }

      @Override
      public void removeVoter(String id) {
        endpoints.removePeer(id);
      }

      @Override
      public List<Voter> voters() {
        return endpoints.peers();
      }

      @Override
      public java.util.Map<String, Long> followerSilenceMillis() {
        RaftNode r = raft.get();
        return r == null ? java.util.Map.of() : r.followerSilenceMillis();
      }
    };
  }

  /** What autopilot needs of this server: Raft's view of the voters, the stored settings, and writing them. */
  private io.cairn.membership.Autopilot.ServerPort autopilotPort() {
    return new io.cairn.membership.Autopilot.ServerPort() {
      @Override
      public boolean isLeader() {
        return endpoints.isLeader();
      }

      @Override
      public String selfId() {
        return config.nodeName();
      }

      @Override
      public List<Voter> voters() {
        return endpoints.peers();
      }

      @Override
      public io.cairn.state.AutopilotConfig config() {
        java.util.Optional<io.cairn.state.AutopilotConfig> stored = store.autopilotConfig();
        if (stored.isPresent()) return stored.get();
        // As Consul's leader: the first one stores its configured settings, and from then on the
        // stored ones rule (changed with operator autopilot set-config).
        try {
          endpoints.write(new io.cairn.state.Command.AutopilotSet(config.autopilot(), 0L));
        } catch (RuntimeException e) {
          LOG.debug("storing autopilot settings: {}", e.getMessage());
        }
        return store.autopilotConfig().orElse(config.autopilot());
      }

      @Override
      public java.util.Map<String, Long> followerSilenceMillis() {
        RaftNode r = raft;
        return r == null ? java.util.Map.of() : r.followerSilenceMillis();
      }

      @Override
      public java.util.Map<String, Long> logIndexes() {
        RaftNode r = raft;
        return r == null ? java.util.Map.of() : r.logIndexes();
      }

      @Override
      public long lastIndex() {
        RaftNode r = raft;
        return r == null ? 0 : r.logIndexes().getOrDefault(config.nodeName(), r.lastAppliedIndex());
      }

      @Override
      public long term() {
        RaftNode r = raft;
        return r == null ? 0 : r.currentTerm();
      }

      @Override
      public void removeVoter(String id) {
        endpoints.removePeer(id);
      }
    };
  }

  private void discoverAndStart() {
    try {
      ServerCluster.StartPlan plan = cluster.discover(config.bootstrapExpect(), config.retryInterval(), config.retryMax());
      if (closed) return;
      startRaft(plan.peers());
      if (plan.joining()) cluster.requestJoin(config.retryInterval());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // As Consul: with retry_max set, an agent that cannot join stops with an error rather
      // than running on, cut off, under a supervisor that believes it is fine.
      LOG.error("server could not join a cluster: {}", e.getMessage());
      halted.complete("could not join a cluster: " + e.getMessage());
    }
  }

  private synchronized void startRaft(List<ServerInfo> peers) throws IOException {
    if (closed) return;
    ServerInfo self = cluster.self();
    int raftPort = Integer.parseInt(self.raftAddress().substring(self.raftAddress().lastIndexOf(':') + 1));
    List<Voter> specs = peers.stream()
        .map(p -> new Voter(p.id(), p.raftAddress(), p.rpcAddress())).toList();
    raft = RaftNode.start(new RaftNode.Settings(self.id(), raftDir, config.bindAddr(), self.raftAddress(), self.rpcAddress(), raftPort, specs,
        config.raftSnapshotThreshold(), config.dev()), store);
    endpoints.attach(raft);
    cluster.attach(raft);
    raft.halted().thenAccept(halted::complete);
  }

  /**
   * Completes, with the reason, if this server stopped applying the Raft log (docs/log-format.md)
   * or gave up joining a cluster after {@code retry_max} attempts.
   */
  CompletableFuture<String> halted() {
    return halted;
  }

  /**
   * Every second: this server says it is alive, the leader marks silent nodes failed and ends
   * sessions whose TTL ran out.
   */
  private void livenessLoop() {
    long lastRejoin = System.nanoTime();
    while (!closed) {
      if (!leaving) {
        try {
          heartbeats.beat(beat(), false);
        } catch (Exception e) {
          LOG.debug("heartbeat: {}", e.getMessage());
        }
      }
      heartbeats.tick();
      try {
        autopilot.tick();
      } catch (RuntimeException e) {
        LOG.debug("autopilot: {}", e.getMessage());
      }
      // A server out of the group (it left, or was removed, and restarted with its data) asks
      // to be added again: at once, then every retry_interval.
      if (!leaving && raft != null && System.nanoTime() - lastRejoin >= config.retryInterval().toNanos()) {
        lastRejoin = System.nanoTime();
        cluster.rejoinIfOutside();
      }
      endpoints.sessionTimers().tick();
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The cluster's members, as the leader knows them (or this server, without a leader). */
  List<io.cairn.membership.Member> members() {
    return heartbeats.members(false).members();
  }

  /** Forces a member out, through the leader (Consul's force-leave). */
  boolean forceLeave(String node, boolean prune) throws IOException {
    return heartbeats.forceLeave(new Heartbeats.ForceLeave(node, prune), false).ok();
  }

  /** {@code /v1/agent/join}: greets the server at {@code address} and learns those it knows. */
  int join(String address) throws IOException {
    return cluster.joinAddress(address);
  }

  RpcServer rpcServer() {
    return rpcServer;
  }

  /** Every datacenter's servers, or null on a -dev server. */
  io.cairn.membership.WanPool wan() {
    return wan;
  }

  /** This datacenter's servers (RPC addresses), for the WAN pool to share what it learns with them. */
  private List<String> localServerAddresses() {
    RaftNode r = raft;
    if (r == null) return List.of();
    return r.peers().stream().map(p -> p.rpcAddress()).toList();
  }

  /** Says at once, then every {@link #DISCOVERY_REFRESH}, that this server is under its discovery token. */
  private void registerLoop() {
    boolean registered = false;
    while (!closed && !leaving) {
      try {
        discovery.register(config.rpcAddress());
        if (!registered) LOG.info("registered {} with discovery {}", config.rpcAddress(), discovery);
        registered = true;
      } catch (IOException | RuntimeException e) {
        LOG.warn("registering with discovery {} failed: {}", discovery, e.getMessage());
      }
      try {
        Thread.sleep(DISCOVERY_REFRESH);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Where this server is on its way to serving: null once it is in a group that has a leader,
   * else what it waits for ("joining": no group yet; "electing": no leader known).
   */
  String notReady() {
    RaftNode r = raft;
    if (r == null) return "joining";
    return r.knownLeader() ? null : "electing";
  }

  /** This server's heartbeat: who and where it is. */
  Heartbeats.Beat beat() {
    return new Heartbeats.Beat(config.nodeName(), config.advertiseAddr(), config.raftPort(), config.datacenter(), true,
        config.serverPort(), incarnation, wan == null ? null : wan.lanCoordinate());
  }

  /** Members and their LAN coordinates, as the leader knows them. */
  Heartbeats.Members membersWithCoordinates() {
    return heartbeats.members(false);
  }

  void updateCoordinate(String node, io.cairn.membership.Vivaldi.Coordinate coord) throws IOException {
    heartbeats.updateCoordinate(new Heartbeats.CoordinateUpdate(node, coord), false);
  }

  /**
   * A graceful leave: it stops beating, is marked left and taken out of the catalog, then stops
   * being a voter, so the others need not wait for this one.
   */
  void leaveCluster() {
    if (config.dev()) return;
    leaving = true;
    if (wan != null) wan.leave();
    try {
      heartbeats.leave(beat(), false);
    } catch (IOException | RuntimeException e) {
      LOG.warn("telling the cluster this server leaves failed: {}", e.getMessage());
    }
    cluster.requestLeave();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (starter != null) starter.interrupt();
    if (ticker != null) ticker.interrupt();
    if (registrar != null) registrar.interrupt();
    if (wan != null) wan.close();
    if (rpcServer != null) rpcServer.close();
    if (raft != null) {
      try {
        raft.close();
      } catch (IOException e) {
        LOG.warn("closing raft: {}", e.toString());
      }
    }
  }
}
