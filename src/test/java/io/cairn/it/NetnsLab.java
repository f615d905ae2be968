package io.cairn.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts in network namespaces on one bridge (10.77.0.1..N), made with {@code ip} and cut
 * apart with {@code nft} rules inside each host: nothing outside the repository is needed. The
 * test JVM stays in the root namespace and reaches every host through an address of its own on
 * the bridge ({@link #HOST_ADDRESS}); partitions drop traffic only between the hosts, so the
 * test can still talk to every side.
 */
final class NetnsLab implements AutoCloseable {
  static final String SUBNET = "10.77.0.";
  static final String HOST_ADDRESS = SUBNET + "254";

  final String prefix;
  final String bridge;
  private volatile boolean created;
  private final Thread cleanupOnExit = new Thread(this::destroyQuietly, "netns-lab-cleanup");

  /** Command output and exit code. */
  record Result(int exitCode, String output) {}

  NetnsLab(String prefix, String bridge) {
    this.prefix = prefix;
    this.bridge = bridge;
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
    check(List.of("ip", "link", "add", bridge, "type", "bridge"));
    check(List.of("ip", "link", "set", bridge, "up"));
    for (int i = 1; i <= n; i++) addHost(i);
    check(List.of("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", bridge));
    Result route = run(List.of("ip", "route", "get", SUBNET + "1"));
    if (!route.output().contains("dev " + bridge)) fail("10.77.0.1 is not reached through " + bridge + ": " + route.output());
  }

  /**
   * Host {@code n}: a namespace whose {@code eth0} is one end of a veth pair, the other end on
   * the bridge. Interface names stay under Linux's 15 characters: the prefix, v or p, the number.
   */
  private void addHost(int n) {
    String ns = prefix + n;
    String outside = prefix + "v" + n;
    String inside = prefix + "p" + n;
    check(List.of("ip", "netns", "add", ns));
    check(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", inside));
    check(List.of("ip", "link", "set", inside, "netns", ns));
    check(List.of("ip", "-n", ns, "link", "set", inside, "name", "eth0"));
    check(List.of("ip", "-n", ns, "addr", "add", address(n) + "/24", "dev", "eth0"));
    check(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
    check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
    check(List.of("ip", "link", "set", outside, "master", bridge));
    check(List.of("ip", "link", "set", outside, "up"));
  }

  /** The hosts of this lab, by number, as the kernel lists their namespaces. */
  private List<Integer> hosts() {
    List<Integer> out = new ArrayList<>();
    for (String line : run(List.of("ip", "netns", "list")).output().lines().toList()) {
      String ns = line.split(" ")[0];
      if (ns.matches(java.util.regex.Pattern.quote(prefix) + "[0-9]+")) out.add(Integer.parseInt(ns.substring(prefix.length())));
    }
    return out;
  }

  /** Host {@code host} is cut from every other host, both ways; the test still reaches it. */
  void isolate(int host) {
    for (int other : hosts()) if (other != host) cut(host, other);
  }

  /** Hosts {@code a} and {@code b} no longer reach each other, either way. */
  void partition(int a, int b) {
    cut(a, b);
    cut(b, a);
  }

  /** In host {@code host}: drop what comes from {@code other} and what goes to it. */
  private void cut(int host, int other) {
    ensureTable(host);
    check(inHost(host, List.of("nft", "add", "rule", "inet", "lab", "in", "ip", "saddr", address(other), "drop")));
    check(inHost(host, List.of("nft", "add", "rule", "inet", "lab", "out", "ip", "daddr", address(other), "drop")));
  }

  /** The table holding this lab's rules in one host, made on first use; {@link #heal()} deletes it. */
  private void ensureTable(int host) {
    if (run(inHost(host, List.of("nft", "list", "table", "inet", "lab"))).exitCode() == 0) return;
    check(inHost(host, List.of("nft", "add", "table", "inet", "lab")));
    check(inHost(host, List.of("nft", "add", "chain", "inet", "lab", "in", "{ type filter hook input priority 0; }")));
    check(inHost(host, List.of("nft", "add", "chain", "inet", "lab", "out", "{ type filter hook output priority 0; }")));
  }

  /**
   * One-way cut: host {@code host} no longer receives anything from {@code from} (it still sends).
   * Kept in the same nftables table as the other cuts, so {@link #heal()} removes it too.
   */
  void dropInbound(int host, int from) {
    ensureTable(host);
    check(inHost(host, List.of("nft", "add", "rule", "inet", "lab", "in", "ip", "saddr", address(from), "drop")));
  }

  void heal() {
    for (int host : hosts()) run(inHost(host, List.of("nft", "delete", "table", "inet", "lab")));
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
    // A namespace's veth end goes with it; the bridge is removed on its own.
    for (int host : hosts()) run(List.of("ip", "netns", "del", prefix + host));
    // A run killed between making a veth pair and moving one end away leaves both ends here.
    java.util.regex.Pattern ours = java.util.regex.Pattern.compile("^[0-9]+: (" + java.util.regex.Pattern.quote(prefix) + "[vp][0-9]+)[@:]");
    for (String line : run(List.of("ip", "-o", "link", "show")).output().lines().toList()) {
      java.util.regex.Matcher m = ours.matcher(line);
      if (m.find()) run(List.of("ip", "link", "del", m.group(1)));
    }
    if (run(List.of("ip", "link", "show", bridge)).exitCode() == 0) run(List.of("ip", "link", "del", bridge));
    created = false;
  }

  private void check(List<String> cmd) {
    Result r = run(cmd);
    if (r.exitCode() != 0) throw new IllegalStateException(cmd + " failed (" + r.exitCode() + "): " + r.output());
  }

  Result run(List<String> cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
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
