package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn event}: fires a user event, as {@code consul event} does; prints its ID. */
@Command(name = "event", description = "Fires a user event to the agents whose node, service and tag match the filters.")
final class EventCommand extends ClientCommand {
  @Option(names = "-name", paramLabel = "NAME", description = "The event's name (required; names starting with _ are reserved).")
  String name;
  @Option(names = "-node", paramLabel = "REGEX", description = "Only nodes whose name matches.") String node;
  @Option(names = "-service", paramLabel = "REGEX", description = "Only nodes with a service whose name matches.") String service;
  @Option(names = "-tag", paramLabel = "REGEX", description = "With -service: only a service with a matching tag.") String tag;
  @Parameters(arity = "0..1", paramLabel = "PAYLOAD") String payload;

  /**
   * The node, service and tag filters of an event (or of {@code exec}'s), in Consul's order and
   * words: each must compile, then a tag needs a service. Null or empty means no filter.
   */
  static void checkFilters(String node, String service, String tag) {
    for (String[] f : new String[][] {{"node", node}, {"service", service}, {"tag", tag}}) {
      if (f[1] == null || f[1].isEmpty()) continue;
      try {
        java.util.regex.Pattern.compile(f[1]);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new ClientError("Failed to compile " + f[0] + " filter regexp: " + e.getDescription());
      }
    }
    if (tag != null && !tag.isEmpty() && (service == null || service.isEmpty())) {
      throw new ClientError("Cannot provide tag filter without service filter.");
    }
  }

  @Override
  int run(ApiClient client) {
    if (name == null || name.isEmpty()) throw new ClientError("Event name must be specified");
    if (name.startsWith("_")) throw new ClientError("Event name \"" + name + "\" is reserved: names starting with _ are for internal events");
    checkFilters(node, service, tag);
    Map<String, String> q = new LinkedHashMap<>();
    if (node != null) q.put("node", node);
    if (service != null) q.put("service", service);
    if (tag != null) q.put("tag", tag);
    JsonNode fired = client.put("/v1/event/fire/" + ApiClient.encodePath(name), q,
        payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    out().println("Event ID: " + fired.path("ID").asText());
    return 0;
  }
}
