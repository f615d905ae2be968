package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent starts in stages; when a later one fails, what the earlier ones started is stopped. */
class AgentStartTest {
  @TempDir Path dir;

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aServerWhoseHttpPortIsTakenReleasesItsRpcAndRaftPorts() throws Exception {
    ConfigBuilder b = new ConfigBuilder();
    b.server = true;
    b.bootstrap = true;
    b.dataDir = dir.resolve("data");
    b.bindAddr = "127.0.0.1";
    b.nodeName = "start-node";
    b.serverPort = AgentChecksTest.freePort();
    b.raftPort = AgentChecksTest.freePort();
    b.dnsPort = -1;
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      b.httpPort = taken.getLocalPort();
      assertThatThrownBy(() -> Agent.start(b.build(), () -> {})).isNotNull();
    }
    assertThat(free(b.serverPort)).as("the RPC port the failed start had bound").isTrue();
    assertThat(free(b.raftPort)).as("the Raft port the failed start had bound").isTrue();
    // And the same data dir starts cleanly once the port is free: nothing was left locked.
    b.httpPort = AgentChecksTest.freePort();
    try (Agent agent = Agent.start(b.build(), () -> {})) {
      assertThat(agent.httpAddress().getPort()).isEqualTo(b.httpPort);
    }
  }
}
