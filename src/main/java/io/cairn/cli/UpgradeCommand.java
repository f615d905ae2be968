package io.cairn.cli;

import io.cairn.agent.AgentHttp;
import io.cairn.deploy.Deployment;
import io.cairn.deploy.LocalVersion;
import io.cairn.deploy.RolloutGate;
import io.cairn.deploy.UpgradePass;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn upgrade}: one upgrade pass for cron, or one every {@code --every}; never two at
 * once on a host (a file lock). Exit 0 converged, 1 a step failed, 2 the cluster cannot be
 * reached, 9 paused, 10 another pass holds the lock.
 */
@Command(name = "upgrade", description = "Runs an upgrade pass: validation tests, then upgrade and/or configure as the"
    + " cluster's version and this host's health call for, then reports (docs/orchestration.md).")
final class UpgradeCommand implements Callable<Integer> {
  static final int LOCKED = 10;

  @Mixin ApiOptions api;
  @Spec CommandSpec spec;
  @Option(names = "--every", paramLabel = "DURATION", description = "Run a pass this often, until stopped (default: one pass).")
  String every;
  @Option(names = "--tests-dir", paramLabel = "DIR", description = "Validation tests: the executables directly in it"
      + " (default /usr/lib/cairn/tests).")
  Path testsDir = Path.of("/usr/lib/cairn/tests");
  @Option(names = "--test-timeout", paramLabel = "DURATION", defaultValue = "60s", description = "Each test's limit (default 60s).")
  String testTimeout;
  @Option(names = "--configure-cmd", paramLabel = "CMD", description = "Configures the host (e.g. puppet apply"
      + " --detailed-exitcodes: 0 and 2 are success).")
  String configureCmd;
  @Option(names = "--upgrade-cmd", paramLabel = "CMD", description = "Upgrades the host's packages (e.g. apt-get -y dist-upgrade).")
  String upgradeCmd;
  @Option(names = "--step-timeout", paramLabel = "DURATION", defaultValue = "1h", description = "Each command's limit (default 1h).")
  String stepTimeout;
  @Option(names = "--check-ttl", paramLabel = "DURATION", defaultValue = "1h",
      description = "How long a reported status holds before its check turns critical (default 1h).")
  String checkTtl;
  @Option(names = "--hostname", paramLabel = "HOST", description = "The host's name in reports (default the agent's node name).")
  String hostname;
  @Option(names = "--role", paramLabel = "ROLE", description = "This host's role: config_state/role/ROLE/enable_upgrades pauses it.")
  String role;
  @Option(names = "--version-file", paramLabel = "FILE", description = "This host's version (default /etc/current_version).")
  Path versionFile = LocalVersion.DEFAULT;
  @Option(names = "--lock-file", paramLabel = "FILE", description = "Held during a pass (default /tmp/cairn-upgrade.lock).")
  Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "cairn-upgrade.lock");

  @Override
  public Integer call() throws Exception {
    Duration period = every == null ? null : DeployArgs.duration("--every", every);
    AgentHttp http = DeployArgs.agent(api);
    Deployment cluster = new Deployment(http, Clock.systemUTC());
    while (true) {
      int code = onePass(cluster, http);
      if (period == null) return code;
      TimeUnit.MILLISECONDS.sleep(period.toMillis());  // the schedule between passes
    }
  }

  private int onePass(Deployment cluster, AgentHttp http) throws IOException {
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        spec.commandLine().getErr().println("Error: another upgrade pass holds " + lockFile + "; not running");
        return LOCKED;
      }
      try (lock) {
        String host = hostname;
        if (host == null) {
          try {
            host = cluster.nodeName();
          } catch (IOException e) {
            spec.commandLine().getErr().println("Error: cannot reach the cluster: " + e.getMessage());
            return UpgradePass.Outcome.UNREACHABLE.exitCode;
          }
        }
        UpgradePass.Settings s = new UpgradePass.Settings(host, role, testsDir, DeployArgs.duration("--test-timeout", testTimeout),
            configureCmd, upgradeCmd, DeployArgs.duration("--step-timeout", stepTimeout),
            DeployArgs.duration("--check-ttl", checkTtl));
        return new UpgradePass(cluster, new RolloutGate(http), new LocalVersion(versionFile), s, line -> spec.commandLine().getOut().println("upgrade: " + line))
            .run().exitCode;
      }
    }
  }
}
