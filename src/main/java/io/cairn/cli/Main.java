package io.cairn.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: the agent and the clients of its HTTP API. */
@Command(name = "cairn", mixinStandardHelpOptions = false,
    description = "Service discovery, health checking and a replicated KV store, compatible with Consul.",
    subcommands = {AgentCommand.class, ValidateCommand.class, VersionCommand.class, SnapshotCommand.class, OperatorCommand.class,
        MembersCommand.class, KvCommand.class, CatalogCommand.class, ServicesCommand.class, ReloadCommand.class,
        LeaveCommand.class, JoinCommand.class, ForceLeaveCommand.class, WaitReadyCommand.class, LockCommand.class, WatchCommand.class, KeygenCommand.class,
        ExecCommand.class, CompletionCommand.class, InfoCommand.class, DiscoveryCommand.class, DeployCommand.class,
        WaitForCommand.class, RequireCommand.class, UpgradeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    Logging.init();
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 ok, 1 error (one line on stderr), 2 usage. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * As {@link #run(String...)}, but what the client commands print goes to {@code out} and
   * {@code err}: in-process callers (tests) capture it without swapping System.out, which an
   * agent in the same JVM also logs to.
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  private static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // "@FILE" is a value in Consul's CLI (kv put KEY @FILE), never a picocli argument file.
    cl.setExpandAtFiles(false);
    // `cairn lock PREFIX sh -c '...'`: everything after the prefix is the child's, options included.
    cl.getSubcommands().get("lock").setStopAtPositional(true);
    cl.getSubcommands().get("watch").setStopAtPositional(true);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    return cl;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
