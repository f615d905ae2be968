package io.cairn.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: the agent and the clients of its HTTP API. */
@Command(name = "cairn", mixinStandardHelpOptions = false,
    description = "Service discovery, health checking and a replicated KV store, compatible with Consul.",
    subcommands = {AgentCommand.class, ValidateCommand.class, VersionCommand.class, SnapshotCommand.class, OperatorCommand.class,
        MembersCommand.class, KvCommand.class, CatalogCommand.class, ServicesCommand.class, ReloadCommand.class,
        LeaveCommand.class, JoinCommand.class, ForceLeaveCommand.class, MonitorCommand.class, DebugCommand.class, RttCommand.class, WaitReadyCommand.class, LockCommand.class, WatchCommand.class, KeygenCommand.class,
        ExecCommand.class, CompletionCommand.class, InfoCommand.class, DiscoveryCommand.class, DeployCommand.class,
        WaitForCommand.class, RequireCommand.class, UpgradeCommand.class, EventCommand.class, MaintCommand.class, MigrateCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Logging.init();
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 ok, 1 an error or a usage error (one line on stderr). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(goFlags(cl, args));
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
    return cl.execute(goFlags(cl, args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // "@FILE" is a value in Consul's CLI (kv put KEY @FILE), never a picocli argument file.
    cl.setExpandAtFiles(false);
    // `cairn lock PREFIX sh -c '...'`: everything after the prefix is the child's, options included.
    cl.getSubcommands().get("lock").setStopAtPositional(true);
    cl.getSubcommands().get("watch").setStopAtPositional(true);
    cl.getSubcommands().get("exec").setStopAtPositional(true);
    // Go's flags never cluster: -http-adr is an unknown flag, not -h with "ttp-adr" after it.
    cl.setPosixClusteredShortOptionsAllowed(false);
    addHelpFlags(cl);
    goParsing(cl);
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ClientError c && c.asIs) cmd.getErr().println(c.getMessage());
      else cmd.getErr().println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    return cl;
  }

  /** A command whose flags are all Go's single-dash kind (Consul's namesakes), not the GNU {@code --name} of Cairn's own. */
  private static boolean goStyle(CommandLine cmd) {
    return cmd.getCommandSpec().options().stream().flatMap(o -> java.util.Arrays.stream(o.names()))
        .noneMatch(n -> n.startsWith("--") && !n.equals("--help"));
  }

  /**
   * Go's flag package, as Consul's commands parse: flags end at the first argument that is not
   * one, so {@code kv put k -abc} stores "-abc" and {@code kv get k -recurse} is one argument
   * too many, not a flag.
   */
  private static void goParsing(CommandLine cl) {
    if (cl.getSubcommands().isEmpty() && goStyle(cl)) cl.setStopAtPositional(true);
    for (CommandLine sub : new java.util.LinkedHashSet<>(cl.getSubcommands().values())) goParsing(sub);
  }

  /** Commands whose arguments after the first positional one belong to a child command they run. */
  private static final java.util.Set<String> RUNS_A_CHILD = java.util.Set.of("lock", "exec", "watch");

  /**
   * The command line put in Go's order for a Go-style command: {@code cairn --version},
   * {@code -version} and {@code -v} are {@code cairn version}; {@code --flag} is {@code -flag},
   * as Go's flag package takes it; and flags end at the first argument that is not one, so
   * {@code kv put k -5} stores "-5". Beyond Go, a known flag after the positional arguments
   * still counts as a flag ({@code kv get key -http-addr=...}), except for the commands that run
   * a child ({@code lock}, {@code exec}, {@code watch}), whose trailing arguments are the child's.
   */
  static String[] goFlags(CommandLine root, String[] args) {
    if (args.length == 1 && List.of("--version", "-version", "-v").contains(args[0])) return new String[] {"version"};
    CommandLine cmd = root;
    int i = 0;
    while (i < args.length && cmd.getSubcommands().containsKey(args[i])) cmd = cmd.getSubcommands().get(args[i++]);
    if (!goStyle(cmd) || !cmd.getSubcommands().isEmpty()) return args;
    List<String> flags = new java.util.ArrayList<>(java.util.Arrays.asList(args).subList(0, i));
    List<String> positional = new java.util.ArrayList<>();
    boolean childFollows = RUNS_A_CHILD.contains(cmd.getCommandName());
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        positional.addAll(java.util.Arrays.asList(args).subList(i + 1, args.length));
        break;
      }
      if (childFollows && !positional.isEmpty()) {
        positional.add(a);
        continue;
      }
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (name.startsWith("--") && !name.equals("--help") && cmd.getCommandSpec().findOption(name.substring(1)) != null) {
        name = name.substring(1);
        a = a.substring(1);
      }
      CommandLine.Model.OptionSpec o = a.startsWith("-") && a.length() > 1 ? cmd.getCommandSpec().findOption(name) : null;
      boolean unknownBeforeAny = o == null && positional.isEmpty() && a.startsWith("-") && a.length() > 1;
      if (o == null && !unknownBeforeAny) {
        positional.add(a);
        continue;
      }
      flags.add(a);  // a known flag, or an unknown one before any positional (picocli names it)
      if (o != null && !a.contains("=") && o.arity().min() > 0 && i + 1 < args.length) flags.add(args[++i]);
    }
    if (positional.stream().anyMatch(p -> p.startsWith("-") && p.length() > 1)) flags.add("--");
    flags.addAll(positional);
    return flags.toArray(String[]::new);
  }

  /** {@code -h}, {@code -help} and {@code --help} on every command of the tree: the usage on stdout, exit 0. */
  private static void addHelpFlags(CommandLine cl) {
    List<String> free = java.util.stream.Stream.of("-h", "-help", "--help").filter(n -> cl.getCommandSpec().findOption(n) == null).toList();
    if (!free.isEmpty()) {  // picocli's own help command has -h already
      cl.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder(free.toArray(String[]::new)).usageHelp(true)
          .description("Show this help.").build());
    }
    for (CommandLine sub : new java.util.LinkedHashSet<>(cl.getSubcommands().values())) addHelpFlags(sub);
  }

  /**
   * A command line that cannot be parsed: one line on stderr naming what was wrong (an unknown
   * command or flag with the nearest correct spelling), exit 1, as consul's CLI exits.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      msg = unmatched(cmd, u.getUnmatched().getFirst());
    }
    cmd.getErr().println("Error: " + msg + " (see " + cmd.getCommandSpec().qualifiedName() + " -h)");
    return 1;
  }

  /** What an argument no command or option took is: an unknown flag or command (with its nearest spelling), or one too many. */
  private static String unmatched(CommandLine cmd, String arg) {
    if (arg.startsWith("-") && arg.length() > 1) {
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;  // -http-adr=x names -http-adr
      List<String> names = cmd.getCommandSpec().options().stream().flatMap(o -> java.util.Arrays.stream(o.names())).toList();
      return "unknown flag " + flag + NearestName.among(flag, names).map(n -> "; did you mean " + n + "?").orElse("");
    }
    if (cmd.getSubcommands().isEmpty()) return "unexpected argument " + arg;
    return "unknown command " + arg
        + NearestName.among(arg, cmd.getSubcommands().keySet()).map(n -> "; did you mean " + n + "?").orElse("");
  }

  /** {@code cairn} alone: the usage, with the help flags, on the command line's own stdout. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
