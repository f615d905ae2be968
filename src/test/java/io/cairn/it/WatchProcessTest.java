package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cairn watch` as a process against a real agent: one handler run per real change, none for anything else. */
class WatchProcessTest {
  @TempDir Path dir;
  private TestAgent agent;

  @BeforeEach
  void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private long runs() throws Exception {
    Path f = dir.resolve("runs");
    return Files.exists(f) ? Files.readAllLines(f).size() : 0;
  }

  @Test
  void aKeyWatchRunsItsHandlerOncePerChangeAndNeverForOtherKeys() throws Exception {
    agent.call("PUT", "/v1/kv/w/k", "v0");
    String http = "127.0.0.1:" + agent.port();
    try (AgentProcess watch = AgentProcess.start("watch", "-http-addr", http, "-type", "key", "-key", "w/k",
        "cat >> " + dir.resolve("runs") + "; echo $CONSUL_INDEX >> " + dir.resolve("index"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> runs() == 1);
      for (int i = 1; i <= 100; i++) {
        agent.call("PUT", "/v1/kv/w/k", "v" + i);
        long want = i + 1;
        await().atMost(Duration.ofSeconds(20)).until(() -> runs() == want);
      }
      for (int i = 0; i < 20; i++) agent.call("PUT", "/v1/kv/w/other", "x" + i);
      agent.call("PUT", "/v1/kv/w/k", "last");
      await().atMost(Duration.ofSeconds(20)).until(() -> runs() >= 102);
      assertThat(runs()).as("the writes to another key ran nothing").isEqualTo(102);
      List<String> lines = Files.readAllLines(dir.resolve("runs"));
      assertThat(lines.getLast()).contains("\"Value\":\"bGFzdA==\"");  // base64 of "last"
      List<String> indexes = Files.readAllLines(dir.resolve("index"));
      assertThat(Long.parseLong(indexes.getLast())).isGreaterThan(Long.parseLong(indexes.getFirst()));
      assertThat(watch.process.isAlive()).isTrue();
    }
  }

  @Test
  void withoutAHandlerTheViewIsPrintedOnceAndBadInputIsOneLine() throws Exception {
    agent.call("PUT", "/v1/kv/w/p/a", "1");
    String http = "127.0.0.1:" + agent.port();
    AgentProcess.Result once = AgentProcess.run("watch", "-http-addr", http, "-type", "keyprefix", "-prefix", "w/p");
    assertThat(once.exitCode()).isZero();
    assertThat(once.stdout()).contains("\"Key\": \"w/p/a\"");
    AgentProcess.Result bad = AgentProcess.run("watch", "-http-addr", http, "-type", "bogus");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().strip().lines()).hasSize(1).first().asString().contains("Unsupported watch type: bogus");
    AgentProcess.Result down = AgentProcess.run("watch", "-http-addr", "127.0.0.1:1", "-type", "nodes");
    assertThat(down.exitCode()).isEqualTo(1);
    assertThat(down.stderr().strip().lines()).hasSize(1);
  }

  /**
   * The agent runs its config's watches: a script handler and an HTTP handler see each change of
   * their key; after a reload with another key, the new watch runs and the old one is gone.
   */
  @Test
  void theAgentRunsItsConfigWatchesAndAReloadReplacesThem() throws Exception {
    java.util.List<String> posted = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    hook.createContext("/hook", ex -> {
      try (ex) {
        posted.add(ex.getRequestHeaders().getFirst("X-Consul-Index") + " " + new String(ex.getRequestBody().readAllBytes()));
        ex.sendResponseHeaders(200, -1);
      }
    });
    hook.start();
    int port = TestAgent.freePort();
    Path cfg = dir.resolve("watches.hcl");
    Path out = dir.resolve("script");
    java.util.function.Function<String, String> config = key -> "watches = [\n"
        + "  { type = \"key\", key = \"" + key + "\", args = [\"sh\", \"-c\", \"cat >> " + out + "\"] },\n"
        + "  { type = \"key\", key = \"" + key + "\", handler_type = \"http\",\n"
        + "    http_handler_config { path = \"http://127.0.0.1:" + hook.getAddress().getPort() + "/hook\", method = \"POST\" } }\n"
        + "]\n";
    Files.writeString(cfg, config.apply("w/x"));
    String http = "127.0.0.1:" + port;
    try (AgentProcess a = AgentProcess.start("agent", "-dev", "-http-port", Integer.toString(port), "-dns-port", "0",
        "-config-file", cfg.toString())) {
      java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
      java.util.function.BiConsumer<String, String> put = (key, value) -> {
        try {
          c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + http + "/v1/kv/" + key))
              .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(value)).build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        put.accept("w/x", "one");
        return Files.exists(out);
      });
      put.accept("w/x", "two");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(out).size() >= 2 && posted.size() >= 2);
      assertThat(Files.readAllLines(out).getLast()).contains("\"Value\":\"dHdv\"");  // base64 of "two"
      assertThat(posted.getLast()).matches("\\d+ .*\"Value\":\"dHdv\".*");

      Files.writeString(cfg, config.apply("w/y"));
      assertThat(AgentProcess.run("reload", "-http-addr", http).exitCode()).isZero();
      put.accept("w/y", "why");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("\"Value\":\"d2h5\""));
      long before = Files.readAllLines(out).size();
      put.accept("w/x", "three");
      put.accept("w/y", "again");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("YWdhaW4="));  // base64 of "again"
      assertThat(Files.readString(out)).as("the watch of w/x is gone").doesNotContain("dGhyZWU=");
      assertThat(Files.readAllLines(out)).hasSize((int) before + 1);
    } finally {
      hook.stop(0);
    }
  }
}
