package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.agent.AgentHttp;
import io.cairn.deploy.DependencyWait;
import io.cairn.deploy.DeployStatus;
import io.cairn.deploy.Deployment;
import io.cairn.deploy.RoleGraph;
import io.cairn.deploy.RolloutGate;
import io.cairn.deploy.Roles;
import io.cairn.deploy.LocalVersion;
import io.cairn.deploy.Versions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn deploy}: the seed's orchestrate tool (docs/orchestration.md). Every subcommand
 * also answers to its old underscore spelling, with the old key layout, output and exit codes,
 * so cron scripts written for it run unchanged; {@code --host}/{@code --port} name the agent as
 * they did.
 */
@Command(name = "deploy", description = "Version-triggered upgrades: what every host should run, and what each runs.",
    subcommandsRepeatable = false)
final class DeployCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;
  @Option(names = "--host", paramLabel = "HOST", description = "The agent's host (the old tool's flag; default 127.0.0.1).")
  String host;
  @Option(names = "--port", paramLabel = "PORT", description = "The agent's HTTP port (the old tool's flag; default 8500).")
  Integer port;
  @Option(names = "--version-file", paramLabel = "FILE", description = "Where this host's version is kept (default /etc/current_version).")
  Path versionFile = LocalVersion.DEFAULT;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 1;
  }

  AgentHttp agent() {
    if (host == null && port == null) return DeployArgs.agent(api);
    URI base = URI.create("http://" + (host == null ? "127.0.0.1" : host) + ":" + (port == null ? 8500 : port));
    String token = api.token != null ? api.token : Optional.ofNullable(System.getenv("CAIRN_HTTP_TOKEN"))
        .orElse(System.getenv("CONSUL_HTTP_TOKEN"));
    return new AgentHttp(base, token);
  }

  Deployment deployment() {
    return new Deployment(agent(), Clock.systemUTC());
  }

  LocalVersion local() {
    return new LocalVersion(versionFile);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Command(name = "trigger-update", aliases = "trigger_update", description = "Sets the version every host should run.")
  int triggerUpdate(@Parameters(paramLabel = "VERSION") String version,
                    @Option(names = {"--if-newer", "--if_newer"}, description = "Only if newer than the current one"
                        + " (natural order: 9 < 10, v9 < v10), by check-and-set.") boolean ifNewer,
                    @Option(names = "--max-unavailable", paramLabel = "N", description = "At most N hosts of a role upgrading"
                        + " at once (a semaphore in KV; a failed host keeps its slot and halts the rollout).") Integer maxUnavailable,
                    @Option(names = "--per", paramLabel = "role|service", defaultValue = "role", description = "What --max-unavailable"
                        + " counts per: role (each host's upgrade --role), or service (every service a host runs;"
                        + " an instance already critical counts as down).") String per) throws IOException {
    Versions.check(version);
    if (maxUnavailable != null) {
      if (maxUnavailable < 1) throw new ClientError("--max-unavailable must be at least 1");
      if (!per.equals("role") && !per.equals("service")) throw new ClientError("--per " + per + ": expected role or service");
      new RolloutGate(agent()).writePolicy(version, new RolloutGate.Policy(maxUnavailable, per));
    }
    if (!ifNewer) {
      deployment().trigger(version);
      return 0;
    }
    Optional<String> standing = deployment().triggerIfNewer(version);
    if (standing.isEmpty()) return 0;
    spec.commandLine().getErr().println("Error: current_version is " + standing.get() + ", not older than " + version + "; not changed");
    return 1;
  }

  @Command(name = "current-version", aliases = "current_version", description = "Prints the version every host should run.")
  int currentVersion() throws IOException {
    Optional<String> v = deployment().currentVersion();
    if (v.isEmpty()) throw new ClientError("current_version is not set (no update was ever triggered)");
    out().println(v.get());
    return 0;
  }

  @Command(name = "local-version", aliases = "local_version", description = "Prints this host's version, or sets it.")
  int localVersion(@Parameters(paramLabel = "VERSION", arity = "0..1") String version) {
    if (version != null) local().write(version);
    out().println(version != null ? version : local().read());
    return 0;
  }

  @Command(name = "pending-update", aliases = "pending_update",
      description = "Exit 0: an update is pending; 1: up to date; 2: no current version known, a local one set; 3: neither.")
  int pendingUpdate() {
    String mine = local().read();
    Optional<String> current;
    try {
      current = deployment().currentVersion();
    } catch (IOException | RuntimeException e) {
      current = Optional.empty();
    }
    int code;
    String msg;
    if (current.isPresent()) {
      code = current.get().equals(mine) ? 1 : 0;
      msg = code == 0 ? "Yes, there is an update pending" : "No updates pending";
    } else if (!mine.isEmpty()) {
      code = 2;
      msg = "Could not get current_version";
    } else {
      code = 3;
      msg = "Could not get current_version, but there's also no local version set";
    }
    out().println(msg);
    return code;
  }

  @Command(name = "running-versions", aliases = "running_versions", description = "Lists the versions hosts report running.")
  int runningVersions() throws IOException {
    for (String v : deployment().versions().versions()) out().println(v);
    return 0;
  }

  @Command(name = "hosts-at-version", aliases = "hosts_at_version", description = "Lists the hosts that report running VERSION.")
  int hostsAtVersion(@Parameters(paramLabel = "VERSION") String version) throws IOException {
    for (String h : deployment().versions().hostsAt(version)) out().println(h);
    return 0;
  }

  @Command(name = "verify-hosts", aliases = "verify_hosts", description = "Exit 0 when every host named on stdin runs VERSION.")
  int verifyHosts(@Parameters(paramLabel = "VERSION") String version) throws IOException {
    Set<String> named = new TreeSet<>();
    for (String line : new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\n")) {
      if (!line.isBlank()) named.add(line.strip());
    }
    return deployment().versions().hostsAt(version).containsAll(named) ? 0 : 1;
  }

  @Command(name = "check-single-version", aliases = "check_single_version",
      description = "Exit 0 when VERSION is the only one running and no host is stale.")
  int checkSingleVersion(@Parameters(paramLabel = "VERSION") String version,
                         @Option(names = {"-v", "--verbose"}) boolean verbose,
                         @Option(names = {"--stale-after", "--stale_after"}, paramLabel = "DURATION", defaultValue = "30m",
                             description = "A host that has not reported for this long is stale (default 30m: 3 missed"
                                 + " passes of a 10-minute cron).") String staleAfter) throws IOException {
    Deployment d = deployment();
    Versions all = d.versions();
    Set<String> stale = all.stale(Clock.systemUTC().instant(), DeployArgs.duration("--stale-after", staleAfter), d.failedNodes());
    Versions.SingleVersion r = all.single(version, stale);
    if (verbose) {
      out().println("Wanted version found: " + (r.wantedFound() ? "True" : "False"));
      out().println("Unwanted versions found: " + String.join(", ", r.unwanted()));
      out().println("Stale hosts: " + String.join(", ", r.stale()));
    }
    return r.converged() ? 0 : 1;
  }

  @Command(name = "update-own-info", aliases = "update_own_info",
      description = "Records the version this host runs (its local version unless --version); nothing when none is set.")
  int updateOwnInfo(@Option(names = "--hostname", paramLabel = "HOST") String hostname,
                    @Option(names = "--version", paramLabel = "VERSION") String version) throws IOException {
    String v = version != null ? version : local().read();
    if (v.isEmpty()) return 0;
    Deployment d = deployment();
    d.reportRunning(hostname != null ? hostname : d.nodeName(), v);
    return 0;
  }

  @Command(name = "update-own-status", aliases = "update_own_status",
      description = "Reports a puppet or validation run's exit code in this node's TTL checks and in KV status/<type>/<host>.")
  int updateOwnStatus(@Parameters(index = "0", paramLabel = "TYPE", description = "puppet or validation") String type,
                      @Parameters(index = "1", paramLabel = "EXIT_CODE") int exitCode,
                      @Option(names = "--hostname", paramLabel = "HOST") String hostname,
                      @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
                          description = "How long a report holds before the check turns critical (default 1h).") String ttl)
      throws IOException {
    Deployment d = deployment();
    d.reportStatus(hostname != null ? hostname : d.nodeName(), type, exitCode, DeployArgs.duration("--ttl", ttl), null);
    return 0;
  }

  @Command(name = "local-health", aliases = "local_health",
      description = "Exit code: how many of this node's checks fail (critical, or puppet/validation warnings).")
  int localHealth(@Option(names = {"-v", "--verbose"}) boolean verbose,
                  @Option(names = "--hostname", paramLabel = "HOST") String hostname) throws IOException {
    List<JsonNode> failing = deployment().localFailures(hostname);
    if (verbose) for (JsonNode c : failing) out().println(c.path("Name").asText() + ": " + c.path("Output").asText());
    return Math.min(failing.size(), 125);
  }

  @Command(name = "get-failures", aliases = "get_failures", description = "Exit 0 when no check fails anywhere, else 1.")
  int getFailures(@Option(names = "--hosts", description = "Name each failing node and check.") boolean hosts,
                  @Option(names = {"--show-warnings", "--show_warnings"}, description = "Count other warnings as failures too.")
                  boolean showWarnings) throws IOException {
    List<List<JsonNode>> f = deployment().failures();
    List<JsonNode> failing = f.get(0);
    List<JsonNode> warnings = f.get(1);
    if (hosts) print("Failures:", failing);
    if (showWarnings && hosts) print("Warnings:", warnings);
    return failing.isEmpty() && (!showWarnings || warnings.isEmpty()) ? 0 : 1;
  }

  private void print(String title, List<JsonNode> checks) {
    if (checks.isEmpty()) return;
    out().println(title);
    for (JsonNode c : checks) out().println("  Node: " + c.path("Node").asText() + ", Check: " + c.path("Name").asText());
  }

  @Command(name = "status", description = "One row per host (version, configure and validation results, last report, stale)"
      + " and a summary; exit 0 only when every host runs current_version and passes.")
  int status(@Option(names = "--json", description = "Print JSON instead.") boolean json,
             @Option(names = "--watch", description = "Redraw as hosts report (blocking queries), with a progress bar;"
                 + " return when converged.") boolean watch,
             @Option(names = {"--stale-after", "--stale_after"}, paramLabel = "DURATION", defaultValue = "30m") String staleAfter)
      throws Exception {
    AgentHttp http = agent();
    Deployment d = new Deployment(http, Clock.systemUTC());
    StatusWatch changes = watch ? new StatusWatch(http) : null;
    while (true) {
      DeployStatus s = DeployStatus.read(d, http, Clock.systemUTC().instant(), DeployArgs.duration("--stale-after", staleAfter));
      if (json) {
        out().println(s.json());
      } else {
        if (watch) out().print("\033[H\033[2J");  // clear the screen between frames
        s.table().forEach(out()::println);
        if (watch) out().println(s.bar(40));
        out().println(s.summary());
      }
      out().flush();
      if (!watch || s.converged()) return s.converged() ? 0 : 1;
      changes.awaitChange(Duration.ofSeconds(30));
    }
  }

  @Command(name = "resume", description = "Lets a halted rollout of VERSION (default current_version) go on.")
  int resume(@Parameters(paramLabel = "VERSION", arity = "0..1") String version) throws IOException {
    new RolloutGate(agent()).resume(version != null ? version : requireCurrent());
    return 0;
  }

  @Command(name = "abort", description = "Stops a rollout: no host takes a new slot; hosts already upgraded stay."
      + " Roll back with trigger-update OLD.")
  int abort(@Parameters(paramLabel = "VERSION", arity = "0..1") String version) throws IOException {
    new RolloutGate(agent()).halt(version != null ? version : requireCurrent(), "operator", "aborted");
    return 0;
  }

  private String requireCurrent() throws IOException {
    return deployment().currentVersion().orElseThrow(() -> new ClientError("current_version is not set"));
  }

  @Command(name = "graph", description = "The roles file's dependency graph, with each service's healthy instances now"
      + " and what each role waits on; a cycle is refused, named.")
  int graph(@Option(names = "--roles", paramLabel = "FILE", required = true, description = "The roles file (YAML or JSON).") Path rolesFile,
            @Option(names = "--dot", description = "Print Graphviz instead.") boolean dot) throws IOException {
    Roles roles = DeployArgs.readRoles(rolesFile);
    RoleGraph g = RoleGraph.read(roles, new DependencyWait(agent(), api.datacenter, false));
    if (dot) {
      out().print(g.dot());
      out().flush();
    }
    else g.lines().forEach(out()::println);
    return 0;
  }

  @Command(name = "ping", description = "Exit 0 when the agent answers.")
  int ping() {
    boolean up = deployment().ping();
    out().println(up ? "Connection succesful" : "Connection failed");  // the old tool's spelling: scripts match it
    return up ? 0 : 1;
  }
}
