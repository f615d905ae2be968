package io.cairn.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.agent.WatchHandlers;
import io.cairn.agent.WatchPlan;
import io.cairn.checks.GoDuration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn watch}: as {@code consul watch}, a view of the catalog, KV or events followed with
 * blocking queries ({@link WatchPlan}). Without a handler it prints the view once, indented as
 * consul prints it, and exits; with one, it runs the handler every time the view changes, with
 * the view on stdin and {@code CONSUL_INDEX} set. A handler that fails is reported and the watch
 * goes on; one that runs past {@code -handler-timeout} is killed.
 */
@Command(name = "watch", description = "Watches a view of the catalog, KV store or events and runs a handler on each change. "
    + "A handler that fails is reported and the watch goes on (consul's watch stops and exits 1).")
final class WatchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Consul's watch prints with four spaces of indent and "key": value. */
  private static final DefaultPrettyPrinter INDENTED = indented();

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

  private static DefaultPrettyPrinter indented() {
    DefaultIndenter indent = new DefaultIndenter("    ", "\n");
    DefaultPrettyPrinter p = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withArrayEmptySeparator("").withObjectEmptySeparator(""));
    p.indentObjectsWith(indent);
    p.indentArraysWith(indent);
    return p;
  }

  @Override
  public Integer call() throws Exception {
    WatchPlan plan;
    try {
      plan = new WatchPlan(ApiOptions.agentAddress(api.httpAddr, System.getenv()), api.token,
          new WatchPlan.Spec(type, key, prefix, service, tags, passingOnly, state, name));
    } catch (IllegalArgumentException e) {
      throw new ClientError(e.getMessage());
    }
    if (handler.isEmpty()) {
      try {
        plan.run((index, view) -> {
          spec.commandLine().getOut().println(JSON.writer(INDENTED).writeValueAsString(view));
          return false;
        }, m -> { }, true);
      } catch (IOException e) {
        throw new ClientError("Error querying Consul agent: " + e.getMessage());
      }
      return 0;
    }
    Duration timeout;
    try {
      timeout = GoDuration.parse(handlerTimeout);
    } catch (IllegalArgumentException e) {
      throw new ClientError("-handler-timeout: " + e.getMessage());
    }
    WatchPlan.Problems say = m -> spec.commandLine().getErr().println(m);
    plan.run(WatchHandlers.script(handler, shell, timeout, say), say, false);
    return 0;
  }
}
