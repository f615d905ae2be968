package io.cairn.rpc;

import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.WatchSet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node liveness. Every agent sends a heartbeat to the servers every few seconds; the leader
 * records them and, for a node silent longer than {@code failureTimeout}, sets its
 * {@code serfHealth} check critical, so its services leave healthy answers. A heartbeat from
 * a failed node sets it passing again. A new leader gives every node a full timeout first.
 */
public final class Heartbeats {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
  public static final String SERF_HEALTH = "serfHealth";

  /** Body of /rpc/heartbeat. */
  public record Beat(String node) {}

  private final Endpoints endpoints;
  private final Duration failureTimeout;
  private final String selfNode;
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  private volatile boolean wasLeader;

  public Heartbeats(Endpoints endpoints, Duration failureTimeout, String selfNode) {
    this.endpoints = endpoints;
    this.failureTimeout = failureTimeout;
    this.selfNode = selfNode;
  }

  /** On a server: a node said it is alive. Forwarded to the leader, which alone keeps track. */
  public ServerCluster.Ack beat(Beat beat, boolean forwarded, RpcClient rpc) throws IOException {
    if (endpoints.isLeader()) {
      lastSeen.put(beat.node(), System.nanoTime());
      if (isCritical(beat.node())) markAlive(beat.node());
      return new ServerCluster.Ack(true);
    }
    String leader = endpoints.leaderAddress();
    if (forwarded || leader.isEmpty()) throw new NoLeaderException();
    return rpc.post(leader, "/rpc/heartbeat", beat, ServerCluster.Ack.class, Duration.ofSeconds(5), true);
  }

  /** Called every second on every server; acts only on the leader. */
  public void tick() {
    if (!endpoints.isLeader()) {
      wasLeader = false;
      return;
    }
    long now = System.nanoTime();
    List<Node> nodes = endpoints.store().nodes(new WatchSet()).value();
    if (!wasLeader) {
      wasLeader = true;
      for (Node n : nodes) lastSeen.putIfAbsent(n.name(), now);
      lastSeen.replaceAll((k, v) -> now);
      return;
    }
    lastSeen.put(selfNode, now);
    for (Node n : nodes) {
      long seen = lastSeen.computeIfAbsent(n.name(), k -> now);
      if (now - seen > failureTimeout.toNanos() && !isCritical(n.name()) && hasSerfHealth(n.name())) markFailed(n);
    }
  }

  private List<HealthCheck> checks(String node) {
    return endpoints.store().nodeChecks(new WatchSet(), node).value();
  }

  private boolean hasSerfHealth(String node) {
    return checks(node).stream().anyMatch(c -> c.checkId().equals(SERF_HEALTH));
  }

  private boolean isCritical(String node) {
    return checks(node).stream().anyMatch(c -> c.checkId().equals(SERF_HEALTH) && c.status() == CheckStatus.CRITICAL);
  }

  private void markFailed(Node n) {
    LOG.info("node failed: no heartbeat for {} node={}", failureTimeout, n.name());
    setSerfHealth(n.name(), CheckStatus.CRITICAL, "Agent not live or unreachable");
  }

  private void markAlive(String node) {
    if (!hasSerfHealth(node)) return;
    LOG.info("node alive again node={}", node);
    setSerfHealth(node, CheckStatus.PASSING, "Agent alive and reachable");
  }

  private void setSerfHealth(String node, CheckStatus status, String output) {
    var n = endpoints.store().nodeServices(new WatchSet(), node).value();
    if (n.isEmpty()) return;
    Node nd = n.get().node();
    HealthCheck hc = new HealthCheck(node, SERF_HEALTH, "Serf Health Status", status, "", output, "", "", List.of(),
        "", "", "", 0, 0);
    try {
      endpoints.write(new Command.CatalogRegister(nd.id(), node, nd.address(), nd.datacenter(), nd.taggedAddresses(),
          nd.meta(), true, null, List.of(hc)));
    } catch (RuntimeException e) {
      LOG.warn("could not update serfHealth node={}: {}", node, e.getMessage());
    }
  }
}
