package io.cairn.agent;

import io.cairn.membership.Discovery;
import io.cairn.membership.DiscoveryCache;
import io.cairn.membership.Heartbeats;
import io.cairn.membership.Member;
import io.cairn.membership.ServerInfo;
import io.cairn.membership.ServerList;
import io.cairn.rpc.Ack;
import io.cairn.rpc.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client half of an agent: no replicated state, just the servers to talk to and a
 * heartbeat to them, so that the leader knows this node is alive.
 */
final class ClientMode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientMode.class);
  private final ServerList servers;
  private final Thread beater;
  private final AgentConfig config;
  private final java.util.concurrent.CompletableFuture<String> gaveUp = new java.util.concurrent.CompletableFuture<>();
  private volatile boolean closed;
  private volatile boolean serverAnswered;
  private volatile boolean lastBeatOk;
  private final DiscoveryCache discovered;
  /** When this run of the agent started: tells its heartbeats from those of an earlier run. */
  private final long incarnation = System.currentTimeMillis();

  ClientMode(AgentConfig config, RpcClient rpc) {
    this.config = config;
    this.servers = new ServerList(config.retryJoin(), rpc);
    this.discovered = config.discovery() == null ? null : new DiscoveryCache(Discovery.parse(config.discovery()));
    if (config.retryJoin().isEmpty()) {
      // As Consul's: a client told of no server runs, and waits for `cairn join <server>`.
      LOG.warn("no server to join (no -retry-join): this agent serves nothing of the cluster until 'cairn join <server>'");
    }
    this.beater = Thread.ofVirtual().name("heartbeat").start(this::beatLoop);
  }

  ServerList servers() {
    return servers;
  }

  /**
   * Completes, with the reason, if this client gave up joining after {@code retry_max} attempts
   * without reaching a server: the agent then stops with an error, as Consul's does.
   */
  java.util.concurrent.CompletableFuture<String> gaveUp() {
    return gaveUp;
  }

  /**
   * Joins (the first heartbeat a server answers), every {@code retry_interval}, giving up after
   * {@code retry_max} attempts if set; then beats a few times per failure timeout and learns
   * new servers now and then.
   */
  private void beatLoop() {
    long interval = Math.max(200, Math.min(2000, config.nodeFailureTimeout().toMillis() / 4));
    ServerInfo self = new ServerInfo(config.nodeName(), "", "", config.datacenter(), 0);
    int round = 0;
    boolean joined = false;
    boolean knowsGroup = false;
    int attempts = 0;
    // A join attempt counts toward retry_max once per retry_interval (Consul's default is 30 s),
    // but the agent keeps trying at its beat meanwhile, so servers that come up a moment later
    // are found at once.
    long retryNanos = config.retryInterval().toNanos();
    long lastCounted = System.nanoTime() - retryNanos;
    while (!closed) {
      try {
        // Until it has seen the servers' Raft group (a client often starts before the servers
        // have formed one), it asks at every beat: knowing only its join address, it would lose
        // the cluster with that one server.
        if (discovered != null && (!knowsGroup || round % 30 == 0)) servers.addAddresses(discovered.servers());
        if (round++ % 30 == 0 || !knowsGroup) {
          boolean knew = knowsGroup;
          knowsGroup = servers.refresh(self) > 0;
          if (knowsGroup && !knew) LOG.info("servers known: {}", servers.servers());
        }
        String to = servers.pick();
        long t0 = System.nanoTime();
        Heartbeats.BeatAck ack = servers.call("/rpc/heartbeat", beat(), Heartbeats.BeatAck.class);
        // The beat's round trip and the answering server's coordinate place this node (Vivaldi).
        if (ack.coord() != null) coordinate.observe(to, ack.coord(), Duration.ofNanos(System.nanoTime() - t0));
        if (!joined) LOG.info("joined: a server answered");
        joined = true;
        serverAnswered = true;
        lastBeatOk = true;
      } catch (Exception e) {
        LOG.debug("heartbeat failed: {}", e.getMessage());
        lastBeatOk = false;
        if (e instanceof io.cairn.rpc.RpcClient.NoLeaderIOException) serverAnswered = true;  // a server answered
        long now = System.nanoTime();
        if (!joined && now - lastCounted >= retryNanos) {
          lastCounted = now;
          if (++attempts >= config.retryMax() && config.retryMax() > 0) {
            gaveUp.complete("could not join: no server answered at " + config.retryJoin() + " after " + attempts
                + " attempts (retry_max)");
            return;
          }
        }
      }
      try {
        Thread.sleep(Duration.ofMillis(joined ? interval : Math.min(interval, config.retryInterval().toMillis())));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** This node's LAN coordinate, from its heartbeats' round trips. */
  private final io.cairn.membership.Vivaldi coordinate = new io.cairn.membership.Vivaldi();

  /** Members and their coordinates, as the leader knows them. */
  Heartbeats.Members membersWithCoordinates() throws IOException {
    return servers.call("/rpc/members", java.util.Map.of(), Heartbeats.Members.class);
  }

  void updateCoordinate(String node, io.cairn.membership.Vivaldi.Coordinate coord) throws IOException {
    servers.call("/rpc/coordinate-update", new Heartbeats.CoordinateUpdate(node, coord), Ack.class);
  }

  private Heartbeats.Beat beat() {
    return new Heartbeats.Beat(config.nodeName(), config.advertiseAddr(), config.raftPort(), config.datacenter(), false,
        0, incarnation, coordinate.coordinate());
  }

  /**
   * Where this client is on its way to serving: null once its last heartbeat reached the leader,
   * else "joining" (no server has answered yet) or "electing" (servers answer, without a leader).
   */
  String notReady() {
    if (lastBeatOk) return null;
    return serverAnswered ? "electing" : "joining";
  }

  /** The cluster's members, as the leader knows them. */
  List<Member> members() throws IOException {
    return servers.call("/rpc/members", java.util.Map.of(), Heartbeats.Members.class).members();
  }

  /** A graceful leave: stops beating, then the leader marks this node left and takes it out of the catalog. */
  void leave() throws IOException {
    close();
    servers.call("/rpc/member-leave", beat(), Ack.class);
  }

  /** Forces a member out, through the leader (Consul's force-leave). */
  boolean forceLeave(String node, boolean prune) throws IOException {
    return servers.call("/rpc/force-leave", new Heartbeats.ForceLeave(node, prune), Ack.class).ok();
  }

  /** {@code /v1/agent/join}: learns the servers the one at {@code address} knows, and uses them. */
  int join(String address) throws IOException {
    return servers.join(address, new ServerInfo(config.nodeName(), "", "", config.datacenter(), 0));
  }

  @Override
  public void close() {
    closed = true;
    beater.interrupt();
  }
}
