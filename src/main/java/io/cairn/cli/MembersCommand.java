package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn members}: the cluster members this agent knows, as Consul prints them. */
@Command(name = "members", description = "Lists the members of the cluster.")
final class MembersCommand extends ClientCommand {
  @Option(names = "-wan", description = "List the WAN members (servers of all datacenters) instead of the LAN ones.")
  boolean wan;
  @Option(names = "-status", paramLabel = "REGEX", description = "Only members whose status (alive, left, failed...) matches.")
  String statusFilter = ".*";
  @Option(names = "-detailed", description = "Show each member's tags instead of the summary columns.") boolean detailed;

  @Override
  int run(ApiClient client) {
    java.util.regex.Pattern statusRe;
    try {
      statusRe = java.util.regex.Pattern.compile(statusFilter);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new ClientError("Failed to compile status regexp: " + e.getDescription());
    }
    JsonNode members = client.get("/v1/agent/members", wan ? Map.of("wan", "1") : Map.of());
    List<JsonNode> sorted = new ArrayList<>();
    members.forEach(m -> {
      if (statusRe.matcher(status(m.path("Status").asInt())).find()) sorted.add(m);
    });
    if (sorted.isEmpty()) return 2;  // consul's: nothing matched the filter
    sorted.sort(Comparator.comparing(m -> m.path("Name").asText()));
    if (detailed) {
      Columns table = new Columns().row("Node", "Address", "Status", "Tags");
      for (JsonNode m : sorted) {
        List<String> tags = new ArrayList<>();
        m.path("Tags").properties().forEach(t -> tags.add(t.getKey() + "=" + t.getValue().asText()));
        java.util.Collections.sort(tags);
        table.row(m.path("Name").asText(), hostPort(m.path("Addr").asText(), m.path("Port").asInt()),
            status(m.path("Status").asInt()), String.join(",", tags));
      }
      table.print(out());
      return 0;
    }
    Columns table = new Columns().row("Node", "Address", "Status", "Type", "Build", "Protocol", "DC");
    for (JsonNode m : sorted) {
      JsonNode tags = m.path("Tags");
      table.row(m.path("Name").asText(), hostPort(m.path("Addr").asText(), m.path("Port").asInt()),
          status(m.path("Status").asInt()), tags.path("role").asText().equals("consul") ? "server" : "client",
          build(tags.path("build").asText()), tags.path("vsn").asText(), tags.path("dc").asText());
    }
    table.print(out());
    return 0;
  }

  /** Serf's member status codes. */
  static String status(int code) {
    return switch (code) {
      case 0 -> "none";
      case 1 -> "alive";
      case 2 -> "leaving";
      case 3 -> "left";
      case 4 -> "failed";
      default -> "unknown";
    };
  }

  /** Consul appends ":revision" to the build tag; its CLI shows the version only. */
  private static String build(String tag) {
    int colon = tag.indexOf(':');
    return colon < 0 ? tag : tag.substring(0, colon);
  }

  /** The member's address, with its port when known (a member the leader has not heard since it took over has none yet). */
  private static String hostPort(String addr, int port) {
    String host = addr.contains(":") ? "[" + addr + "]" : addr;
    return port > 0 ? host + ":" + port : host;
  }
}
