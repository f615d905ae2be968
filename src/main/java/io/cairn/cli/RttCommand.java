package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.membership.Vivaldi;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn rtt [-wan] node1 [node2]}: the round trip between two nodes as their network
 * coordinates estimate it, as {@code consul rtt}; node2 defaults to this agent's node. With
 * -wan, servers named {@code <node>.<dc>}.
 */
@Command(name = "rtt", description = "Estimates the round trip between two nodes from their network coordinates.")
final class RttCommand extends ClientCommand {
  @Option(names = "-wan", description = "Use WAN coordinates (servers, named <node>.<dc>).") boolean wan;

  @Parameters(arity = "1..2", paramLabel = "node") java.util.List<String> nodes;

  @Override
  int run(ApiClient client) {
    Map<String, Vivaldi.Coordinate> coords = new HashMap<>();
    JsonNode self = client.get("/v1/agent/self", Map.of());
    String agentNode = self.path("Config").path("NodeName").asText();
    if (wan) {
      for (JsonNode dc : client.get("/v1/coordinate/datacenters", Map.of())) {
        for (JsonNode c : dc.path("Coordinates")) coords.put(c.path("Node").asText(), coordinate(c.path("Coord")));
      }
      agentNode = agentNode + "." + self.path("Config").path("Datacenter").asText();
    } else {
      for (JsonNode c : client.get("/v1/coordinate/nodes", Map.of())) coords.put(c.path("Node").asText(), coordinate(c.path("Coord")));
    }
    String a = nodes.get(0);
    String b = nodes.size() > 1 ? nodes.get(1) : agentNode;
    Vivaldi.Coordinate ca = coords.get(a);
    Vivaldi.Coordinate cb = coords.get(b);
    if (ca == null) throw new ClientError("Could not find a coordinate for node \"" + a + "\"");
    if (cb == null) throw new ClientError("Could not find a coordinate for node \"" + b + "\"");
    double ms = ca.distanceTo(cb).toNanos() / 1e6;
    out().println(String.format(Locale.ROOT, "Estimated %s <-> %s rtt: %.3f ms (using %s coordinates)", a, b, ms, wan ? "WAN" : "LAN"));
    return 0;
  }

  private static Vivaldi.Coordinate coordinate(JsonNode c) {
    try {
      return ApiClient.JSON.treeToValue(c, Vivaldi.Coordinate.class);
    } catch (Exception e) {
      throw new ClientError("the agent answered with an unreadable coordinate: " + e.getMessage());
    }
  }
}
