package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cairn agent` as a real process: start-up, a clean stop on SIGTERM, refusal of bad config. */
class AgentProcessTest {
  static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void sigtermAnswersHeldBlockingQueriesAndExitsZero() throws Exception {
    int port = TestAgent.freePort();
    try (AgentProcess agent = AgentProcess.start("agent", "-dev", "-http-port", Integer.toString(port), "-dns-port", "0")) {
      URI leader = URI.create("http://127.0.0.1:" + port + "/v1/status/leader");
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(leader).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      URI blocking = URI.create("http://127.0.0.1:" + port + "/v1/kv/held?index=1&wait=60s");
      CompletableFuture<HttpResponse<String>> held = http.sendAsync(HttpRequest.newBuilder(blocking).build(),
          HttpResponse.BodyHandlers.ofString());
      // The key never changes, so the read stays held until the agent stops (or 60 s pass);
      // the agent's own gauge of open watches says when it is parked.
      URI metrics = URI.create("http://127.0.0.1:" + port + "/v1/agent/metrics?format=prometheus");
      await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString()).body().lines().anyMatch(l -> l.matches("consul_blocking_queries_watches [1-9]\\d*")));
      assertThat(held).isNotDone();
      agent.signal("TERM");
      assertThat(held.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
      assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.process.exitValue()).isZero();
      assertThat(agent.logText()).contains("shutdown complete");
    }
  }

  @Test
  void unknownConfigKeyStopsStartUpWithOneLine(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("agent.hcl");
    Files.writeString(cfg, "datacenter = \"dc1\"\nbogus_key = 1\n");
    AgentProcess.Result r = AgentProcess.run("agent", "-dev", "-config-file", cfg.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip().lines()).singleElement().asString().contains("agent.hcl").contains("bogus_key");
  }

  @Test
  void keysWithoutEffectAreLoggedOnceAtStartAndThePidFileLivesAsLongAsTheAgent(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("10-a.hcl");
    Files.writeString(a, "telemetry { disable_hostname = true }\nports { grpc = 8502, grpc_tls = 8503 }\n");
    Path b = dir.resolve("20-b.json");
    Files.writeString(b, "{\"telemetry\": {\"disable_hostname\": true}}");
    Path pid = dir.resolve("cairn.pid");
    int port = TestAgent.freePort();
    try (AgentProcess agent = AgentProcess.start("agent", "-dev", "-http-port", Integer.toString(port), "-dns-port", "0",
        "-config-dir", dir.toString(), "-pid-file", pid.toString())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> agent.logText().contains("agent started"));
      assertThat(Files.readString(pid)).isEqualTo(Long.toString(agent.process.pid()));
      assertThat(agent.logText().lines().filter(l -> l.contains("config key")))
          .allMatch(l -> l.contains("[WARN]"))
          .map(l -> l.substring(l.indexOf("config key"), l.indexOf(" has no effect")))
          .containsExactly("config key 'telemetry.disable_hostname'", "config key 'ports.grpc'", "config key 'ports.grpc_tls'");
      monitorStreamsDebugLinesTheAgentDoesNotPrint(agent, port);
      agent.signal("TERM");
      assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.process.exitValue()).isZero();
      assertThat(pid).doesNotExist();
    }
  }

  /**
   * /v1/agent/monitor at debug, on an agent at info: the stream carries the debug line of a TTL
   * update, as hclog JSON with logjson, and the agent's own log does not.
   */
  private static void monitorStreamsDebugLinesTheAgentDoesNotPrint(AgentProcess agent, int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/agent/monitor?loglevel=loud")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("Unknown log level: loud");
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/agent/monitor?loglevel=debug&logjson"))
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) lines.add(l);
      } catch (IOException ignored) {
        // the test closed the stream
      }
    });
    HttpRequest register = HttpRequest.newBuilder(URI.create(base + "/v1/agent/check/register"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"Name\":\"beat\",\"TTL\":\"60s\"}")).build();
    assertThat(http.send(register, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    HttpRequest pass = HttpRequest.newBuilder(URI.create(base + "/v1/agent/check/pass/beat"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build();
    String seen = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (seen == null && System.nanoTime() < deadline) {
      // The monitor is registered when its response starts; a pass sent before that is not seen, so pass again.
      assertThat(http.send(pass, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      for (String l; (l = lines.poll(500, TimeUnit.MILLISECONDS)) != null; ) {
        if (l.contains("ttl check updated check=beat")) seen = l;
      }
    }
    assertThat(seen).as("a debug line on the monitor").isNotNull();
    JsonNode entry = new ObjectMapper().readTree(seen);
    assertThat(entry.path("@level").asText()).isEqualTo("debug");
    assertThat(entry.path("@module").asText()).isEqualTo("LocalState");
    assertThat(entry.path("@timestamp").asText()).isNotEmpty();
    assertThat(agent.logText()).doesNotContain("ttl check updated");
    stream.body().close();
    reader.interrupt();
  }

  /** Consul's leave_on_terminate defaults to true on a client: SIGTERM takes its node out of the catalog. */
  @Test
  void aClientLeavesTheClusterOnSigterm(@TempDir Path dir) throws Exception {
    int serverHttp = TestAgent.freePort();
    int serverRpc = TestAgent.freePort();
    try (AgentProcess server = AgentProcess.start("agent", "-server", "-bootstrap", "-node", "staying",
        "-data-dir", dir.resolve("s").toString(), "-bind", "127.0.0.1", "-client", "127.0.0.1",
        "-http-port", Integer.toString(serverHttp), "-dns-port", "0", "-server-port", Integer.toString(serverRpc),
        "-raft-port", Integer.toString(TestAgent.freePort()));
        AgentProcess client = AgentProcess.start("agent", "-node", "leaving", "-data-dir", dir.resolve("c").toString(),
            "-bind", "127.0.0.1", "-client", "127.0.0.1", "-http-port", Integer.toString(TestAgent.freePort()),
            "-dns-port", "0", "-retry-join", "127.0.0.1:" + serverRpc, "-retry-interval", "200ms")) {
      URI base = URI.create("http://127.0.0.1:" + serverHttp);
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(base, "/v1/catalog/nodes").contains("\"leaving\""));
      client.signal("TERM");
      assertThat(client.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(client.process.exitValue()).isZero();
      assertThat(client.logText()).contains("leave requested");
      assertThat(get(base, "/v1/catalog/nodes")).doesNotContain("\"leaving\"");
    }
  }

  @Test
  void aHardenedConsulConfigStopsStartUpWithOneLineNamingTheSetting(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("secure.hcl");
    Files.writeString(cfg, "acl {\n  enabled = true\n  default_policy = \"deny\"\n}\n");
    AgentProcess.Result r = AgentProcess.run("agent", "-dev", "-config-file", cfg.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip().lines()).singleElement().asString()
        .startsWith("Error: " + cfg + ": refusing config key 'acl.enabled': ");
  }

  /** As Consul: an agent that cannot join within -retry-max attempts exits with an error. */
  @Test
  void anAgentThatCannotJoinWithinRetryMaxExitsWithAnError(@TempDir Path dir) throws Exception {
    String nowhere = "127.0.0.1:" + TestAgent.freePort();
    AgentProcess.Result client = AgentProcess.run("agent", "-node", "lonely", "-data-dir", dir.resolve("c").toString(),
        "-bind", "127.0.0.1", "-client", "127.0.0.1", "-http-port", Integer.toString(TestAgent.freePort()), "-dns-port", "0",
        "-retry-join", nowhere, "-retry-max", "3", "-retry-interval", "100ms");
    assertThat(client.exitCode()).isEqualTo(1);
    assertThat(client.stderr()).contains("could not join").contains("retry_max");
    AgentProcess.Result server = AgentProcess.run("agent", "-server", "-bootstrap-expect", "3", "-node", "alone",
        "-data-dir", dir.resolve("s").toString(), "-bind", "127.0.0.1", "-client", "127.0.0.1",
        "-http-port", Integer.toString(TestAgent.freePort()), "-dns-port", "0",
        "-server-port", Integer.toString(TestAgent.freePort()), "-raft-port", Integer.toString(TestAgent.freePort()),
        "-retry-join", nowhere, "-retry-max", "3", "-retry-interval", "100ms");
    assertThat(server.exitCode()).isEqualTo(1);
    assertThat(server.stderr()).contains("could not join").contains("retry_max");
  }

  @Test
  void badFlagValueIsAUsageError() throws Exception {
    AgentProcess.Result r = AgentProcess.run("agent", "-dev", "-http-port", "notaport");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("-http-port");
  }

  @Test
  void aKilledServerRestartsFromItsSnapshotAndLogWithEveryWrite(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("server.hcl");
    Files.writeString(cfg, "raft_snapshot_threshold = 64\n");
    Path data = dir.resolve("data");
    int port = TestAgent.freePort();
    String[] args = {"agent", "-server", "-bootstrap", "-node", "solo", "-data-dir", data.toString(), "-bind", "127.0.0.1",
        "-http-port", Integer.toString(port), "-dns-port", "-1", "-server-port", Integer.toString(TestAgent.freePort()),
        "-raft-port", Integer.toString(TestAgent.freePort()), "-config-file", cfg.toString()};
    URI base = URI.create("http://127.0.0.1:" + port);
    try (AgentProcess first = AgentProcess.start(args)) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> put(base, "/v1/kv/probe", "x"));
      for (int i = 0; i < 300; i++) assertThat(put(base, "/v1/kv/n/" + i, "v" + i)).isTrue();
      first.process.destroyForcibly().waitFor();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(data)) {
      // finished and published: written in the background, a snapshot gets its checksum last
      assertThat(files.map(p -> p.getFileName().toString())).as("a snapshot was taken")
          .anyMatch(n -> n.matches("snapshot\\.\\d+_\\d+\\.md5"));
    }
    try (AgentProcess second = AgentProcess.start(args)) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(base, "/v1/kv/n/?keys").split(",").length == 300);
      assertThat(get(base, "/v1/kv/n/299?raw")).isEqualTo("v299");
    }
  }

  private static boolean put(URI base, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body().equals("true");
  }

  private static String get(URI base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
