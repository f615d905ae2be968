package io.cairn.cli;

import io.cairn.checks.GoDuration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn wait-ready}: returns once the agent answers {@code /v1/agent/ready} with 200 (joined,
 * a leader known, its services synced), for what a node starts after its agent; an agent not up
 * yet is waited for too. Exit 1 with the stage it was in if the timeout passes first.
 */
@Command(name = "wait-ready", description = "Waits until the agent has joined, knows a leader and has synced its services.")
final class WaitReadyCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Option(names = "-timeout", paramLabel = "DURATION", description = "How long to wait (Go duration, e.g. 90s, 5m). Default 5m.")
  String timeout = "5m";

  @Override
  public Integer call() throws Exception {
    Duration limit;
    try {
      limit = GoDuration.parse(timeout);
    } catch (IllegalArgumentException e) {
      throw new ClientError("-timeout: " + e.getMessage());
    }
    URI ready = URI.create(ApiOptions.agentAddress(api.httpAddr, System.getenv()) + "/v1/agent/ready");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "the agent does not answer";
    while (true) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          spec.commandLine().getOut().println("Agent is ready");
          return 0;
        }
        last = r.body().strip();
      } catch (IOException e) {
        last = "the agent does not answer (" + e.getMessage() + ")";
      }
      if (System.nanoTime() > deadline) throw new ClientError("not ready after " + timeout + ": " + last);
      Thread.sleep(500);
    }
  }
}
