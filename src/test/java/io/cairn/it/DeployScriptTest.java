package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestration commands as cron ran the seed's tools: a shell script calling the old
 * underscore names with --host/--port, each a real `cairn` process; and two upgrade passes at
 * once on one host, the second refused by the lock.
 */
class DeployScriptTest {
  static TestAgent agent;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    TestAgent.installLauncher(dir.resolve("bin"));
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static String bash(String script) throws Exception {
    Path f = dir.resolve("script.sh");
    Files.writeString(f, script);
    Process p = new ProcessBuilder("bash", f.toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void aCronScriptWrittenForTheOldToolRunsUnchanged() throws Exception {
    String out = bash("""
        export PATH=%s:$PATH
        O="cairn deploy --host 127.0.0.1 --port %d --version-file %s"
        $O pending_update; echo "fresh=$?"
        $O trigger_update 42
        $O local_version 42 >/dev/null
        $O update_own_status validation 0
        $O update_own_info
        $O check_single_version -v 42; echo "single=$?"
        echo %s | $O verify_hosts 42; echo "verify=$?"
        $O ping
        """.formatted(dir.resolve("bin"), agent.port(), dir.resolve("current_version"), TestAgent.NODE));
    assertThat(out.lines()).containsSubsequence(
        "Could not get current_version, but there's also no local version set", "fresh=3",
        "Wanted version found: True", "Unwanted versions found: ", "Stale hosts: ", "single=0",
        "verify=0", "Connection succesful");
  }

  @Test
  void aSecondPassOnTheSameHostIsRefusedWhileTheFirstRuns() throws Exception {
    Path started = dir.resolve("started");
    String[] pass = {"upgrade", "-http-addr", "127.0.0.1:" + agent.port(), "--tests-dir", dir.resolve("none").toString(),
        "--version-file", dir.resolve("v").toString(), "--lock-file", dir.resolve("upgrade.lock").toString(),
        "--configure-cmd", "touch " + started + "; sleep 60"};
    try (AgentProcess first = AgentProcess.start(pass)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
      // The second pass runs in this JVM: the lock is the other process's, so only its holding can refuse it.
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int second = io.cairn.cli.Main.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), pass);
      assertThat(second).isEqualTo(10);
      assertThat(err.toString().strip().lines()).singleElement().asString().contains("another upgrade pass holds");
      assertThat(first.process.isAlive()).isTrue();
    }
  }
}
