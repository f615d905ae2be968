package io.cairn.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts in network namespaces on one bridge (10.77.0.1..N), made and cut apart with
 * ../shared/tools/netns-lab.sh. The test JVM stays in the root namespace and reaches every host
 * through an address of its own on the bridge ({@link #HOST_ADDRESS}); partitions drop traffic
 * only between the hosts, so the test can still talk to every side.
 */
final class NetnsLab implements AutoCloseable {
  static final String SUBNET = "10.77.0.";
  static final String HOST_ADDRESS = SUBNET + "254";

  final String prefix;
  final String bridge;
  final Path script;
  private volatile boolean created;
  private final Thread cleanupOnExit = new Thread(this::destroyQuietly, "netns-lab-cleanup");

  /** Command output and exit code. */
  record Result(int exitCode, String output) {}

  NetnsLab(String prefix, String bridge) {
    this.prefix = prefix;
    this.bridge = bridge;
    this.script = locateScript();
  }

  /**
   * The script lives beside the repository, not in it: {@code <project>/../shared/tools/netns-lab.sh}
   * (how CI lays things out). {@code CAIRN_NETNS_LAB} may point elsewhere, e.g. from a worktree.
   */
  static Path locateScript() {
    String override = System.getenv("CAIRN_NETNS_LAB");
    Path relative = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("shared/tools/netns-lab.sh");
    Path s = override != null && !override.isBlank() ? Path.of(override) : relative;
    if (!Files.isRegularFile(s)) {
      fail("netns-lab.sh not found at " + s + ": fault tests expect ../shared/tools/netns-lab.sh beside the project"
          + " (or CAIRN_NETNS_LAB=/path/to/netns-lab.sh)");
    }
    return s;
  }

  /**
   * Fails, saying why, unless this machine can run the lab: root, ip netns, nft. The one
   * exception: a developer running ./test without root outside CI is told the fault tests did
   * not run (skipped, loudly); in CI (CI=true, root) a missing prerequisite is a failure.
   */
  void checkPrerequisites() {
    Result uid = run(List.of("id", "-u"));
    if (uid.exitCode() != 0 || !uid.output().trim().equals("0")) {
      String why = "fault tests need root (network namespaces, nftables); running as uid " + uid.output().trim();
      if (!"true".equals(System.getenv("CI"))) org.junit.jupiter.api.Assumptions.abort(why + " - NOT RUN");
      fail(why);
    }
    Result netns = run(List.of("ip", "netns", "list"));
    if (netns.exitCode() != 0) fail("`ip netns` is unavailable (apt-get install -y iproute2): " + netns.output());
    Result nft = run(List.of("nft", "--version"));
    if (nft.exitCode() != 0) fail("`nft` is unavailable (apt-get install -y nftables): " + nft.output());
  }

  /** Makes hosts 1..n (removing leftovers of an earlier run first) and an address for the test on the bridge. */
  void create(int n) {
    destroyQuietly();
    Result routes = run(List.of("ip", "-o", "route", "show", SUBNET + "0/24"));
    if (!routes.output().isBlank()) {
      fail("10.77.0.0/24 is already routed in the root namespace (another lab running?): " + routes.output());
    }
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    created = true;
    lab("create", Integer.toString(n));
    check(List.of("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", bridge));
    Result route = run(List.of("ip", "route", "get", SUBNET + "1"));
    if (!route.output().contains("dev " + bridge)) fail("10.77.0.1 is not reached through " + bridge + ": " + route.output());
  }

  void isolate(int host) {
    lab("isolate", Integer.toString(host));
  }

  void partition(int a, int b) {
    lab("partition", Integer.toString(a), Integer.toString(b));
  }

  /**
   * One-way cut: host {@code host} no longer receives anything from {@code from} (it still sends).
   * Kept in the same nftables table as the script's rules, so {@link #heal()} removes it too.
   */
  void dropInbound(int host, int from) {
    if (run(inHost(host, List.of("nft", "list", "table", "inet", "lab"))).exitCode() != 0) {
      check(inHost(host, List.of("nft", "add", "table", "inet", "lab")));
      check(inHost(host, List.of("nft", "add", "chain", "inet", "lab", "in", "{ type filter hook input priority 0; }")));
      check(inHost(host, List.of("nft", "add", "chain", "inet", "lab", "out", "{ type filter hook output priority 0; }")));
    }
    check(inHost(host, List.of("nft", "add", "rule", "inet", "lab", "in", "ip", "saddr", address(from), "drop")));
  }

  void heal() {
    lab("heal");
  }

  /** {@code cmd} run inside host {@code n}; {@code ip netns exec} execs it, so the process id is the command's. */
  List<String> inHost(int n, List<String> cmd) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", prefix + n));
    out.addAll(cmd);
    return out;
  }

  static String address(int n) {
    return SUBNET + n;
  }

  @Override
  public void close() {
    destroyQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // shutting down already, or never added
    }
  }

  /** Removes the hosts and the bridge; kills what is left running in this lab's own namespaces. */
  void destroyQuietly() {
    for (String ns : run(List.of("ip", "netns", "list")).output().lines().map(l -> l.split(" ")[0]).toList()) {
      if (!ns.matches(java.util.regex.Pattern.quote(prefix) + "[0-9]+")) continue;
      for (String pid : run(List.of("ip", "netns", "pids", ns)).output().lines().map(String::trim).toList()) {
        if (pid.matches("[0-9]+")) run(List.of("kill", "-9", pid));
      }
    }
    if (created || run(List.of("ip", "link", "show", bridge)).exitCode() == 0
        || run(List.of("ip", "netns", "list")).output().lines().anyMatch(l -> l.startsWith(prefix))) {
      run(labCommand("destroy"));
    }
    created = false;
  }

  private void lab(String... args) {
    check(labCommand(args));
  }

  private List<String> labCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private void check(List<String> cmd) {
    Result r = run(cmd);
    if (r.exitCode() != 0) throw new IllegalStateException(cmd + " failed (" + r.exitCode() + "): " + r.output());
  }

  Result run(List<String> cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("LAB_PREFIX", prefix);
      pb.environment().put("LAB_BRIDGE", bridge);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + cmd);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
