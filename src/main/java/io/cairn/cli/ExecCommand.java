package io.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code cairn exec}: Consul's remote execution runs a command on every matching agent. It is off
 * by default in Consul ({@code disable_remote_exec = true}) because anyone who can write to the
 * KV store can then run commands on every node; Cairn does not run remote commands at all, and
 * says so instead of pretending.
 */
@Command(name = "exec", description = "Remote execution: not available in Cairn (Consul disables it by default too).")
final class ExecCommand implements Callable<Integer> {
  @Unmatched List<String> ignored = new ArrayList<>();
  @Parameters(arity = "0..*") List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    throw new ClientError("remote execution is disabled: Cairn does not run remote commands (Consul's agents refuse "
        + "them too unless disable_remote_exec = false); run the command through your own tooling");
  }
}
