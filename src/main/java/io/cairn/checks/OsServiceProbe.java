package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * OSService check, as Consul's on Linux: passing while the systemd unit is active, critical
 * otherwise, with systemd's own word for its state; critical, saying so, where there is no
 * systemctl to ask.
 */
final class OsServiceProbe implements Probe {
  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    String unit = def.target();
    Process p;
    try {
      p = new ProcessBuilder("systemctl", "is-active", unit).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new CheckResult(CheckStatus.CRITICAL, "cannot ask systemd about " + unit + ": " + e.getMessage());
    }
    if (!p.waitFor(def.effectiveTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return new CheckResult(CheckStatus.CRITICAL, "systemctl is-active " + unit + " timed out");
    }
    String state;
    try {
      state = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      state = e.getMessage();
    }
    return p.exitValue() == 0 ? new CheckResult(CheckStatus.PASSING, "Service \"" + unit + "\" is " + state)
        : new CheckResult(CheckStatus.CRITICAL, "Service \"" + unit + "\" is " + (state.isEmpty() ? "not active" : state));
  }
}
