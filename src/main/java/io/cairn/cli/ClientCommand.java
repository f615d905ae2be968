package io.cairn.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to an agent over its HTTP API. Output goes to the command line's own
 * writers, so that a caller running {@link Main} in-process can capture it; a failure is thrown
 * as a {@link ClientError} and reported by {@link Main} as one {@code Error:} line with exit 1.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    return run(api.client());
  }

  /** Does the work; returns the exit code. */
  abstract int run(ApiClient client) throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
