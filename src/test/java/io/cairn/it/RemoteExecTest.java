package io.cairn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remote execution (docs/remote-exec.md): {@code cairn exec} against an agent that allows it, the
 * wire protocol as {@code consul exec} drives it (so either CLI works with either agent), a job
 * whose caller went away is stopped, and an agent with Consul's default refuses and says how.
 */
// Mostly waits on TTLs, intervals or quiet periods, with an agent of its own: runs beside the other classes.
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class RemoteExecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestAgent on;
  private static TestAgent off;

  @BeforeAll
  static void start() throws Exception {
    on = TestAgent.start(b -> b.disableRemoteExec = false);
    off = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (on != null) on.close();
    if (off != null) off.close();
  }

  private record Run(int exit, String out, String err) {}

  private static Run exec(TestAgent agent, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = new String[args.length + 3];
    all[0] = "exec";
    all[1] = "-http-addr=" + agent.host() + ":" + agent.port();
    all[2] = "-wait=1s";
    System.arraycopy(args, 0, all, 3, args.length);
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCommandRunsAndItsOutputAndExitCodeComeBackThenNothingIsLeftInKv() throws Exception {
    Run r = exec(on, "echo hello; exit 3");
    assertTrue(r.out().contains("    " + TestAgent.NODE + ": hello\n"), r.out());
    assertTrue(r.out().contains("==> " + TestAgent.NODE + ": finished with exit code 3\n"), r.out());
    assertTrue(r.out().endsWith("1 / 1 node(s) completed / acknowledged\n"), r.out());
    assertEquals(2, r.exit(), "a node that failed makes consul exec exit 2");
    assertEquals(404, on.call("GET", "/v1/kv/_rexec?recurse", null).statusCode(), "the job's keys are gone");
    for (JsonNode s : JSON.readTree(on.call("GET", "/v1/session/list", null).body())) {
      assertTrue(!s.path("Name").asText().equals("Remote Exec"), "the job's session is destroyed");
    }
  }

  @Test
  void outputLongerThanAChunkArrivesWholeInChunksOfFourKibibytes() {
    Run r = exec(on, "-shell=false", "sh", "-c", "head -c 10000 /dev/zero | tr '\\0' x");
    assertEquals(0, r.exit(), r.err());
    String head = "    " + TestAgent.NODE + ": ";
    java.util.List<String> chunks = r.out().lines().filter(l -> l.startsWith(head)).map(l -> l.substring(head.length())).toList();
    assertEquals("x".repeat(10_000), String.join("", chunks), "the output, whole and in order");
    assertTrue(chunks.size() >= 3, "at least three chunks: " + chunks.size());
  }

  @Test
  void aNodeFilterThatMatchesNoneRunsNothing() {
    Run r = exec(on, "-node=^nobody$", "touch /nonexistent");
    assertEquals(0, r.exit(), r.err());
    assertEquals("0 / 0 node(s) completed / acknowledged\n", r.out());
  }

  @Test
  void theWireProtocolAsConsulExecWritesIt() throws Exception {
    String session = createSession(on);
    String spec = "{\"Args\":[\"/bin/echo\",\"raw\"],\"Wait\":2000000000}";
    assertEquals("true", on.call("PUT", "/v1/kv/_rexec/" + session + "/job?acquire=" + session, spec).body().strip());
    on.call("PUT", "/v1/event/fire/_rexec", "{\"Prefix\":\"_rexec\",\"Session\":\"" + session + "\"}");
    String base = "/v1/kv/_rexec/" + session + "/" + TestAgent.NODE;
    waitFor(() -> status(on, base + "/exit") == 200, "the exit code is written");
    assertEquals("0", on.call("GET", base + "/exit?raw", null).body());
    assertEquals("raw\n", on.call("GET", base + "/out/00000?raw", null).body());
    JsonNode ack = JSON.readTree(on.call("GET", base + "/ack", null).body()).get(0);
    assertEquals(session, ack.path("Session").asText(), "every key is held by the job's session");
    on.call("PUT", "/v1/session/destroy/" + session, null);
    assertEquals(404, status(on, "/v1/kv/_rexec/" + session + "?recurse"), "the session's delete behavior removes the job");
  }

  @Test
  void aScriptGivenAsBytesRunsAsAFile() throws Exception {
    String session = createSession(on);
    String script = Base64.getEncoder().encodeToString("#!/bin/sh\necho script-ran\n".getBytes(StandardCharsets.UTF_8));
    on.call("PUT", "/v1/kv/_rexec/" + session + "/job?acquire=" + session, "{\"Script\":\"" + script + "\",\"Wait\":1000000000}");
    on.call("PUT", "/v1/event/fire/_rexec", "{\"Prefix\":\"_rexec\",\"Session\":\"" + session + "\"}");
    String base = "/v1/kv/_rexec/" + session + "/" + TestAgent.NODE;
    waitFor(() -> status(on, base + "/exit") == 200, "the exit code is written");
    assertEquals("script-ran\n", on.call("GET", base + "/out/00000?raw", null).body());
    on.call("PUT", "/v1/session/destroy/" + session, null);
  }

  @Test
  void aJobWhoseCallerWentAwayIsStopped() throws Exception {
    String session = createSession(on);
    String marker = "31" + System.nanoTime() % 100_000;
    String spec = "{\"Args\":[\"sleep\",\"" + marker + "\"],\"Wait\":200000000}";
    on.call("PUT", "/v1/kv/_rexec/" + session + "/job?acquire=" + session, spec);
    on.call("PUT", "/v1/event/fire/_rexec", "{\"Prefix\":\"_rexec\",\"Session\":\"" + session + "\"}");
    waitFor(() -> sleeping(marker), "the command runs");
    on.call("PUT", "/v1/session/destroy/" + session, null);
    waitFor(() -> !sleeping(marker), "the command is stopped at its next heartbeat");
  }

  @Test
  void anAgentWithConsulsDefaultRefusesAndSaysHowToTurnItOn() {
    Run r = exec(off, "uptime");
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("disable_remote_exec = false"), r.err());
  }

  private static boolean sleeping(String marker) {
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").equals("sleep " + marker)
        || p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false));
  }

  private static String createSession(TestAgent agent) throws Exception {
    String body = "{\"Name\":\"Remote Exec\",\"Behavior\":\"delete\",\"TTL\":\"15s\"}";
    return JSON.readTree(agent.call("PUT", "/v1/session/create", body).body()).path("ID").asText();
  }

  private static int status(TestAgent agent, String path) {
    try {
      return agent.call("GET", path, null).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(BooleanSupplier done, String what) {
    await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(done::getAsBoolean);
  }
}
