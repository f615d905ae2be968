package io.cairn.cli;

import io.cairn.deploy.DependencyWait;
import io.cairn.deploy.Need;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn require}: exit 0 when every dependency holds now, else 1 naming what is missing; never waits. */
@Command(name = "require", description = "Exit 0 if each SERVICE[:MIN][@TAG] has MIN healthy instances now, else 1 naming the missing.")
final class RequireCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;
  @Parameters(paramLabel = "SERVICE[:MIN][@TAG]", arity = "0..*") List<String> services = new ArrayList<>();
  @Option(names = "--kv", paramLabel = "KEY", description = "A key that must exist (repeatable).") List<String> keys = new ArrayList<>();
  @Option(names = "--dc", paramLabel = "DC") String dc;
  @Option(names = "--include-warning", description = "Count instances whose checks warn as healthy.") boolean includeWarning;
  @Option(names = "--roles", paramLabel = "FILE", description = "A roles file: with --role, require what that role requires.")
  java.nio.file.Path rolesFile;
  @Option(names = "--role", paramLabel = "ROLE") String role;

  @Override
  public Integer call() throws Exception {
    List<Need> needs = DeployArgs.needs(services, rolesFile, role);
    if (needs.isEmpty() && keys.isEmpty() && role == null) throw new ClientError("nothing to require: name a service or a --kv key");
    List<String> missing = new DependencyWait(DeployArgs.agent(api), dc != null ? dc : api.datacenter, includeWarning)
        .missingNow(needs, keys);
    if (missing.isEmpty()) return 0;
    spec.commandLine().getErr().println("missing: " + String.join(", ", missing));
    return 1;
  }
}
