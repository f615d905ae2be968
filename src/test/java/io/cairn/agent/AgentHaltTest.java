package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that stopped applying the Raft log (docs/log-format.md) takes its whole agent down,
 * rather than answering from frozen state; the command line then exits with status 1. The halt
 * itself is io.cairn.raft's LogFailStopTest; here it is signalled as Raft would.
 */
class AgentHaltTest {
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) agent.close();
  }

  @Test
  void aServerThatStopsApplyingTheLogShutsTheAgentDown() throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = AgentChecksTest.freePort();
    b.dnsPort = -1;
    b.nodeName = "halt-node";
    agent = Agent.start(b.build(), () -> {});
    URI leader = URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + "/v1/status/leader");
    HttpClient http = HttpClient.newHttpClient();
    assertThat(http.send(HttpRequest.newBuilder(leader).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);

    String reason = "log entry index=9 term=2 type=kv-set format=2 cannot be applied by this server: test";
    agent.serverMode().halted().complete(reason);

    assertThat(agent.halted().get(20, TimeUnit.SECONDS)).isEqualTo(reason);
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(leader).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }
}
