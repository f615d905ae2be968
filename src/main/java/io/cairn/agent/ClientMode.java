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
  private volatile boolean closed;

  ClientMode(AgentConfig config, RpcClient rpc) {
    this.config = config;
    this.servers = new ServerList(config.retryJoin(), rpc);
    this.beater = Thread.ofVirtual().name("heartbeat").start(this::beatLoop);
  }

  ServerList servers() {
    return servers;
  }

  /** Beats a few times per failure timeout; learns new servers now and then. */
  private void beatLoop() {
    long interval = Math.max(200, Math.min(2000, config.nodeFailureTimeout().toMillis() / 4));
    ServerInfo self = new ServerInfo(config.nodeName(), "", "", config.datacenter(), 0);
    int round = 0;
    while (!closed) {
      try {
        if (round++ % 30 == 0) servers.refresh(self);
        servers.call("/rpc/heartbeat", new Heartbeats.Beat(config.nodeName()), io.cairn.rpc.ServerCluster.Ack.class);
      } catch (Exception e) {
        LOG.debug("heartbeat failed: {}", e.getMessage());
      }
      try {
        Thread.sleep(Duration.ofMillis(interval));
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
