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
}
