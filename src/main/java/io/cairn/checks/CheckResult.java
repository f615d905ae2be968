package io.cairn.checks;

import io.cairn.state.CheckStatus;

/** What one run of a check found. Output is cut to {@link #MAX_OUTPUT} characters, as Consul does. */
public record CheckResult(CheckStatus status, String output) {
  public static final int MAX_OUTPUT = 4096;

  public CheckResult {
    output = output == null ? "" : output;
    if (output.length() > MAX_OUTPUT) output = output.substring(0, MAX_OUTPUT);
  }
}
