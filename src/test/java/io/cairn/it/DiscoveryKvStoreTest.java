package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code cairn discovery} processes keeping their tokens in one agent's KV ({@code -store
 * consul://}): what one hands out or is told, the other answers; racing changes through both
 * lose nothing; a service restarted on the same store keeps everything. And the service's
 * config file: its settings are taken, an unknown one is refused in one line.
 */
class DiscoveryKvStoreTest {
  static TestAgent agent;
  static int portA;
  static int portB;
  static AgentProcess a;
  static AgentProcess b;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    portA = TestAgent.freePort();
    portB = TestAgent.freePort();
    a = DiscoveryProcessTest.startService(dir.resolve("a"), portA, -1, "-store", store());
    b = DiscoveryProcessTest.startService(dir.resolve("b"), portB, -1, "-store", store());
  }

  static String store() {
    return "consul://127.0.0.1:" + agent.port() + "/disc";
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (agent != null) agent.close();
  }

  static List<String> servers(int port, String token) throws Exception {
    HttpResponse<String> r = DiscoveryProcessTest.request("GET", port, "/" + token, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return KvWorkload.JSON.readValue(r.body(), new TypeReference<List<String>>() {});
  }

  static String newToken(int port) throws Exception {
    HttpResponse<String> r = DiscoveryProcessTest.request("GET", port, "/new", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().strip();
  }

  @Test
  void whatOneServiceIsToldTheOtherAnswers() throws Exception {
    String token = newToken(portA);
    assertThat(servers(portB, token)).isEmpty();
    assertThat(DiscoveryProcessTest.request("PUT", portB, "/" + token, "[\"10.0.0.5\",\"10.0.0.6:8301\"]").statusCode()).isEqualTo(200);
    assertThat(DiscoveryProcessTest.request("POST", portA, "/" + token, "{\"address\":\"10.0.0.7\",\"port\":8300}").statusCode())
        .isEqualTo(200);
    List<String> expected = List.of("10.0.0.5:8300", "10.0.0.6:8301", "10.0.0.7:8300");
    assertThat(servers(portA, token)).isEqualTo(expected);
    assertThat(servers(portB, token)).isEqualTo(expected);
    // The record lives in the cluster's KV under the prefix given.
    assertThat(agent.call("GET", "/v1/kv/disc/tokens/" + token, null).statusCode()).isEqualTo(200);
    assertThat(DiscoveryProcessTest.request("GET", portB, "/0123456789abcdef0123456789abcdef", null).statusCode()).isEqualTo(404);
  }

  @Test
  void racingPostsThroughBothServicesLoseNothing() throws Exception {
    String token = newToken(portB);
    List<CompletableFuture<Integer>> posts = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      int port = i % 2 == 0 ? portA : portB;
      String body = "{\"address\":\"10.1.0." + i + "\",\"port\":8300}";
      expected.add("10.1.0." + i + ":8300");
      posts.add(TestAgent.async(() -> {
        try {
          return DiscoveryProcessTest.request("POST", port, "/" + token, body).statusCode();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (CompletableFuture<Integer> p : posts) assertThat(p.get()).isEqualTo(200);
    assertThat(servers(portA, token)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(servers(portB, token)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aServiceRestartedOnTheSameStoreKeepsEverything() throws Exception {
    String token = newToken(portA);
    DiscoveryProcessTest.request("PUT", portA, "/" + token, "[\"10.2.0.1\"]");
    a.close();
    a = DiscoveryProcessTest.startService(dir.resolve("a2"), portA, -1, "-store", store());
    assertThat(servers(portA, token)).containsExactly("10.2.0.1:8300");
  }

  @Test
  void theConfigFileIsTakenAndAnUnknownSettingRefused() throws Exception {
    int port = TestAgent.freePort();
    Path cfg = dir.resolve("discovery.hcl");
    Files.writeString(cfg, "http_port = " + port + "\nbind = \"127.0.0.1\"\ndns_port = -1\nstore = \"" + store() + "\"\n");
    try (AgentProcess c = AgentProcess.start("discovery", "-config-file", cfg.toString())) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> DiscoveryProcessTest.request("GET", port, "/health", null).statusCode() == 200);
      String token = newToken(portA);
      assertThat(servers(port, token)).isEmpty();  // the same store as the others
    }
    Files.writeString(cfg, "http_prot = 8080\ndata_dir = \"" + dir.resolve("x") + "\"\n");
    AgentProcess.Result bad = AgentProcess.run("discovery", "-config-file", cfg.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().strip()).contains("unknown setting \"http_prot\"").doesNotContain("\n");
    AgentProcess.Result noStore = AgentProcess.run("discovery", "-store", "etcd://x");
    assertThat(noStore.exitCode()).isEqualTo(1);
    assertThat(noStore.stderr()).contains("consul://HOST:PORT");
  }
}
