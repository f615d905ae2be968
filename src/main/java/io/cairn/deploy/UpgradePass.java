package io.cairn.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One pass of {@code cairn upgrade} (the seed's maybe_upgrade.sh), on one host: validation
 * tests, then what the cluster's version and the host's health call for, validation again, and
 * the results reported (docs/orchestration.md has the decision table).
 */
public final class UpgradePass {
  /** How a pass ended; its exit code is the command's. */
  public enum Outcome {
    CONVERGED(0), STEP_FAILED(1), UNREACHABLE(2), PAUSED(9);

    public final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  /** What a pass runs: the commands may be null (that step is skipped). */
  public record Settings(String host, String role, Path testsDir, Duration testTimeout, String configureCmd, String upgradeCmd,
                         Duration stepTimeout, Duration checkTtl) {}

  private final Deployment cluster;
  private final RolloutGate gate;
  private final LocalVersion local;
  private final Settings settings;
  private final Consumer<String> log;

  public UpgradePass(Deployment cluster, RolloutGate gate, LocalVersion local, Settings settings, Consumer<String> log) {
    this.cluster = cluster;
    this.gate = gate;
    this.local = local;
    this.settings = settings;
    this.log = log;
  }

  /** The validation tests' result: the names of those that failed, and their output tails. */
  record Validation(List<String> failed, String detail) {
    boolean ok() {
      return failed.isEmpty();
    }
  }

  /** The rollout groups this host takes slots in: its role, or each service it runs; null when per role and no --role. */
  private List<String> groups(RolloutGate.Policy policy) throws IOException {
    if (policy.per().equals("service")) return cluster.localServices().stream().map(s -> "service:" + s).toList();
    return settings.role() == null ? null : List.of(settings.role());
  }

  public Outcome run() {
    String host = settings.host();
    Optional<String> current;
    try {
      Optional<String> paused = cluster.pausedBy(host, settings.role());
      if (paused.isPresent()) {
        log.accept("paused by " + paused.get());
        return Outcome.PAUSED;
      }
      current = cluster.currentVersion();
    } catch (IOException e) {
      log.accept("cannot reach the cluster: " + e.getMessage());
      return Outcome.UNREACHABLE;
    }
    Validation before = validate();
    String mine = local.read();
    boolean update = current.isPresent() && !current.get().equals(mine);
    Step upgrade = null;
    Step configure = null;
    boolean reload = false;
    Optional<RolloutGate.Policy> policy = Optional.empty();
    List<String> groups = List.of();
    if (update) {
      log.accept("update pending: " + (mine.isEmpty() ? "(none)" : mine) + " -> " + current.get());
      try {
        policy = gate.policy(current.get());
        if (policy.isPresent()) {
          groups = groups(policy.get());
          if (groups == null) {
            log.accept("the rollout of " + current.get() + " limits upgrades per role; this host has no --role: not upgrading");
            return Outcome.STEP_FAILED;
          }
          boolean perService = policy.get().per().equals("service");
          Optional<String> wait = gate.acquire(current.get(), groups, host, policy.get().maxUnavailable(),
              group -> perService ? cluster.unhealthyInstances(group.substring("service:".length())) : List.of());
          if (wait.isPresent()) {
            log.accept("waiting for a rollout slot: " + wait.get());
            return Outcome.PAUSED;
          }
          log.accept(groups.isEmpty() ? "no service on this host: no rollout slot needed"
              : "holding rollout slots of " + String.join(", ", groups));
        }
      } catch (IOException e) {
        log.accept("cannot reach the cluster: " + e.getMessage());
        return Outcome.UNREACHABLE;
      }
      upgrade = shell("upgrade", settings.upgradeCmd());
      if (upgrade == null || upgrade.ok()) configure = shell("configure", settings.configureCmd());
    } else if (current.isEmpty()) {
      log.accept("no version triggered yet: configuring only");
      configure = shell("configure", settings.configureCmd());
    } else {
      List<String> unhealthy = new ArrayList<>(before.failed());
      try {
        cluster.localFailures(null).forEach(c -> unhealthy.add(c.path("Name").asText()));
      } catch (IOException e) {
        log.accept("cannot read local health: " + e.getMessage());
        return Outcome.UNREACHABLE;
      }
      if (!unhealthy.isEmpty()) {
        log.accept("up to date, failing: " + String.join(", ", unhealthy) + ": configuring again");
        configure = shell("configure", settings.configureCmd());
        reload = true;
      }
    }
    boolean ran = upgrade != null || configure != null;
    Validation after = ran ? validate() : before;
    boolean configured = configure == null || configure.exitCode() == 0 || configure.exitCode() == 2;
    boolean success = (upgrade == null || upgrade.ok()) && configured && after.ok();
    try {
      if (reload) cluster.reloadAgent();
      if (upgrade != null) cluster.reportStep(host, "upgrade", upgrade.exitCode(), upgrade.tail());
      if (configure != null) cluster.reportStatus(host, "puppet", configure.exitCode(), settings.checkTtl(), configure.tail());
      cluster.reportStatus(host, "validation", after.ok() ? 0 : 1, settings.checkTtl(), after.detail());
      if (success && update) local.write(current.get());
      String version = local.read();
      if (success && !version.isEmpty()) cluster.reportRunning(host, version);
      if (policy.isPresent() && success) {
        for (String g : groups) gate.release(current.get(), g, host);
      } else if (policy.isPresent() && !groups.isEmpty()) {
        String why = upgrade != null && !upgrade.ok() ? "upgrade exited " + upgrade.exitCode()
            : !configured ? "configure exited " + configure.exitCode() : "validation failing: " + String.join(", ", after.failed());
        gate.halt(current.get(), host, why);
        log.accept("the pass failed holding a rollout slot: the rollout is halted (" + why + ")");
      }
    } catch (IOException e) {
      log.accept("cannot report to the cluster: " + e.getMessage());
      return Outcome.UNREACHABLE;
    }
    if (!after.ok()) log.accept("validation failing: " + String.join(", ", after.failed()));
    log.accept(success ? "converged" + (local.read().isEmpty() ? "" : " at " + local.read()) : "a step failed");
    return success ? Outcome.CONVERGED : Outcome.STEP_FAILED;
  }

  private Step shell(String name, String command) {
    if (command == null || command.isBlank()) return null;
    log.accept("running " + name + ": " + command);
    Step s = Step.shell(name, command, settings.stepTimeout());
    log.accept(name + " exited " + s.exitCode());
    return s;
  }

  /** Runs every executable directly in the tests directory (not below it), in name order. */
  Validation validate() {
    Path dir = settings.testsDir();
    if (dir == null || !Files.isDirectory(dir)) return new Validation(List.of(), "");
    List<Path> tests;
    try (Stream<Path> files = Files.list(dir)) {
      tests = files.filter(f -> Files.isRegularFile(f) && Files.isExecutable(f)).sorted().toList();
    } catch (IOException e) {
      return new Validation(List.of("(tests directory unreadable)"), e.getMessage());
    }
    List<String> failed = new ArrayList<>();
    StringBuilder detail = new StringBuilder();
    for (Path t : tests) {
      Step s = Step.executable(t, settings.testTimeout());
      if (s.ok()) continue;
      failed.add(s.name());
      detail.append(s.name()).append(" exited ").append(s.exitCode());
      if (!s.tail().isEmpty()) detail.append(": ").append(s.tail());
      detail.append('\n');
    }
    return new Validation(failed, detail.toString().strip());
  }
}
