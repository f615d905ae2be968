package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.agent.Agent;
import io.cairn.agent.ConfigBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn deploy}, {@code wait-for} and {@code require} against a real dev agent in this JVM. */
class DeployCommandTest {
  private static final String NODE = "deploy-node";
  private static Agent agent;
  private static String httpAddr;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @BeforeAll
  static void startAgent() throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    try (ServerSocket s = new ServerSocket(0)) {
      b.httpPort = s.getLocalPort();
    }
    b.dnsPort = 0;
    b.nodeName = NODE;
    agent = Agent.start(b.build(), () -> {});
    httpAddr = "127.0.0.1:" + agent.httpAddress().getPort();
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) agent.close();
  }

  record Run(int exit, String out, String err) {}

  private static Run cairn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code cairn deploy -http-addr … --version-file …} then the subcommand. */
  private Run deploy(String... args) {
    List<String> all = new ArrayList<>(List.of("deploy", "-http-addr", httpAddr, "--version-file", dir.resolve("version").toString()));
    all.addAll(List.of(args));
    return cairn(all.toArray(String[]::new));
  }

  private static String http(String method, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + httpAddr + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Test
  void pendingUpdateSaysWhatTheOldToolSaidWithItsExitCodes() throws Exception {
    http("DELETE", "/v1/kv/current_version", null);
    Run fresh = deploy("pending_update");
    assertThat(fresh.exit()).isEqualTo(3);
    assertThat(fresh.out().strip()).isEqualTo("Could not get current_version, but there's also no local version set");
    assertThat(deploy("trigger_update", "v7").exit()).isZero();
    assertThat(deploy("current_version").out().strip()).isEqualTo("v7");
    assertThat(deploy("pending_update").exit()).isZero();
    assertThat(deploy("local_version", "v7").exit()).isZero();
    assertThat(deploy("local_version").out().strip()).isEqualTo("v7");
    Run upToDate = deploy("pending-update");
    assertThat(upToDate.exit()).isEqualTo(1);
    assertThat(upToDate.out().strip()).isEqualTo("No updates pending");
    // Cluster unreachable: 2 with a local version, 3 without.
    String dead = "127.0.0.1:1";
    Run unreachable = cairn("deploy", "-http-addr", dead, "--version-file", dir.resolve("version").toString(), "pending_update");
    assertThat(unreachable.exit()).isEqualTo(2);
    assertThat(cairn("deploy", "--host", "127.0.0.1", "--port", "1", "--version-file", dir.resolve("none").toString(),
        "pending_update").exit()).isEqualTo(3);
  }

  @Test
  void ifNewerIsACompareAndSetInNaturalOrder() throws Exception {
    assertThat(deploy("trigger-update", "r9").exit()).isZero();
    assertThat(deploy("trigger-update", "--if-newer", "r10").exit()).isZero();
    Run older = deploy("trigger-update", "--if-newer", "r9");
    assertThat(older.exit()).isEqualTo(1);
    assertThat(older.err().strip().lines()).singleElement().asString().contains("r10");
    assertThat(deploy("current-version").out().strip()).isEqualTo("r10");
    // Eight operators racing with r11..r18: whatever the interleaving, the newest stands.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<CompletableFuture<Run>> runs = new ArrayList<>();
    for (int i = 11; i <= 18; i++) {
      String v = "r" + i;
      runs.add(CompletableFuture.supplyAsync(() -> deploy("trigger_update", "--if-newer", v), pool));
    }
    runs.forEach(CompletableFuture::join);
    pool.shutdown();
    assertThat(deploy("current-version").out().strip()).isEqualTo("r18");
    // A plain trigger may roll back, as the old tool allowed.
    assertThat(deploy("trigger_update", "r3").exit()).isZero();
    assertThat(deploy("current_version").out().strip()).isEqualTo("r3");
  }

  @Test
  void aHostReportsOneVersionAtATimeAndSingleVersionConverges() {
    assertThat(deploy("update_own_info", "--hostname", "h1", "--version", "1.9").exit()).isZero();
    assertThat(deploy("update_own_info", "--hostname", "h2", "--version", "1.9").exit()).isZero();
    assertThat(deploy("update_own_info", "--hostname", "h1", "--version", "1.10").exit()).isZero();
    assertThat(deploy("hosts_at_version", "1.9").out().lines()).containsExactly("h2");
    assertThat(deploy("running_versions").out().lines()).containsSubsequence("1.9", "1.10");
    Run mixed = deploy("check_single_version", "-v", "1.10");
    assertThat(mixed.exit()).isEqualTo(1);
    assertThat(mixed.out()).contains("Wanted version found: True", "Unwanted versions found: 1.9");
    assertThat(deploy("update_own_info", "--hostname", "h2", "--version", "1.10").exit()).isZero();
    assertThat(deploy("hosts_at_version", "1.9").out()).isEmpty();
    assertThat(deploy("check_single_version", "1.10").exit()).isZero();
    // With no local version and none given, update_own_info does nothing.
    assertThat(deploy("update_own_info", "--hostname", "h3").exit()).isZero();
    assertThat(deploy("hosts_at_version", "1.10").out().lines()).containsExactly("h1", "h2");
    // A host that has not reported within --stale-after is named, and the version is not converged.
    Run stale = deploy("check_single_version", "-v", "--stale-after", "1ms", "1.10");
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.out()).contains("Stale hosts: h1, h2");
  }

  @Test
  void statusReportsLiveInServiceChecksAndDriveLocalHealthAndFailures() throws Exception {
    assertThat(deploy("update_own_status", "puppet", "4").exit()).isZero();
    assertThat(deploy("update_own_status", "validation", "0").exit()).isZero();
    assertThat(http("GET", "/v1/agent/checks", null)).contains("\"ServiceID\":\"deploy-status\"");
    Run health = deploy("local_health", "-v");
    assertThat(health.exit()).isEqualTo(1);
    assertThat(health.out().strip()).isEqualTo("puppet: puppet exited 4");
    await().atMost(Duration.ofSeconds(10)).until(() -> deploy("get_failures").exit() == 1);
    assertThat(deploy("get_failures", "--hosts").out()).contains("Failures:", "  Node: " + NODE + ", Check: puppet");
    assertThat(http("GET", "/v1/kv/status/puppet/" + NODE + "?raw", null)).contains("\"Status\":\"warning\"", "\"ExitCode\":4");
    assertThat(deploy("update_own_status", "puppet", "2").exit()).isZero();  // 2: changes applied
    assertThat(deploy("local_health").exit()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> deploy("get_failures").exit() == 0);
    Run bad = deploy("update_own_status", "apt", "0");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err().strip().lines()).singleElement().asString().contains("puppet or validation");
    assertThat(deploy("ping").out().strip()).isEqualTo("Connection succesful");
  }

  @Test
  void waitForIsReleasedByTheRegistrationThatSatisfiesItAndRequireNamesWhatIsMissing() throws Exception {
    Run missing = cairn("require", "-http-addr", httpAddr, "glance:2@api", "--kv", "cfg/glance");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("glance:2@api (0 of 2 healthy)", "key cfg/glance absent");
    CompletableFuture<Run> waiting = CompletableFuture.supplyAsync(
        () -> cairn("wait-for", "-http-addr", httpAddr, "glance:2@api", "--kv", "cfg/glance", "--timeout", "60s"));
    http("PUT", "/v1/agent/service/register",
        "{\"ID\":\"g1\",\"Name\":\"glance\",\"Tags\":[\"api\"],\"Check\":{\"TTL\":\"60s\",\"Status\":\"passing\"}}");
    http("PUT", "/v1/agent/service/register",
        "{\"ID\":\"g2\",\"Name\":\"glance\",\"Tags\":[\"api\"],\"Check\":{\"TTL\":\"60s\"}}");  // critical at first
    http("PUT", "/v1/kv/cfg/glance", "ready");
    assertThat(waiting).isNotDone();  // g2 is not healthy yet
    http("PUT", "/v1/agent/check/pass/service:g2", null);
    assertThat(waiting.get(20, java.util.concurrent.TimeUnit.SECONDS).exit()).isZero();
    assertThat(cairn("require", "-http-addr", httpAddr, "glance:2@api", "--kv", "cfg/glance").exit()).isZero();
    Run timeout = cairn("wait-for", "-http-addr", httpAddr, "nova", "--timeout", "300ms");
    assertThat(timeout.exit()).isEqualTo(1);
    assertThat(timeout.err()).contains("timed out", "nova (0 of 1 healthy)");
    Run bad = cairn("wait-for", "-http-addr", httpAddr, "db:x");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err().strip().lines()).singleElement();
  }

  @Test
  void theGraphShowsWhatEachRoleWaitsOnAndWaitForTakesARolesRequirements() throws Exception {
    java.nio.file.Path roles = dir.resolve("roles.yaml");
    java.nio.file.Files.writeString(roles, """
        roles:
          db:       { provides: [gdb] }
          identity: { provides: [gid], requires: [gdb] }
          image:    { provides: [gimg], requires: [gdb, gid] }
        """);
    Run before = cairn("deploy", "-http-addr", httpAddr, "graph", "--roles", roles.toString());
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out().lines()).containsExactly(
        "db: provides gdb (0 healthy); requires nothing: ready",
        "identity: provides gid (0 healthy); requires gdb 0/1: waiting on gdb",
        "image: provides gimg (0 healthy); requires gdb 0/1, gid 0/1: waiting on gdb, gid (blocked by identity)");
    assertThat(cairn("require", "-http-addr", httpAddr, "--roles", roles.toString(), "--role", "identity").exit()).isEqualTo(1);
    http("PUT", "/v1/agent/service/register", "{\"ID\":\"gdb1\",\"Name\":\"gdb\",\"Check\":{\"TTL\":\"60s\",\"Status\":\"passing\"}}");
    assertThat(cairn("wait-for", "-http-addr", httpAddr, "--roles", roles.toString(), "--role", "identity", "--timeout", "20s").exit())
        .isZero();
    Run after = cairn("deploy", "-http-addr", httpAddr, "graph", "--roles", roles.toString(), "--dot");
    assertThat(after.out()).startsWith("digraph roles {").contains("\"image\" -> \"identity\" [label=\"gid 0/1\"]",
        "\"identity\" [label=\"identity\\ngid: 0 healthy\", color=green]");
    java.nio.file.Files.writeString(roles, "roles:\n  a: { provides: [x], requires: [x] }\n");
    Run cycle = cairn("deploy", "-http-addr", httpAddr, "graph", "--roles", roles.toString());
    assertThat(cycle.exit()).isEqualTo(1);
    assertThat(cycle.err().strip().lines()).singleElement().asString().contains("dependency cycle: a -> a");
  }

  @Test
  void badVersionsAreRefusedInOneLineAndChangeNothing() {
    assertThat(deploy("trigger_update", "good1").exit()).isZero();
    for (String bad : new String[] {"a b", "x/y", ""}) {
      Run r = deploy("trigger_update", bad);
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err().strip().lines()).singleElement();
    }
    assertThat(deploy("current_version").out().strip()).isEqualTo("good1");
  }
}
