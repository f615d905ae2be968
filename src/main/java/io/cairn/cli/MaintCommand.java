package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn maint}: as {@code consul maint}, puts the node or one of its services in
 * maintenance (answers leave it out) or takes it back; with no flag, lists what is in
 * maintenance on this agent.
 */
@Command(name = "maint", description = "Enables or disables maintenance mode for this node or one of its services;"
    + " with no flag, lists what is in maintenance.")
final class MaintCommand extends ClientCommand {
  private static final String NODE_CHECK = "_node_maintenance";
  private static final String SERVICE_CHECK = "_service_maintenance:";

  @Option(names = "-enable", description = "Enable maintenance mode.") boolean enable;
  @Option(names = "-disable", description = "Disable maintenance mode.") boolean disable;
  @Option(names = "-reason", paramLabel = "TEXT", description = "Why (with -enable); shown in the check's notes.") String reason;
  @Option(names = "-service", paramLabel = "ID", description = "A service's ID: that service instead of the node.") String service;

  @Override
  int run(ApiClient client) {
    if (enable && disable) throw new ClientError("Only one of -enable or -disable may be provided");
    if (!enable && reason != null) throw new ClientError("Reason may only be provided with -enable");
    if (!enable && !disable && service != null) throw new ClientError("Service requires either -enable or -disable");
    if (!enable && !disable) return list(client);
    Map<String, String> q = new LinkedHashMap<>();
    q.put("enable", Boolean.toString(enable));
    if (reason != null) q.put("reason", reason);
    // Current consul maint's words ("… is now enabled/disabled"), the service ID quoted as Go's %q quotes it.
    String state = enable ? "enabled" : "disabled";
    if (service == null) {
      client.put("/v1/agent/maintenance", q, null);
      out().println("Node maintenance is now " + state);
    } else {
      client.put("/v1/agent/service/maintenance/" + ApiClient.encodePath(service), q, null);
      out().println("Service maintenance is now " + state + " for " + quoted(service));
    }
    return 0;
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private int list(ApiClient client) {
    JsonNode checks = client.get("/v1/agent/checks", Map.of());
    for (JsonNode c : checks) {
      String id = c.path("CheckID").asText();
      if (id.equals(NODE_CHECK)) {
        out().println("Node:");
        out().println("  Name:   " + c.path("Node").asText());
        out().println("  Reason: " + c.path("Notes").asText());
        out().println();
      } else if (id.startsWith(SERVICE_CHECK)) {
        out().println("Service:");
        out().println("  ID:     " + c.path("ServiceID").asText());
        out().println("  Reason: " + c.path("Notes").asText());
        out().println();
      }
    }
    return 0;
  }
}
