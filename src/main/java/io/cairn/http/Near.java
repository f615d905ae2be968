package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cairn.membership.Vivaldi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ?near=<node>|_agent}: an answer's entries sorted by the estimated round trip from that
 * node (its LAN coordinate to theirs), nearest first; entries whose node has no coordinate go
 * last, in the order they had. A node with no coordinate sorts nothing, as in Consul.
 */
final class Near {
  private Near() {}

  static Reply sort(ApiContext ctx, ApiRequest req, Reply reply, Function<JsonNode, String> nodeOf) {
    String near = req.param("near");
    if (near == null || near.isEmpty() || !(reply.json() instanceof ArrayNode entries) || entries.size() < 2) return reply;
    String origin = near.equals("_agent") ? ctx.agent().self().nodeName() : near;
    Map<String, Vivaldi.Coordinate> coords = ctx.agent().lanCoordinates();
    Vivaldi.Coordinate from = coords.get(origin);
    if (from == null) return reply;
    List<JsonNode> list = new ArrayList<>();
    entries.forEach(list::add);
    list.sort(Comparator.comparing((JsonNode e) -> {
      Vivaldi.Coordinate c = coords.get(nodeOf.apply(e));
      return c == null ? Duration.ofDays(1) : from.distanceTo(c);
    }));
    entries.removeAll();
    list.forEach(entries::add);
    return reply;
  }
}
