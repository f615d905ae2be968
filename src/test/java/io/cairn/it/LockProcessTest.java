package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `cairn lock` as processes contending for one prefix of a real agent: one holder at a time,
 * handed on at once when the holder is stopped; with -n 2, exactly two holders.
 */
class LockProcessTest {
  @TempDir Path dir;
  private TestAgent agent;
  private final List<AgentProcess> locks = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AgentProcess p : locks) p.close();
    agent.close();
  }

  private AgentProcess lock(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("lock", "-http-addr", "127.0.0.1:" + agent.port()));
    all.addAll(List.of(args));
    AgentProcess p = AgentProcess.start(all.toArray(String[]::new));
    locks.add(p);
    return p;
  }

  private long count(String glob) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches(glob)).count();
    }
  }

  /**
   * Each child marks that it holds the lock (and records a second holder if it finds one),
   * stays a moment, and leaves; three contenders must take turns.
   */
  @Test
  void threeContendersTakeTurnsAndNeverHoldTogether() throws Exception {
    String d = dir.toString();
    for (int i = 0; i < 3; i++) {
      lock("locks/turns", "[ -e " + d + "/holder ] && touch " + d + "/overlap; touch " + d + "/holder; echo " + i + " >> "
          + d + "/ran; sleep 0.3; rm " + d + "/holder; echo $CONSUL_LOCK_HELD > " + d + "/env");
    }
    for (AgentProcess p : locks) {
      assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process.exitValue()).as(p.logText()).isZero();
    }
    assertThat(Files.readAllLines(dir.resolve("ran"))).hasSize(3);
    assertThat(Files.exists(dir.resolve("overlap"))).isFalse();
    assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo("true");
    assertThat(agent.call("GET", "/v1/kv/locks/turns?recurse", null).statusCode()).as("the lock key is cleaned up").isEqualTo(404);
  }

  @Test
  void stoppingTheHolderHandsTheLockOnAtOnceAndItsChildIsTerminated() throws Exception {
    String d = dir.toString();
    AgentProcess first = lock("locks/handover", "touch " + d + "/first-in; trap 'touch " + d + "/first-term; exit 0' TERM; "
        + "while true; do sleep 0.1; done");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("first-in")));
    AgentProcess second = lock("locks/handover", "touch " + d + "/second-in");
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.call("GET", "/v1/session/list", null).body().contains("handover")
        && agent.call("GET", "/v1/session/list", null).body().split("\"ID\"").length == 3);
    assertThat(Files.exists(dir.resolve("second-in"))).as("the second waits while the first holds").isFalse();
    first.signal("TERM");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("second-in")));
    assertThat(Files.exists(dir.resolve("first-term"))).as("the first child got SIGTERM").isTrue();
    assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isZero();
  }

  @Test
  void aTimeoutGivesUpWithoutRunningTheCommandWhileAnotherHolds() throws Exception {
    String d = dir.toString();
    lock("locks/busy", "touch " + d + "/holder-in; exec sleep 600");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("holder-in")));
    for (String[] extra : new String[][] {{}, {"-n", "1"}}) {
      List<String> args = new ArrayList<>(List.of("lock", "-http-addr", "127.0.0.1:" + agent.port(), "-timeout=1500ms"));
      args.addAll(List.of(extra));
      args.addAll(List.of("locks/busy", "touch " + d + "/late"));
      AgentProcess.Result r = AgentProcess.run(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
      assertThat(r.stderr()).contains("timeout during lock acquisition");
      assertThat(Files.exists(dir.resolve("late"))).as("the command never runs").isFalse();
    }
  }

  @Test
  void aSemaphoreOfTwoAdmitsExactlyTwo() throws Exception {
    String d = dir.toString();
    for (int i = 0; i < 3; i++) {
      lock("-n", "2", "locks/pool", "touch " + d + "/in-" + i + "; while [ ! -e " + d + "/go ]; do sleep 0.1; done");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> count("in-.*") == 2);
    // Three contenders have their keys; the lock document names two holders, and only two children run.
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.call("GET", "/v1/kv/locks/pool/?keys", null).body().split(",").length == 4);
    String doc = agent.call("GET", "/v1/kv/locks/pool/.lock?raw", null).body();
    assertThat(doc.split("true")).hasSize(3);
    assertThat(count("in-.*")).isEqualTo(2);
    Files.createFile(dir.resolve("go"));
    await().atMost(Duration.ofSeconds(30)).until(() -> count("in-.*") == 3);
    for (AgentProcess p : locks) {
      assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process.exitValue()).as(p.logText()).isZero();
    }
  }
}
