package io.cairn.cli;

import io.cairn.agent.Agent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn version} (also {@code --version}, {@code -version}, {@code -v}, as consul takes them). */
@Command(name = "version", description = "Prints the version.")
final class VersionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    var out = spec.commandLine().getOut();
    out.println("Cairn v" + Agent.REVISION.replace("cairn-", ""));
    out.println("Consul API compatibility: v" + Agent.VERSION);
    out.flush();
  }
}
