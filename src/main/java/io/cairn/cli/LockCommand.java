package io.cairn.cli;

import io.cairn.agent.WatchHandlers;
import io.cairn.checks.GoDuration;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn lock}: runs a command while holding a lock (or, with {@code -n N}, one of N
 * semaphore slots) at a KV prefix, as {@code consul lock} does and interoperating with it. The
 * child sees {@code CONSUL_LOCK_HELD=true}; if the lock is lost it gets SIGTERM, then SIGKILL
 * after 5 s. Exit codes as consul's: 0 once the child ended and the lock was released (with
 * {@code -child-exit-code}, 2 if the child failed), 1 on errors, a timeout or a lost lock.
 */
@Command(name = "lock", description = "Runs a command while holding a lock or semaphore at a KV prefix.")
final class LockCommand implements Callable<Integer> {
  /** How long the child has between SIGTERM and SIGKILL once the lock is lost (Consul's, under the 15 s lock-delay). */
  private static final long KILL_GRACE_MILLIS = 5_000;

  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Option(names = "-n", description = "How many may hold it at once; above 1 it is a semaphore. Default 1.") int limit = 1;
  @Option(names = {"-timeout", "-try"}, paramLabel = "DURATION", description = "Give up acquiring after this long (0: wait forever).")
  String timeout = "0s";
  @Option(names = "-name", description = "Name of the lock's session. Default: made from the command and prefix.") String name;
  @Option(names = "-shell", arity = "0..1", fallbackValue = "true", description = "Run the command through $SHELL (default true).")
  boolean shell = true;
  @Option(names = "-pass-stdin", description = "Give the child this process's stdin.") boolean passStdin;
  @Option(names = "-child-exit-code", description = "Exit 2 if the child exited with an error.") boolean childExitCode;
  @Option(names = "-monitor-retry", description = "Agent errors tolerated in a row while watching the lock (default 3).")
  int monitorRetry = 3;
  @Option(names = "-verbose", description = "Say what happens.") boolean verbose;
  @Parameters(index = "0", paramLabel = "prefix") String prefix;
  @Parameters(index = "1..*", paramLabel = "child") List<String> child = new ArrayList<>();

  private volatile Process running;

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private void info(String s) {
    if (verbose) spec.commandLine().getOut().println(s);
  }

  @Override
  public Integer call() throws Exception {
    if (limit <= 0) throw new ClientError("Lock holder limit must be positive");
    if (child.isEmpty()) throw new ClientError("Key prefix and child command must be specified");
    if (monitorRetry < 0) throw new ClientError("Number for 'monitor-retry' must be >= 0");
    Duration wait;
    try {
      wait = GoDuration.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new ClientError("-timeout: " + e.getMessage());
    }
    if (wait.isNegative()) throw new ClientError("Timeout must be positive");
    String at = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
    String sessionName = name != null ? name : "Consul lock for '" + String.join(" ", child) + "' at '" + at + "'";
    LockApi kv = new LockApi(ApiOptions.agentAddress(api.httpAddr, System.getenv()), api.token);
    LockSession session;
    try {
      session = LockSession.create(kv, sessionName);
    } catch (IOException e) {
      throw new ClientError("Lock setup failed: " + e.getMessage());
    }
    LockHolder holder = limit == 1 ? new KvLock(kv, session, at, monitorRetry) : new KvSemaphore(kv, session, at, limit, monitorRetry);
    Thread onSignal = new Thread(() -> shutdown(holder, session));
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      info("Attempting lock acquisition");
      boolean got;
      try {
        got = holder.acquire(wait);
      } catch (IOException e) {
        throw new ClientError("Lock acquisition failed: " + e.getMessage());
      }
      if (!got) throw new ClientError("Shutdown triggered or timeout during lock acquisition");
      return runWhileHeld(holder);
    } finally {
      boolean ours;
      try {
        ours = Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException e) {
        ours = false;  // shutting down: the hook releases
      }
      if (ours) finish(holder, session);
    }
  }

  /** Runs the child; it is killed if the hold is lost first. Returns the exit code. */
  private int runWhileHeld(LockHolder holder) throws IOException, InterruptedException {
    info("Starting handler");
    ProcessBuilder pb = WatchHandlers.command(child, shell);
    pb.environment().put("CONSUL_LOCK_HELD", "true");
    pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.redirectInput(passStdin ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ClientError("Error starting handler: " + e.getMessage());
    }
    running = p;
    Thread watcher = Thread.ofVirtual().start(() -> {
      try {
        holder.awaitLoss();
        if (p.isAlive()) {
          info("Lock lost, killing child");
          kill(p);
        }
      } catch (InterruptedException e) {
        // the child ended first
      }
    });
    int code = p.waitFor();
    watcher.interrupt();
    boolean wasHeld = holder.release();
    if (!wasHeld) throw new ClientError("Lock release failed: Lock not held");
    info("Child terminated, releasing lock");
    if (code != 0) err().println("Error running handler: exit status " + code);
    return childExitCode && code != 0 ? 2 : 0;
  }

  private static void kill(Process p) {
    p.destroy();  // SIGTERM
    try {
      if (!p.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS)) p.destroyForcibly();
    } catch (InterruptedException e) {
      p.destroyForcibly();
    }
  }

  /** On SIGTERM/SIGINT to this process: the child is stopped first, then the lock released. */
  private void shutdown(LockHolder holder, LockSession session) {
    Process p = running;
    if (p != null && p.isAlive()) kill(p);
    finish(holder, session);
  }

  private void finish(LockHolder holder, LockSession session) {
    try {
      holder.release();
      holder.cleanup();
    } catch (IOException e) {
      err().println("Lock cleanup failed: " + e.getMessage());
    }
    session.destroy();
  }
}
