package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cairn.checks.CheckDefinition;
import io.cairn.checks.CheckType;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceInstance;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Check runners against a real agent: what reaches the catalog, and what does not. */
// Mostly waits on TTLs, intervals or quiet periods, with an agent of its own: runs beside the other classes.
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class AgentChecksTest {
  static Agent agent;
  static HttpServer target;
  static final AtomicInteger status = new AtomicInteger(200);
  static final AtomicInteger hits = new AtomicInteger();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/", ex -> {
      // A different body each time: output changes on every run, status does not.
      byte[] body = ("run " + hits.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status.get(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    target.start();
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = freePort();
    b.dnsPort = 0;
    b.nodeName = "checks-node";
    agent = Agent.start(b.build(), () -> {});
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
    if (target != null) target.stop(0);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static CheckDefinition httpCheck(String id, String serviceId) {
    return new CheckDefinition(id, id, "", serviceId, CheckType.HTTP,
        "http://127.0.0.1:" + target.getAddress().getPort() + "/", "GET", Map.of(), "", false, null, List.of(), null,
        Duration.ofSeconds(1), Duration.ofSeconds(2), null, 0, 0, CheckStatus.CRITICAL);
  }

  private static String catalog(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String hostPort() {
    return "127.0.0.1:" + agent.httpAddress().getPort();
  }

  private static long raftIndex() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v1/catalog/nodes")).build(),
        HttpResponse.BodyHandlers.ofString());
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
  }

  @Test
  void steadyCheckWithChangingOutputWritesNothingAfterItsFirstStatus() throws Exception {
    agent.local().addService(new ServiceInstance("", "steady", "steady", List.of(), "", 1, Map.of(), false, 1, 1, 0, 0),
        List.of(httpCheck("steady-check", "steady")), true);
    await().atMost(Duration.ofSeconds(15)).until(() -> catalog("/v1/health/checks/steady").contains("\"passing\""));
    long indexAfterPassing = raftIndex();
    int runsBefore = hits.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> hits.get() >= runsBefore + 3);
    // Three more runs, each with new output: the catalog must not have been written.
    assertThat(raftIndex()).isEqualTo(indexAfterPassing);
    assertThat(agent.local().checks()).filteredOn(c -> c.checkId().equals("steady-check"))
        .extracting(HealthCheck::output).first().asString().startsWith("HTTP GET");
  }

  @Test
  void failingHttpCheckTakesTheInstanceOutOfPassingAnswers() throws Exception {
    agent.local().addService(new ServiceInstance("", "flaky1", "flaky", List.of(), "", 1, Map.of(), false, 1, 1, 0, 0),
        List.of(httpCheck("flaky-check", "flaky1")), true);
    await().atMost(Duration.ofSeconds(15)).until(() -> catalog("/v1/health/service/flaky?passing").contains("flaky1"));
    status.set(500);
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> !catalog("/v1/health/service/flaky?passing").contains("flaky1"));
      assertThat(catalog("/v1/health/service/flaky")).contains("flaky1").contains("\"critical\"");
    } finally {
      status.set(200);
    }
  }

  /** UDP against a real echo socket and a closed port; OSService against a unit that does not exist. */
  @Test
  void udpAndOsServiceChecksProbeForReal() throws Exception {
    try (java.net.DatagramSocket echo = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        byte[] buf = new byte[512];
        while (!echo.isClosed()) {
          try {
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            echo.receive(p);
            echo.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      int closed;
      try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
        closed = s.getLocalPort();
      }
      assertThat(register("{\"Name\":\"udp-up\",\"UDP\":\"127.0.0.1:" + echo.getLocalPort() + "\",\"Interval\":\"1s\"}")).isEqualTo(200);
      assertThat(register("{\"Name\":\"udp-down\",\"UDP\":\"127.0.0.1:" + closed + "\",\"Interval\":\"1s\",\"Timeout\":\"1s\"}"))
          .isEqualTo(200);
      assertThat(register("{\"Name\":\"unit\",\"OSService\":\"cairn-no-such-unit\",\"Interval\":\"1s\"}")).isEqualTo(200);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        String checks = catalog("/v1/agent/checks");
        assertThat(checks).containsPattern("\"udp-up\".{0,200}\"Status\":\"passing\"");
        assertThat(checks).containsPattern("\"udp-down\".{0,200}\"Status\":\"critical\"");
        assertThat(checks).containsPattern("\"unit\".{0,200}\"Status\":\"critical\"").contains("cairn-no-such-unit");
      });
      assertThat(register("{\"Name\":\"bad\",\"UDP\":\"no-port\",\"Interval\":\"1s\"}")).isEqualTo(400);
      assertThat(register("{\"Name\":\"bad\",\"OSService\":\"a b; rm\",\"Interval\":\"1s\"}")).isEqualTo(400);
      for (String id : List.of("udp-up", "udp-down", "unit")) agent.local().removeCheck(id);
    }
  }

  /** An alias check follows a local service's health, another node's from the catalog, and fails for what is not there. */
  @Test
  void aliasChecksFollowWhatTheyAlias() throws Exception {
    assertThat(put("/v1/agent/service/register", "{\"Name\":\"backend\",\"Check\":{\"CheckID\":\"backend-ttl\",\"TTL\":\"60s\"}}"))
        .isEqualTo(200);
    assertThat(put("/v1/agent/service/register", "{\"Name\":\"sidecar\",\"Check\":{\"CheckID\":\"sidecar-alias\","
        + "\"AliasService\":\"backend\"}}")).isEqualTo(200);
    assertThat(put("/v1/catalog/register", "{\"Node\":\"far\",\"Address\":\"10.7.0.1\",\"Service\":{\"Service\":\"db\"},"
        + "\"Check\":{\"CheckID\":\"db-up\",\"ServiceID\":\"db\",\"Status\":\"critical\",\"Output\":\"down\"}}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"far-db\",\"AliasNode\":\"far\",\"AliasService\":\"db\",\"ServiceID\":\"sidecar\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"ghost\",\"AliasService\":\"no-such-service\",\"ServiceID\":\"sidecar\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"nothing\",\"Interval\":\"1s\",\"AliasNode\":\"\"}")).isEqualTo(400);
    try {
      assertThat(put("/v1/agent/check/pass/backend-ttl", "")).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(catalog("/v1/agent/checks"))
          .containsPattern("\"sidecar-alias\".{0,300}\"Status\":\"passing\""));
      assertThat(put("/v1/agent/check/fail/backend-ttl?note=broken", "")).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(catalog("/v1/agent/checks"))
          .containsPattern("\"sidecar-alias\".{0,300}\"Status\":\"critical\"").contains("broken"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        String checks = catalog("/v1/agent/checks");
        assertThat(checks).containsPattern("\"far-db\".{0,300}\"Status\":\"critical\"");
        assertThat(checks).contains("Service no-such-service could not be found");
      });
    } finally {
      put("/v1/agent/service/deregister/sidecar", "");
      put("/v1/agent/service/deregister/backend", "");
      put("/v1/catalog/deregister", "{\"Node\":\"far\"}");
    }
  }

  private static int put(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + path))
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static int register(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v1/agent/check/register"))
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** OutputMaxSize cuts what a check keeps of its output, a probe's and a TTL update's alike; the default is 4096. */
  @Test
  void outputIsCutToTheChecksOutputMaxSize() throws Exception {
    String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/";
    assertThat(register("{\"Name\":\"short-out\",\"HTTP\":\"" + url + "\",\"Interval\":\"1s\",\"OutputMaxSize\":12}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"ttl-out\",\"TTL\":\"60s\",\"OutputMaxSize\":5}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"ttl-default\",\"TTL\":\"60s\"}")).isEqualTo(200);
    assertThat(put("/v1/agent/check/pass/ttl-out?note=abcdefghij", "")).isEqualTo(200);
    assertThat(put("/v1/agent/check/pass/ttl-default?note=" + "x".repeat(5000), "")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode checks = new ObjectMapper().readTree(catalog("/v1/agent/checks"));
      assertThat(checks.path("short-out").path("Output").asText()).isEqualTo("HTTP GET htt");
      assertThat(checks.path("ttl-out").path("Output").asText()).isEqualTo("abcde");
      assertThat(checks.path("ttl-default").path("Output").asText()).hasSize(4096);
    });
    assertThat(register("{\"Name\":\"bad\",\"TTL\":\"60s\",\"OutputMaxSize\":-1}")).isEqualTo(400);
    for (String id : List.of("short-out", "ttl-out", "ttl-default")) agent.local().removeCheck(id);
  }

  @Test
  void ttlCheckExpiresToCritical() throws Exception {
    CheckDefinition ttl = new CheckDefinition("ttl-check", "ttl", "", "", CheckType.TTL, null, null, null, null, false,
        null, null, Duration.ofSeconds(1), null, null, null, 0, 0, CheckStatus.CRITICAL);
    agent.local().addCheck(ttl);
    agent.local().updateTtl("ttl-check", CheckStatus.PASSING, "fine");
    await().atMost(Duration.ofSeconds(5)).until(() -> catalog("/v1/health/node/checks-node").contains("\"Output\":\"fine\""));
    await().atMost(Duration.ofSeconds(10)).until(() -> catalog("/v1/health/node/checks-node").contains("TTL expired"));
    // A critical node check fails every service on the node: leave none behind for other tests.
    agent.local().removeCheck("ttl-check");
    await().atMost(Duration.ofSeconds(5)).until(() -> !catalog("/v1/health/node/checks-node").contains("ttl-check"));
  }

  @Test
  void deregisterCriticalServiceAfterRemovesTheService() {
    CheckDefinition dead = new CheckDefinition("doomed-check", "doomed", "", "doomed", CheckType.TCP, null, null, null,
        null, false, "127.0.0.1:1", null, null, Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1),
        0, 0, CheckStatus.CRITICAL);
    agent.local().addService(new ServiceInstance("", "doomed", "doomed", List.of(), "", 1, Map.of(), false, 1, 1, 0, 0),
        List.of(dead), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.local().service("doomed").isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> catalog("/v1/catalog/service/doomed").equals("[]"));
  }
}
