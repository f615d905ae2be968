package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.checks.GoDuration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * {@code cairn watch}: as {@code consul watch}, a view of the catalog, KV or events followed with
 * blocking queries. Without a handler it prints the view once (indented JSON) and exits; with one,
 * it runs the handler every time the view changes, never for a wake-up that changed nothing,
 * with the view on stdin and {@code CONSUL_INDEX} in its environment. A handler that fails is
 * reported and the watch goes on; one that runs past {@code -handler-timeout} is killed.
 */
@Command(name = "watch", description = "Watches a view of the catalog, KV store or events and runs a handler on each change.")
final class WatchCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Consul's watch prints with four spaces of indent. */
  private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter INDENTED = indented();

  private static com.fasterxml.jackson.core.util.DefaultPrettyPrinter indented() {
    var indent = new com.fasterxml.jackson.core.util.DefaultIndenter("    ", "\n");
    var separators = com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
        .withArrayEmptySeparator("").withObjectEmptySeparator("");
    var p = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(separators);
    p.indentObjectsWith(indent);
    p.indentArraysWith(indent);
    return p;
  }

  @Mixin ApiOptions api;
  @Spec CommandSpec spec;

  @Option(names = "-type", required = true, description = "key, keyprefix, services, nodes, service, checks or event.") String type;
  @Option(names = "-key") String key;
  @Option(names = "-prefix") String prefix;
  @Option(names = "-service") String service;
  @Option(names = "-tag") List<String> tags = new ArrayList<>();
  @Option(names = "-passingonly", arity = "0..1", fallbackValue = "true") boolean passingOnly;
  @Option(names = "-state") String state;
  @Option(names = "-name") String name;
  @Option(names = "-shell", arity = "0..1", fallbackValue = "true", description = "Run the handler through $SHELL (default true).")
  boolean shell = true;
  @Option(names = "-handler-timeout", paramLabel = "DURATION", description = "Kill a handler running longer (default 10m).")
  String handlerTimeout = "10m";
  @Parameters(paramLabel = "handler") List<String> handler = new ArrayList<>();

  /** The API path (with its query) the view is read from. */
  String path() {
    return switch (type) {
      case "key" -> "/v1/kv/" + LockApi.enc(need(key, "-key", "key").replaceAll("^/+", ""));
      case "keyprefix" -> "/v1/kv/" + LockApi.enc(need(prefix, "-prefix", "keyprefix").replaceAll("^/+", "")) + "?recurse";
      case "services" -> "/v1/catalog/services";
      case "nodes" -> "/v1/catalog/nodes";
      case "service" -> {
        StringBuilder q = new StringBuilder("/v1/health/service/" + LockApi.enc(need(service, "-service", "service")) + "?");
        for (String t : tags) q.append("tag=").append(LockApi.enc(t)).append('&');
        if (passingOnly) q.append("passing&");
        yield q.substring(0, q.length() - 1);
      }
      case "checks" -> service != null && !service.isEmpty() ? "/v1/health/checks/" + LockApi.enc(service)
          : "/v1/health/state/" + LockApi.enc(state == null || state.isEmpty() ? "any" : state);
      case "event" -> "/v1/event/list" + (name == null || name.isEmpty() ? "" : "?name=" + LockApi.enc(name));
      default -> throw new ClientError("Unsupported watch type: " + type);
    };
  }

  private static String need(String v, String flag, String forType) {
    if (v == null || v.isEmpty()) throw new ClientError("Must specify " + flag + " for watch type " + forType);
    return v;
  }

  @Override
  public Integer call() throws Exception {
    String path = path();
    Duration timeout;
    try {
      timeout = GoDuration.parse(handlerTimeout);
    } catch (IllegalArgumentException e) {
      throw new ClientError("-handler-timeout: " + e.getMessage());
    }
    LockApi kv = new LockApi(ApiOptions.agentAddress(api.httpAddr, System.getenv()), api.token);
    long index = 0;
    JsonNode last = null;
    while (true) {
      LockApi.Read r;
      try {
        r = kv.get(path, index, WAIT);
      } catch (IOException e) {
        if (handler.isEmpty()) throw new ClientError("Error querying Consul agent: " + e.getMessage());
        spec.commandLine().getErr().println("Watch error: " + e.getMessage());
        Thread.sleep(5000);
        continue;
      }
      // Consul's rules: an index that went backwards starts over; a view that did not change is no event.
      index = r.index() < index ? 0 : r.index();
      JsonNode view = type.equals("key") && r.body() != null && r.body().size() > 0 ? r.body().get(0) : r.body();
      if (view == null || view.equals(last)) continue;
      last = view;
      if (handler.isEmpty()) {
        spec.commandLine().getOut().println(JSON.writer(INDENTED).writeValueAsString(view));
        return 0;
      }
      runHandler(view, r.index(), timeout);
    }
  }

  private void runHandler(JsonNode view, long index, Duration timeout) throws InterruptedException {
    ProcessBuilder pb = shell
        ? new ProcessBuilder(System.getenv().getOrDefault("SHELL", "/bin/sh"), "-c", String.join(" ", handler))
        : new ProcessBuilder(handler);
    pb.environment().put("CONSUL_INDEX", Long.toString(index));
    pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write((JSON.writeValueAsString(view) + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // the handler did not read its input: its business
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        spec.commandLine().getErr().println("Watch handler timed out after " + handlerTimeout + ": killed");
      } else if (p.exitValue() != 0) {
        spec.commandLine().getErr().println("Watch handler exited with status " + p.exitValue());
      }
    } catch (IOException e) {
      spec.commandLine().getErr().println("Error executing handler: " + e.getMessage());
    }
  }
}
