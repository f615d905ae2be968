package io.cairn.agent;

import io.cairn.checks.CheckDefinition;
import io.cairn.checks.CheckRunners;
import io.cairn.dns.CatalogView;
import io.cairn.dns.DnsHandler;
import io.cairn.dns.DnsServer;
import io.cairn.dns.RemoteCatalogView;
import io.cairn.endpoints.ClientCatalogPort;
import io.cairn.endpoints.Cluster;
import io.cairn.endpoints.Endpoints;
import io.cairn.endpoints.RemoteCluster;
import io.cairn.endpoints.ServerCatalogPort;
import io.cairn.http.AgentControl;
import io.cairn.http.ApiContext;
import io.cairn.http.Federation;
import io.cairn.http.Forwarded;
import io.cairn.http.ApiException;
import io.cairn.http.Definitions;
import io.cairn.http.HttpApi;
import io.cairn.local.AntiEntropy;
import io.cairn.local.CatalogPort;
import io.cairn.local.LocalState;
import io.cairn.local.NodeIdentity;
import io.cairn.membership.ServerInfo;
import io.cairn.rpc.RpcClient;
import io.cairn.state.ServiceInstance;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running agent: wires Raft, the state store, local state, check runners and the HTTP API. */
public final class Agent implements AgentControl, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  public static final String VERSION = "1.17.0";
  public static final String REVISION = "cairn-0.1.0";
  private static final Duration FULL_SYNC_INTERVAL = Duration.ofMinutes(1);

  private volatile AgentConfig config;
  private final Path dataDir;
  private final boolean tempDataDir;
  private final Runnable onLeave;
  private final Set<String> configServices = new HashSet<>();
  private final Set<String> configChecks = new HashSet<>();
  private final CompletableFuture<String> halted = new CompletableFuture<>();
  private volatile boolean closed;
  // Built in stages by the constructor; a stage that fails closes what the earlier ones started,
  // so every field below may still be null in close(). A client agent has no store or endpoints.
  private StateStore store;
  private Endpoints endpoints;
  private ServerMode server;
  private ClientMode client;
  private LocalState local;
  private CheckRunners runners;
  private AntiEntropy antiEntropy;
  private HttpApi http;
  private RemoteCatalogView remoteView;
  private final io.cairn.rpc.RpcClient rpc = new io.cairn.rpc.RpcClient();
  private OtherDatacenterViews otherViews;
  private DnsServer dns;
  private final AgentWatches watches = new AgentWatches();
  private RemoteExec remoteExec;

  private Agent(AgentConfig config, Runnable onLeave) throws Exception {
    this.config = config;
    this.onLeave = onLeave;
    this.tempDataDir = config.dataDir() == null;
    this.dataDir = tempDataDir ? Files.createTempDirectory("cairn-dev-") : config.dataDir();
    try {
      Files.createDirectories(dataDir);
      startCluster();
      startLocal();
      startHttp();
      startDns();
      startWatches();
      if (!config.disableRemoteExec()) {
        remoteExec = new RemoteExec(selfUri(), config.nodeName());
        remoteExec.start();
      }
    } catch (Exception | Error e) {
      LOG.error("agent start failed: {}", e.toString());
      close();
      throw e;
    }
    LOG.info("agent started node={} datacenter={} server={} dev={}", config.nodeName(), config.datacenter(), config.server(), config.dev());
    if (server != null) {
      // A server that cannot apply the log has left the Raft group; serving reads from its
      // frozen state would mislead clients, so the whole agent stops (docs/log-format.md). So
      // does one that found no cluster within retry_max attempts, as Consul's does.
      server.halted().thenAccept(this::stopWithError);
    }
    if (client != null) client.gaveUp().thenAccept(this::stopWithError);
  }

  /** Stage 1: this agent's part in the cluster: a server's store, endpoints and Raft, or a client's server list. */
  private void startCluster() throws Exception {
    if (config.server()) {
      store = new StateStore();
      endpoints = new Endpoints(store, config.datacenter(), rpc);
      server = new ServerMode(config, dataDir, store, endpoints, rpc);
    } else {
      client = new ClientMode(config, rpc);
    }
  }

  /** Stage 2: this node's services and checks, their runners, and anti-entropy to the catalog. */
  private void startLocal() {
    NodeIdentity identity = new NodeIdentity(config.nodeId(), config.nodeName(), config.advertiseAddr(),
        config.datacenter(), Map.of("lan", config.advertiseAddr(), "wan", config.advertiseAddrWan()), nodeMeta(config));
    local = new LocalState(identity, Clock.systemUTC(), config.checkUpdateInterval());
    local.definitionsAs(io.cairn.http.CheckWire::catalogDefinition);
    runners = new CheckRunners(local);
    runners.outputMaxSize(config.checkOutputMaxSize());
    runners.aliasSource(this::aliasedChecks);
    CatalogPort port = server != null ? new ServerCatalogPort(endpoints) : new ClientCatalogPort(client.servers());
    antiEntropy = new AntiEntropy(local, port, Clock.systemUTC(), FULL_SYNC_INTERVAL, true,
        config.server() ? new ServiceInstance("", "consul", "consul", List.of(), "", config.serverPort(),
            Map.of("raft_version", "3", "version", VERSION), false, 1, 1, 0, 0) : null);
    local.attach(runners, antiEntropy::signal);
    registerFromConfig(config);
    antiEntropy.start();
  }

  /**
   * What an alias check follows: a service of this agent (no AliasNode, or this node) from its
   * own state; another node's from the catalog (a stale read, every second). Empty when the
   * service, or the node, does not exist.
   */
  private Optional<List<io.cairn.state.HealthCheck>> aliasedChecks(String node, String serviceId) {
    boolean here = node.isEmpty() || node.equals(config.nodeName());
    if (here) {
      if (!serviceId.isEmpty() && local.service(serviceId).isEmpty()) return Optional.empty();
      return Optional.of(local.checks());
    }
    Cluster c = clusterForAlias;
    if (c == null) return Optional.empty();
    try {
      io.cairn.endpoints.QueryOptions stale = new io.cairn.endpoints.QueryOptions(io.cairn.endpoints.Consistency.STALE, 0, null, "", "");
      var ns = c.read(stale, new io.cairn.endpoints.Query.NodeServicesOf(node)).value();
      if (ns.isEmpty()) return Optional.empty();
      if (!serviceId.isEmpty() && ns.get().services().stream().noneMatch(s -> s.id().equals(serviceId))) return Optional.empty();
      return Optional.of(c.read(stale, new io.cairn.endpoints.Query.NodeChecks(node)).value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private volatile Cluster clusterForAlias;

  /** Stage 3: the HTTP API; on a client agent it reaches the cluster through a server, typed. */
  private void startHttp() throws Exception {
    Cluster cluster = server != null ? endpoints : new RemoteCluster(client.servers(), config.datacenter());
    clusterForAlias = cluster;
    if (client != null) {
      otherViews = new OtherDatacenterViews(client.servers(), AgentFederation.client(client.servers(), null)::datacenters, true);
    } else if (server.wan() != null) {
      io.cairn.membership.WanPool wan = server.wan();
      otherViews = new OtherDatacenterViews(new io.cairn.membership.ServerList(List.of(config.rpcAddress()), rpc),
          wan::datacenters, false);
    }
    Federation federation = server == null ? AgentFederation.client(client.servers(), otherViews)
        : server.wan() == null ? Federation.alone(config.datacenter()) : AgentFederation.server(server.wan(), rpc, otherViews);
    http = new HttpApi(new InetSocketAddress(config.httpAddr(), config.httpPort()), new ApiContext(cluster, local, this, federation));
    if (server != null && server.rpcServer() != null) {
      HttpApi api = http;
      // From a client agent of this datacenter (may go on to another) or from another datacenter's server (may not).
      server.rpcServer().register("/rpc/http", Forwarded.Request.class, (req, forwarded) -> api.serveForwarded(req, !forwarded));
    }
    http.start();
  }

  /** Stage 4: DNS, answered from the store on a server and through a server on a client. */
  private void startDns() throws Exception {
    if (config.dnsPort() < 0) return;
    if (client != null) remoteView = new RemoteCatalogView(client.servers());
    CatalogView view = server != null ? CatalogView.of(store) : remoteView;
    java.util.function.Function<String, CatalogView> elsewhere = otherViews == null ? dc -> null : otherViews;
    dns = new DnsServer(new InetSocketAddress(config.dnsAddr(), config.dnsPort()),
        new DnsHandler(config.dns(), view, config.datacenter(), elsewhere, () -> {
          try {
            return http.federationDatacenters();
          } catch (RuntimeException e) {
            return List.of(config.datacenter());
          }
        }, config.translateWanAddrs()));
    dns.start();
  }

  /** Stage 5: the config's watches, run against this agent's own HTTP API; replaces those running. */
  private void startWatches() {
    watches.replace(selfUri(), config.watches());
  }

  /** This agent's own HTTP API, as its watches and remote execution call it. */
  private java.net.URI selfUri() {
    String host = config.httpAddr().equals("0.0.0.0") ? "127.0.0.1" : config.httpAddr();
    return java.net.URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.address().getPort());
  }

  /** Closes the agent from a thread of its own and says why: the process then exits with an error. */
  private void stopWithError(String reason) {
    Thread.ofPlatform().name("agent-stop").start(() -> {
      LOG.error("stopping the agent: {}", reason);
      close();
      halted.complete(reason);
    });
  }

  /** This agent's server part, or null on a client agent. */
  ServerMode serverMode() {
    return server;
  }

  /**
   * Completes, with the reason, once the agent has shut itself down: its server could not apply
   * an entry of the Raft log, or it could not join within retry_max attempts. The process should
   * then exit with an error.
   */
  public CompletableFuture<String> halted() {
    return halted;
  }

  /** Starts an agent; {@code onLeave} is run after a leave request has shut it down. */
  public static Agent start(AgentConfig config, Runnable onLeave) throws Exception {
    return new Agent(config, onLeave);
  }

  private static Map<String, String> nodeMeta(AgentConfig c) {
    Map<String, String> meta = new java.util.LinkedHashMap<>(c.nodeMeta());
    meta.putIfAbsent("consul-network-segment", "");
    return meta;
  }

  private void registerFromConfig(AgentConfig c) {
    for (Definitions.ServiceDefinition s : c.services()) {
      local.addService(s.service(), s.checks(), true);
      configServices.add(s.service().id());
    }
    for (CheckDefinition def : c.checks()) {
      local.addCheck(def);
      configChecks.add(def.id());
    }
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The DNS port actually bound (useful with port 0), or -1 when DNS is off. */
  public int dnsPort() {
    return dns == null ? -1 : dns.port();
  }

  public LocalState local() {
    return local;
  }

  // --- AgentControl ---

  @Override
  public Self self() {
    AgentConfig c = config;
    return new Self(c.datacenter(), c.nodeName(), c.nodeId(), c.server(), VERSION, REVISION, c.advertiseAddr(),
        List.of(c.clientAddr()), dataDir.toString(), c.logLevel().toUpperCase(java.util.Locale.ROOT), c.domain() + ".",
        c.bootstrap(), nodeMeta(c), c.disableRemoteExec());
  }

  /**
   * The cluster's members as membership knows them (the leader's view, from heartbeats); this
   * agent is always listed, alive, as Consul's own agent is in its gossip view.
   */
  @Override
  public List<Member> members(boolean wan) {
    AgentConfig c = config;
    if (wan) return wanMembers();
    List<io.cairn.membership.Member> known;
    try {
      known = server != null ? server.members() : client.members();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("members: {}", e.getMessage());
      known = List.of();
    }
    List<Member> out = new java.util.ArrayList<>();
    boolean selfListed = false;
    for (io.cairn.membership.Member m : known) {
      if (wan && !m.server()) continue;
      boolean self = m.name().equals(c.nodeName());
      selfListed |= self;
      out.add(member(c, wan, m.name(), m.address(), m.port(), m.server(), m.serverPort(), self ? 1 : m.status().code()));
    }
    if (!selfListed && (!wan || c.server())) out.add(selfMember(wan));
    return out;
  }

  @Override
  public Readiness readiness() {
    String stage = server != null ? server.notReady() : client.notReady();
    if (stage != null) {
      return new Readiness(false, stage, switch (stage) {
        case "joining" -> "no server has been reached yet";
        case "electing" -> "servers answer, but there is no cluster leader yet";
        default -> stage;
      });
    }
    if (!local.synced()) return new Readiness(false, "syncing", "this node's services and checks are not all in the catalog yet");
    return new Readiness(true, "ready", "");
  }

  @Override
  public Member selfMember() {
    return selfMember(false);
  }

  private Member selfMember(boolean wan) {
    AgentConfig c = config;
    return member(c, wan, c.nodeName(), c.advertiseAddr(), c.raftPort(), c.server(), c.serverPort(), 1);
  }

  private Member member(AgentConfig c, boolean wan, String name, String addr, int port, boolean isServer, int serverPort,
                        int status) {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    tags.put("dc", c.datacenter());
    tags.put("role", isServer ? "consul" : "node");
    if (isServer) tags.put("port", Integer.toString(serverPort));
    tags.put("build", VERSION);
    tags.put("vsn", "2");
    return new Member(wan ? name + "." + c.datacenter() : name, addr, port, tags, status);
  }

  /** This agent's check runners (tests point Docker checks at a daemon of their own). */
  CheckRunners checkRunners() {
    return runners;
  }

  @Override
  public io.cairn.state.AutopilotConfig autopilotConfigured() {
    return config.autopilot();
  }

  @Override
  public java.time.Duration sessionTtlMin() {
    return config.sessionTtlMin();
  }

  @Override
  public Map<String, io.cairn.membership.Vivaldi.Coordinate> lanCoordinates() {
    try {
      return server != null ? server.membersWithCoordinates().coordinates() : client.membersWithCoordinates().coordinates();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("coordinates: {}", e.getMessage());
      return Map.of();
    }
  }

  @Override
  public Map<String, io.cairn.membership.Vivaldi.Coordinate> wanCoordinates() {
    io.cairn.membership.WanPool pool = server == null ? null : server.wan();
    return pool == null ? Map.of() : pool.wanCoordinates();
  }

  @Override
  public void updateCoordinate(String node, io.cairn.membership.Vivaldi.Coordinate coord) throws Exception {
    if (server != null) server.updateCoordinate(node, coord);
    else client.updateCoordinate(node, coord);
  }

  @Override
  public boolean translateWanAddrs() {
    return config.translateWanAddrs();
  }

  @Override
  public boolean debugEnabled() {
    return config.enableDebug();
  }

  @Override
  public boolean scriptChecksEnabled() {
    return config.enableScriptChecks();
  }

  /** Re-reads the config files: services and checks defined there are replaced by the new set. */
  @Override
  public synchronized void reload() throws Exception {
    ConfigBuilder b = new ConfigBuilder();
    b.configFormat = config.configFormat();
    b.configFiles.addAll(config.configFiles());
    b.configDirs.addAll(config.configDirs());
    b.loadFiles();
    for (String id : Set.copyOf(configServices)) {
      if (b.services.stream().noneMatch(s -> s.service().id().equals(id)) && local.service(id).isPresent()) local.removeService(id);
    }
    for (String id : Set.copyOf(configChecks)) {
      if (b.checks.stream().noneMatch(c -> c.id().equals(id)) && local.checkDefinition(id).isPresent()) local.removeCheck(id);
    }
    configServices.clear();
    configChecks.clear();
    AgentConfig fresh = new AgentConfig(config.dev(), config.server(), config.bootstrap(), config.bootstrapExpect(),
        config.nodeName(), config.nodeId(), config.datacenter(), config.dataDir(), config.bindAddr(), config.advertiseAddr(),
        config.clientAddr(), config.httpPort(), config.dnsPort(), config.serverPort(), config.raftPort(),
        b.logLevel, config.domain(), config.enableScriptChecks() || b.enableScriptChecks,
        config.enableLocalScriptChecks() || b.enableLocalScriptChecks, config.checkUpdateInterval(), config.nodeMeta(),
        List.copyOf(b.services), List.copyOf(b.checks), config.retryJoin(), config.retryInterval(), config.retryMax(), config.nodeFailureTimeout(), config.raftSnapshotThreshold(), config.recursors(), config.dns(), config.configFiles(), config.configDirs(),
        config.httpAddr(), config.dnsAddr(), config.discovery(), List.copyOf(b.watches), config.enableDebug(),
        config.retryJoinWan(), config.sessionTtlMin(), config.advertiseAddrWan(), config.translateWanAddrs(), config.autopilot(), config.checkOutputMaxSize(),
        config.disableRemoteExec(), config.configFormat());
    registerFromConfig(fresh);
    config = fresh;
    startWatches();  // the reloaded set replaces the old, as Consul's reload does
    LOG.info("reloaded configuration: services={} checks={}", b.services.size(), b.checks.size());
  }

  @Override
  public void leave() {
    LOG.info("leave requested: shutting down");
    Thread.ofPlatform().name("leave").start(() -> {
      if (server != null) {
        antiEntropy.close();
        server.leaveCluster();
      } else {
        // A client that leaves is gone from the catalog at once, services and all.
        try {
          antiEntropy.close();
          client.leave();
        } catch (java.io.IOException | RuntimeException e) {
          LOG.warn("deregistering this node on leave failed: {}", e.getMessage());
        }
      }
      close();
      onLeave.run();
    });
  }

  /**
   * Joins through the server at {@code address} (its RPC address, port 8300 unless given, as
   * retry_join): a client uses the servers it names, a server greets it and learns them.
   */
  @Override
  public void join(String address, boolean wan) {
    String target = ServerInfo.withServerPort(address);
    if (wan) {
      io.cairn.membership.WanPool pool = server == null ? null : server.wan();
      if (pool == null) throw new IllegalArgumentException("Only servers join over the WAN (this is " + (server == null ? "a client agent" : "a -dev server") + ")");
      if (!pool.join(target)) throw new ApiException(500, "Failed to join " + target + ": it did not answer");
      LOG.info("join -wan {}: joined", target);
      return;
    }
    try {
      int n = server != null ? server.join(target) : client.join(target);
      LOG.info("join {}: it knows {} servers", target, n);
    } catch (java.io.IOException e) {
      throw new ApiException(500, "Failed to join " + target + ": " + e.getMessage());
    }
  }

  /** The servers of every datacenter as {@code <node>.<dc>}; none on a client agent, which is in no WAN pool. */
  private List<Member> wanMembers() {
    io.cairn.membership.WanPool pool = server == null ? null : server.wan();
    if (pool == null) return server == null ? List.of() : List.of(selfMember(true));
    List<Member> out = new java.util.ArrayList<>();
    for (io.cairn.membership.WanPool.Server s : pool.members()) {
      String addr = s.rpcAddress();
      int colon = addr.lastIndexOf(':');
      Map<String, String> tags = new java.util.LinkedHashMap<>();
      tags.put("dc", s.datacenter());
      tags.put("role", "consul");
      tags.put("port", addr.substring(colon + 1));
      tags.put("vsn", "2");
      out.add(new Member(s.name() + "." + s.datacenter(), addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)),
          tags, io.cairn.membership.WanPool.statusCode(s.state())));
    }
    return out;
  }

  /** Consul's force-leave, through the leader: an unknown node is an error, as there. */
  @Override
  public void forceLeave(String node, boolean prune) {
    io.cairn.membership.WanPool pool = server == null ? null : server.wan();
    if (pool != null && node.contains(".") && pool.forceLeave(node, prune)) return;
    boolean known;
    try {
      known = server != null ? server.forceLeave(node, prune) : client.forceLeave(node, prune);
    } catch (java.io.IOException e) {
      throw new ApiException(500, "Failed to force-leave " + node + ": " + e.getMessage());
    }
    if (!known) throw new ApiException(500, "agent: No node found with name '" + node + "'");
  }

  /** Stops accepting requests, lets those in flight finish, stops checks and closes the Raft log. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    LOG.info("shutting down");
    watches.stop();
    if (remoteExec != null) remoteExec.stop();
    if (endpoints != null) endpoints.stopBlocking();
    if (http != null) http.close(2);
    if (dns != null) dns.close();
    if (remoteView != null) remoteView.close();
    if (otherViews != null) otherViews.close();
    if (antiEntropy != null) antiEntropy.close();
    if (runners != null) runners.close();
    if (server != null) server.close();
    if (client != null) client.close();
    if (tempDataDir) deleteTree(dataDir);
    LOG.info("shutdown complete");
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
