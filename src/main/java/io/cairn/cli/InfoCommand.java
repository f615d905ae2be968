package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/** {@code cairn info}: the agent's statistics, in sections of {@code key = value} lines as Consul prints them. */
@Command(name = "info", description = "Prints the agent's statistics and identity.")
final class InfoCommand extends ClientCommand {
  @Override
  int run(ApiClient client) {
    JsonNode self = client.get("/v1/agent/self", Map.of());
    Map<String, Map<String, String>> sections = new TreeMap<>();
    self.path("Stats").properties().forEach(section -> {
      Map<String, String> values = sections.computeIfAbsent(section.getKey(), k -> new TreeMap<>());
      section.getValue().properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
    });
    fillFromConfig(self, sections);
    sections.forEach((name, values) -> {
      out().println(name + ":");
      values.forEach((k, v) -> out().println("\t" + k + " = " + v));
    });
    return 0;
  }

  /**
   * Consul's agent reports build and server state as stats; an agent that does not (Cairn's
   * reports only counts so far) still says who it is, from its configuration. Stats win.
   */
  private static void fillFromConfig(JsonNode self, Map<String, Map<String, String>> sections) {
    JsonNode config = self.path("Config");
    JsonNode debug = self.path("DebugConfig");
    Map<String, String> build = sections.computeIfAbsent("build", k -> new TreeMap<>());
    build.putIfAbsent("version", config.path("Version").asText());
    build.putIfAbsent("revision", config.path("Revision").asText());
    Map<String, String> consul = sections.computeIfAbsent("consul", k -> new TreeMap<>());
    consul.putIfAbsent("datacenter", config.path("Datacenter").asText());
    consul.putIfAbsent("node_name", config.path("NodeName").asText());
    consul.putIfAbsent("node_id", config.path("NodeID").asText());
    consul.putIfAbsent("server", config.path("Server").asText());
    if (debug.has("Bootstrap")) consul.putIfAbsent("bootstrap", debug.path("Bootstrap").asText());
  }
}
