package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cairn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small cloud booting in any order, as the seed's did: eight nodes of the seed's roles (db;
 * identity needs db; image needs db and identity; network needs db; volume needs db, identity
 * and image; compute, two of them, needs identity, image and network; lb needs compute). Each
 * node's boot script is a real shell process: it registers its service with an HTTP check
 * (critical until the service runs) through the agent's API, waits with the real {@code cairn
 * wait-for} command for its
 * role's needs with {@code wait-for}, then starts its service (an HTTP server of the test's
 * that answers 200 only from then on). Started in a random order, all at once, they converge to all healthy with
 * no version ever triggered. Then an upgrade with {@code --max-unavailable 1} reaches every
 * host, the two compute hosts never upgrading together.
 */
class CloudBootTest {
  private static final Map<String, List<String>> NEEDS = new LinkedHashMap<>();
  private static final List<String> NODES = List.of("db-1", "identity-1", "image-1", "network-1", "volume-1", "compute-1",
      "compute-2", "lb-1");
  static TestAgent agent;
  static final List<HttpServer> services = new ArrayList<>();
  static final Map<String, Integer> ports = new ConcurrentHashMap<>();
  @TempDir static Path dir;

  static {
    NEEDS.put("db", List.of());
    NEEDS.put("identity", List.of("db"));
    NEEDS.put("image", List.of("db", "identity"));
    NEEDS.put("network", List.of("db"));
    NEEDS.put("volume", List.of("db", "identity", "image"));
    NEEDS.put("compute", List.of("identity", "image", "network"));
    NEEDS.put("lb", List.of("compute"));
  }

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    TestAgent.installLauncher(dir.resolve("bin"));
    for (String node : NODES) {
      Path up = dir.resolve("up-" + node);
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext("/", ex -> {
        ex.sendResponseHeaders(Files.exists(up) ? 200 : 503, -1);
        ex.close();
      });
      s.start();
      services.add(s);
      ports.put(node, s.getAddress().getPort());
    }
  }

  @AfterAll
  static void stop() {
    services.forEach(s -> s.stop(0));
    if (agent != null) agent.close();
  }

  private static String role(String node) {
    return node.substring(0, node.indexOf('-'));
  }

  /** The node's boot script: register its service, wait for its needs, start the service. */
  private static Path bootScript(String node) throws Exception {
    String addr = agent.uri("").getHost() + ":" + agent.uri("").getPort();
    List<String> needs = NEEDS.get(role(node));
    Path def = dir.resolve("svc-" + node + ".json");
    Files.writeString(def, "{\"Name\": \"" + role(node) + "\", \"ID\": \"" + node + "\", \"Port\": " + ports.get(node)
        + ", \"Check\": {\"HTTP\": \"http://127.0.0.1:" + ports.get(node) + "/\", \"Interval\": \"1s\"}}");
    String deps = String.join(" ", needs);
    Path script = dir.resolve("boot-" + node + ".sh");
    // The registration as configuration management makes it, straight to the agent's API (bash's
    // /dev/tcp: no JVM on the boot's path but the wait itself).
    Files.writeString(script, """
        set -e
        export PATH=%s:$PATH
        body=$(cat %s)
        exec 3<>/dev/tcp/%s/%d
        printf 'PUT /v1/agent/service/register HTTP/1.1\\r\\nHost: agent\\r\\nContent-Length: %%d\\r\\nConnection: close\\r\\n\\r\\n%%s' \\
          "${#body}" "$body" >&3
        head -n 1 <&3 | grep -q ' 200 '
        exec 3>&-
        if [ -n "%s" ]; then
          cairn wait-for -http-addr %s %s --timeout 90s
        fi
        touch %s
        echo "%s booted"
        """.formatted(dir.resolve("bin"), def, agent.uri("").getHost(), agent.uri("").getPort(), deps, addr, deps,
        dir.resolve("up-" + node), node));
    return script;
  }

  private static int passing(String role) throws Exception {
    return new ObjectMapper().readTree(agent.call("GET", "/v1/health/service/" + role + "?passing", null).body()).size();
  }

  private record Run(int exit, String out) {}

  private static Run cairn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void nodesBootedInAnyOrderConvergeAndThenUpgradeInTurns() throws Exception {
    List<String> order = new ArrayList<>(NODES);
    Collections.shuffle(order, new Random(System.nanoTime()));
    List<Process> boots = new ArrayList<>();
    for (String node : order) {
      boots.add(new ProcessBuilder("bash", bootScript(node).toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("boot-" + node + ".log").toFile()).start());
    }
    for (int i = 0; i < boots.size(); i++) {
      Process p = boots.get(i);
      String node = order.get(i);
      assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("%s booted in time", node).isTrue();
      assertThat(p.exitValue()).as("boot of %s (started %d of %d): %s", node, i + 1, order.size(),
          Files.readString(dir.resolve("boot-" + node + ".log"))).isZero();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String role : NEEDS.keySet()) {
        assertThat(passing(role)).as("passing instances of %s", role).isEqualTo(role.equals("compute") ? 2 : 1);
      }
    });
    assertThat(cairn("deploy", "-http-addr", agent.uri("").getHost() + ":" + agent.uri("").getPort(), "pending_update").exit())
        .as("no version ever triggered").isEqualTo(3);

    // An upgrade with --max-unavailable 1: every host takes it, the two compute hosts in turn.
    String addr = agent.uri("").getHost() + ":" + agent.uri("").getPort();
    assertThat(cairn("deploy", "-http-addr", addr, "trigger-update", "v2", "--max-unavailable", "1").exit()).isZero();
    Map<String, AtomicInteger> upgrading = new ConcurrentHashMap<>();
    Map<String, Integer> most = new ConcurrentHashMap<>();
    Path log = dir.resolve("upgrades.log");
    List<CompletableFuture<Void>> passes = new ArrayList<>();
    for (String node : NODES) {
      Path marks = Files.createDirectories(dir.resolve("upgrading-" + role(node)));
      String upgradeCmd = "mkdir " + marks.resolve(node) + "; ls " + marks + " | wc -l >> " + log + "." + role(node)
          + "; sleep 0.2; rmdir " + marks.resolve(node);
      passes.add(CompletableFuture.runAsync(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (cairn("upgrade", "-http-addr", addr, "--hostname", node, "--role", role(node), "--upgrade-cmd", upgradeCmd,
            "--version-file", dir.resolve("v-" + node).toString(), "--lock-file", dir.resolve("lock-" + node).toString(),
            "--tests-dir", dir.resolve("tests-" + node).toString()).exit() != 0) {
          if (System.nanoTime() > deadline) throw new AssertionError(node + " never converged on v2");
          try {
            Thread.sleep(100);  // the next pass, as cron's: not a wait for a state
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      }));
    }
    for (CompletableFuture<Void> p : passes) p.get(120, TimeUnit.SECONDS);
    Run single = cairn("deploy", "-http-addr", addr, "check_single_version", "-v", "v2");
    assertThat(single.exit()).as(single.out()).isZero();
    List<String> compute = Files.readAllLines(Path.of(log + ".compute")).stream().map(String::strip).toList();
    assertThat(compute).as("compute hosts upgrading at once, seen at each upgrade's start").hasSize(2).containsOnly("1");
  }
}
