package io.cairn.agent;

import io.cairn.rpc.Heartbeats;
import io.cairn.rpc.RpcClient;
import io.cairn.rpc.ServerInfo;
import io.cairn.rpc.ServerList;
import java.time.Duration;
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

  ClientMode(AgentConfig config, RpcClient rpc) {
    this.config = config;
    this.servers = new ServerList(config.retryJoin(), rpc);
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
    int attempts = 0;
    while (!closed) {
      try {
        if (round++ % 30 == 0 || !joined) servers.refresh(self);
        servers.call("/rpc/heartbeat", new Heartbeats.Beat(config.nodeName()), io.cairn.rpc.ServerCluster.Ack.class);
        if (!joined) LOG.info("joined: a server answered after {} attempt(s)", attempts + 1);
        joined = true;
      } catch (Exception e) {
        LOG.debug("heartbeat failed: {}", e.getMessage());
        if (!joined && ++attempts >= config.retryMax() && config.retryMax() > 0) {
          gaveUp.complete("could not join: no server answered at " + config.retryJoin() + " after " + attempts
              + " attempts (retry_max)");
          return;
        }
      }
      try {
        Thread.sleep(joined ? Duration.ofMillis(interval) : config.retryInterval());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    beater.interrupt();
  }
}
