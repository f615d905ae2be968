package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn upgrade} passes against a real dev agent: what a fresh node, a pending update, a
 * failing validation and a pause switch make a pass do, shown by the commands it ran (each
 * appends its name to a journal file) and what it reported.
 */
class UpgradeCommandTest {
  private static final String NODE = "upgrade-node";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private Agent agent;
  private String httpAddr;
  @TempDir Path dir;

  @BeforeEach
  void startAgent() throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    try (ServerSocket s = new ServerSocket(0)) {
      b.httpPort = s.getLocalPort();
    }
    b.dnsPort = 0;
    b.nodeName = NODE;
    agent = Agent.start(b.build(), () -> {});
    httpAddr = "127.0.0.1:" + agent.httpAddress().getPort();
    Files.createDirectories(dir.resolve("tests"));
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) agent.close();
  }

  record Run(int exit, String out, String err) {}

  private Run pass(String... more) {
    java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
    flags.put("-http-addr", httpAddr);
    flags.put("--tests-dir", dir.resolve("tests").toString());
    flags.put("--version-file", dir.resolve("version").toString());
    flags.put("--lock-file", dir.resolve("lock").toString());
    flags.put("--configure-cmd", "echo configure >> " + journal());
    flags.put("--upgrade-cmd", "echo upgrade >> " + journal());
    for (int i = 0; i < more.length; i += 2) flags.put(more[i], more[i + 1]);  // a test's flag replaces the default
    List<String> args = new ArrayList<>(List.of("upgrade"));
    flags.forEach((k, v) -> args.addAll(List.of(k, v)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        args.toArray(String[]::new));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path journal() {
    return dir.resolve("journal");
  }

  /** The commands passes have run so far, then forgets them. */
  private List<String> ran() throws Exception {
    if (!Files.exists(journal())) return List.of();
    List<String> lines = Files.readAllLines(journal());
    Files.delete(journal());
    return lines;
  }

  private String http(String method, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + httpAddr + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void test(String name, String script) throws Exception {
    Path t = dir.resolve("tests").resolve(name);
    Files.writeString(t, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aFreshNodeConfiguresThenAnUpdateUpgradesOnceAndThenNothingRuns() throws Exception {
    test("ok", "exit 0");
    Run fresh = pass();
    assertThat(fresh.exit()).as(fresh.out() + fresh.err()).isZero();
    assertThat(ran()).containsExactly("configure");
    assertThat(Files.exists(dir.resolve("version"))).isFalse();

    http("PUT", "/v1/kv/current_version", "v2");
    Run update = pass();
    assertThat(update.exit()).as(update.out()).isZero();
    assertThat(ran()).containsExactly("upgrade", "configure");
    assertThat(Files.readString(dir.resolve("version")).strip()).isEqualTo("v2");
    assertThat(http("GET", "/v1/kv/running_version/v2/" + NODE + "?raw", null)).isNotEmpty();
    assertThat(http("GET", "/v1/kv/status/upgrade/" + NODE + "?raw", null)).contains("\"ExitCode\":0");

    Run steady = pass();
    assertThat(steady.exit()).isZero();
    assertThat(ran()).isEmpty();
  }

  @Test
  void aFailingValidationIsReportedByNameAndConfigureRunsAgainUntilItPasses() throws Exception {
    http("PUT", "/v1/kv/current_version", "v1");
    test("10-db-reachable", "exit 0");
    test("20-api-answers", "echo api down on port 9292; exit 3");
    Run failing = pass();
    assertThat(failing.exit()).isEqualTo(1);
    assertThat(ran()).containsExactly("upgrade", "configure");
    assertThat(Files.exists(dir.resolve("version"))).isFalse();  // not converged: the version is not taken
    assertThat(http("GET", "/v1/kv/status/validation/" + NODE + "?raw", null))
        .contains("\"Status\":\"warning\"", "20-api-answers exited 3: api down on port 9292").doesNotContain("10-db");
    assertThat(http("GET", "/v1/agent/checks", null)).contains("20-api-answers");
    // Fixed: the next pass upgrades again (the version was never taken) and converges.
    test("20-api-answers", "exit 0");
    assertThat(pass().exit()).isZero();
    assertThat(ran()).containsExactly("upgrade", "configure");
    // Up to date and healthy, then a test breaks: configure runs again, without an upgrade.
    test("20-api-answers", "exit 1");
    assertThat(pass().exit()).isEqualTo(1);
    assertThat(ran()).containsExactly("configure");
  }

  @Test
  void thePauseSwitchStopsPassesAtGlobalRoleOrHostScope() throws Exception {
    http("PUT", "/v1/kv/current_version", "v5");
    http("PUT", "/v1/kv/config_state/enable_upgrades", "false");
    Run paused = pass("--role", "compute");
    assertThat(paused.exit()).isEqualTo(9);
    assertThat(paused.out()).contains("paused by config_state/enable_upgrades");
    assertThat(ran()).isEmpty();
    http("PUT", "/v1/kv/config_state/role/compute/enable_upgrades", "true");
    http("PUT", "/v1/kv/config_state/host/" + NODE + "/enable_upgrades", "false");
    assertThat(pass("--role", "compute").exit()).isEqualTo(9);
    http("DELETE", "/v1/kv/config_state/host/" + NODE + "/enable_upgrades", null);
    assertThat(pass("--role", "compute").exit()).isZero();  // the role's true beats the global false
    assertThat(ran()).containsExactly("upgrade", "configure");
  }

  @Test
  void aFailedUpgradeSkipsConfigureAndAnUnreachableClusterIsExitTwo() throws Exception {
    http("PUT", "/v1/kv/current_version", "v3");
    Run r = pass("--upgrade-cmd", "echo upgrade >> " + journal() + "; echo no space left >&2; exit 100");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(ran()).containsExactly("upgrade");
    assertThat(http("GET", "/v1/kv/status/upgrade/" + NODE + "?raw", null)).contains("\"ExitCode\":100", "no space left");
    Run away = pass("-http-addr", "127.0.0.1:1", "--hostname", NODE);
    assertThat(away.exit()).isEqualTo(2);
    assertThat(ran()).isEmpty();
  }

  private Run cairn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void statusShowsEachHostAndWatchReturnsWhenTheLastHostConverges() throws Exception {
    http("PUT", "/v1/kv/current_version", "v2");
    assertThat(pass().exit()).isZero();
    Run alone = cairn("deploy", "-http-addr", httpAddr, "status");
    assertThat(alone.exit()).as(alone.out()).isZero();
    assertThat(alone.out()).contains(NODE, "passing").contains("1/1 hosts on v2: converged");
    assertThat(cairn("deploy", "-http-addr", httpAddr, "update_own_info", "--hostname", "lagging", "--version", "v1").exit()).isZero();
    Run behind = cairn("deploy", "-http-addr", httpAddr, "status", "--json");
    assertThat(behind.exit()).isEqualTo(1);
    assertThat(behind.out()).contains("\"Host\":\"lagging\",\"Version\":\"v1\"", "\"Converged\":false", "1/2 hosts on v2");
    java.util.concurrent.CompletableFuture<Run> watching = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> cairn("deploy", "-http-addr", httpAddr, "status", "--watch"));
    assertThat(watching).isNotDone();
    assertThat(cairn("deploy", "-http-addr", httpAddr, "update_own_info", "--hostname", "lagging", "--version", "v2").exit()).isZero();
    Run watched = watching.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(watched.exit()).isZero();
    assertThat(watched.out()).contains("[########################################] 100%", "2/2 hosts on v2: converged");
  }

  private Run hostPass(String host, String... more) {
    List<String> args = new ArrayList<>(List.of("--hostname", host, "--role", "compute", "--version-file", dir.resolve("v-" + host).toString(),
        "--lock-file", dir.resolve("lock-" + host).toString(), "--tests-dir", dir.resolve("tests-" + host).toString()));
    args.addAll(List.of(more));
    return pass(args.toArray(String[]::new));
  }

  @Test
  void aRollingUpgradeTakesTurnsAndAFailedHostHaltsItUntilResumed() throws Exception {
    assertThat(cairn("deploy", "-http-addr", httpAddr, "trigger-update", "v2", "--max-unavailable", "1").exit()).isZero();
    Path bad = Files.createDirectories(dir.resolve("tests-h1")).resolve("20-api");
    Files.writeString(bad, "#!/bin/sh\necho api down\nexit 1\n");
    Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(hostPass("h1").exit()).isEqualTo(1);  // fails holding the slot
    Run halted = hostPass("h2");
    assertThat(halted.exit()).isEqualTo(9);
    assertThat(halted.out()).contains("rollout halted by h1: validation failing: 20-api");
    assertThat(cairn("deploy", "-http-addr", httpAddr, "status").out()).contains("rollout halted by h1");
    Files.delete(bad);
    assertThat(cairn("deploy", "-http-addr", httpAddr, "resume").exit()).isZero();
    Run queued = hostPass("h2");
    assertThat(queued.exit()).isEqualTo(9);
    assertThat(queued.out()).contains("all 1 slots of role compute are taken: upgrading h1");
    ran();
    assertThat(hostPass("h1").exit()).isZero();  // still holds the slot: upgrades, converges, gives it back
    assertThat(ran()).containsExactly("upgrade", "configure");
    assertThat(hostPass("h2").exit()).isZero();
    assertThat(hostPass("h3").exit()).isZero();
    Run single = cairn("deploy", "-http-addr", httpAddr, "check_single_version", "-v", "v2");
    assertThat(single.exit()).as(single.out()).isZero();

    // Concurrent passes of three hosts with --max-unavailable 1: never two upgrading at once.
    assertThat(cairn("deploy", "-http-addr", httpAddr, "trigger-update", "v3", "--max-unavailable", "1").exit()).isZero();
    Path active = Files.createDirectories(dir.resolve("active"));
    Path seen = dir.resolve("seen");
    List<java.util.concurrent.CompletableFuture<Void>> hosts = new ArrayList<>();
    for (String h : List.of("h1", "h2", "h3")) {
      String upgrade = "mkdir " + active.resolve(h) + "; ls " + active + " | wc -l >> " + seen + "; sleep 0.3; rmdir " + active.resolve(h);
      hosts.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (hostPass(h, "--upgrade-cmd", upgrade).exit() != 0) {
          if (System.nanoTime() > deadline) throw new AssertionError(h + " never converged");
          try {
            Thread.sleep(100);  // a retry's spacing, as cron's: the next pass, not a wait for a state
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      }));
    }
    for (var f : hosts) f.get(90, java.util.concurrent.TimeUnit.SECONDS);
    List<String> counts = Files.readAllLines(seen).stream().map(String::strip).toList();
    assertThat(counts).hasSize(3).containsOnly("1");
  }

  /**
   * --per service: a host takes a slot of every service it runs, and an instance of that service
   * already critical on another host counts as down: no upgrade starts until it is healthy again.
   */
  @Test
  void aRolloutPerServiceWaitsWhileAnotherInstanceIsDown() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.util.function.BiFunction<String, String, Integer> put = (path, body) -> {
      try {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + httpAddr + path))
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertThat(put.apply("/v1/agent/service/register", "{\"Name\":\"ledger\",\"Port\":7000}")).isEqualTo(200);
    String down = "{\"Node\":\"ledger-2\",\"Address\":\"10.3.0.2\",\"Service\":{\"ID\":\"ledger\",\"Service\":\"ledger\"},"
        + "\"Check\":{\"CheckID\":\"ledger-up\",\"Name\":\"up\",\"ServiceID\":\"ledger\",\"Status\":\"%s\"}}";
    assertThat(put.apply("/v1/catalog/register", down.formatted("critical"))).isEqualTo(200);
    assertThat(cairn("deploy", "-http-addr", httpAddr, "trigger-update", "v9", "--max-unavailable", "1", "--per", "service").exit()).isZero();
    Run waiting = hostPass("s1");
    assertThat(waiting.exit()).isEqualTo(9);
    assertThat(waiting.out()).contains("all 1 slots of service ledger are taken: upgrading (none); unhealthy ledger-2");
    assertThat(put.apply("/v1/catalog/register", down.formatted("passing"))).isEqualTo(200);
    Run upgraded = hostPass("s1");
    assertThat(upgraded.exit()).as(upgraded.out()).isZero();
    assertThat(upgraded.out()).contains("holding rollout slots of service:ledger");
    assertThat(cairn("deploy", "-http-addr", httpAddr, "trigger-update", "v10", "--per", "pod", "--max-unavailable", "1").exit())
        .isEqualTo(1);
    assertThat(put.apply("/v1/agent/service/deregister/ledger", "")).isEqualTo(200);
    assertThat(put.apply("/v1/catalog/deregister", "{\"Node\":\"ledger-2\"}")).isEqualTo(200);
  }
}
