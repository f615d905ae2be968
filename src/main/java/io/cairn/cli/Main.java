package io.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: the agent and the clients of its HTTP API. */
@Command(name = "cairn", mixinStandardHelpOptions = false,
    description = "Service discovery, health checking and a replicated KV store, compatible with Consul.",
    subcommands = {AgentCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    Logging.init();
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 ok, 1 error (one line on stderr), 2 usage. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
