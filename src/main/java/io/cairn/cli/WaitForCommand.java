package io.cairn.cli;

import io.cairn.agent.AgentHttp;
import io.cairn.checks.GoDuration;
import io.cairn.deploy.DependencyWait;
import io.cairn.deploy.Need;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn wait-for}: blocks until services have their healthy instances and keys exist,
 * by blocking queries (docs/orchestration.md). What a node's configure step runs before it
 * configures anything that needs another service: exit 0 when all hold at once, 1 on timeout
 * naming what was missing.
 */
@Command(name = "wait-for", description = "Waits until each SERVICE[:MIN][@TAG] has MIN healthy instances (default 1)"
    + " and each --kv key exists.")
final class WaitForCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;
  @Parameters(paramLabel = "SERVICE[:MIN][@TAG]", arity = "0..*") List<String> services = new ArrayList<>();
  @Option(names = "--kv", paramLabel = "KEY", description = "A key that must exist (repeatable).") List<String> keys = new ArrayList<>();
  @Option(names = "--dc", paramLabel = "DC", description = "The datacenter to look in (default the agent's).") String dc;
  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", description = "Give up after this long (default 10m).")
  String timeout;
  @Option(names = "--include-warning", description = "Count instances whose checks warn as healthy, as DNS does.")
  boolean includeWarning;
  @Option(names = "--roles", paramLabel = "FILE", description = "A roles file: with --role, wait for what that role requires.")
  Path rolesFile;
  @Option(names = "--role", paramLabel = "ROLE", description = "The role whose requirements to wait for (with --roles).") String role;
  @Option(names = "--report-every", paramLabel = "DURATION", defaultValue = "30s", hidden = true) String reportEvery;

  @Override
  public Integer call() throws Exception {
    List<Need> needs = DeployArgs.needs(services, rolesFile, role);
    if (needs.isEmpty() && keys.isEmpty() && role == null) throw new ClientError("nothing to wait for: name a service or a --kv key");
    Duration limit = DeployArgs.duration("--timeout", timeout);
    DependencyWait wait = new DependencyWait(DeployArgs.agent(api), dc != null ? dc : api.datacenter, includeWarning);
    List<String> missing = wait.await(needs, keys, limit, DeployArgs.duration("--report-every", reportEvery),
        line -> spec.commandLine().getErr().println(line));
    if (missing.isEmpty()) return 0;
    spec.commandLine().getErr().println("Error: timed out after " + timeout + " waiting for: " + String.join(", ", missing));
    return 1;
  }

}
