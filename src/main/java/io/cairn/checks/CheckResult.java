package io.cairn.checks;

import io.cairn.state.CheckStatus;

/**
 * What one run of a check found. A probe keeps at most {@link #MAX_OUTPUT} characters; the runner
 * then cuts to the check's OutputMaxSize, or the agent's check_output_max_size (4096 by default,
 * as Consul's).
 */
public record CheckResult(CheckStatus status, String output) {
  /** The most any probe keeps, whatever a check asks for. */
  public static final int MAX_OUTPUT = 1024 * 1024;
  /** Consul's default check_output_max_size. */
  public static final int DEFAULT_OUTPUT_MAX = 4096;

  public CheckResult {
    output = output == null ? "" : output;
    if (output.length() > MAX_OUTPUT) output = output.substring(0, MAX_OUTPUT);
  }

  /** The output cut to {@code max} characters. */
  public CheckResult cut(int max) {
    return output.length() <= max ? this : new CheckResult(status, output.substring(0, max));
  }
}
