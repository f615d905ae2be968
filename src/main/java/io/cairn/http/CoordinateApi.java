package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.QueryMeta;
import io.cairn.membership.Vivaldi;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * /v1/coordinate: network coordinates (Vivaldi, as Serf's), LAN per node from heartbeats' round
 * trips and WAN per server from the WAN pool's probes. Kept in memory by membership, as the
 * liveness they come from is, not written through Raft: a coordinate changes with every probe.
 */
final class CoordinateApi {
  private final ApiContext ctx;

  CoordinateApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/coordinate/datacenters", (req, rest) -> datacenters());
    r.route("GET", "/v1/coordinate/nodes", (req, rest) -> Reply.json(nodes(ctx.agent().lanCoordinates(), null), meta()));
    r.route("GET", "/v1/coordinate/node/", (req, node) -> {
      ArrayNode out = nodes(ctx.agent().lanCoordinates(), node);
      if (out.isEmpty()) return Reply.notFound(meta());
      return Reply.json(out, meta());
    });
    r.route("PUT", "/v1/coordinate/update", (req, rest) -> {
      com.fasterxml.jackson.databind.JsonNode body = Wire.JSON.readTree(req.bodyText(64 * 1024));
      Fields f = new Fields(body, "coordinate update");
      String node = f.text("Node");
      if (node == null || node.isEmpty()) throw ApiException.badRequest("Must provide a node name");
      Vivaldi.Coordinate coord;
      try {
        coord = Wire.JSON.treeToValue(body.path("Coord"), Vivaldi.Coordinate.class);
      } catch (Exception e) {
        throw ApiException.badRequest("rejected bad coordinate: " + e.getMessage());
      }
      if (coord == null || !coord.valid()) throw ApiException.badRequest("rejected bad coordinate");
      ctx.agent().updateCoordinate(node, coord);
      return Reply.bool(true);
    });
  }

  private static QueryMeta meta() {
    return new QueryMeta(1, true, 0);
  }

  private static ArrayNode nodes(Map<String, Vivaldi.Coordinate> coords, String only) {
    ArrayNode out = Wire.array();
    new TreeMap<>(coords).forEach((node, c) -> {
      if (only != null && !only.equals(node)) return;
      ObjectNode o = out.addObject();
      o.put("Node", node);
      o.put("Segment", "");
      o.put("Partition", "default");
      o.set("Coord", coord(c));
    });
    return out;
  }

  static ObjectNode coord(Vivaldi.Coordinate c) {
    return Wire.JSON.valueToTree(c);
  }

  /** Each datacenter with its servers' WAN coordinates, this datacenter first (Consul's AreaID "wan"). */
  private Reply datacenters() {
    Map<String, Vivaldi.Coordinate> wan = ctx.agent().wanCoordinates();
    ArrayNode out = Wire.array();
    List<String> dcs = ctx.federation().datacenters();
    for (String dc : dcs) {
      ObjectNode d = out.addObject();
      d.put("Datacenter", dc);
      d.put("AreaID", "wan");
      ArrayNode coords = d.putArray("Coordinates");
      wan.forEach((key, c) -> {
        if (!key.endsWith("." + dc)) return;
        ObjectNode o = coords.addObject();
        o.put("Node", key);
        o.put("Segment", "");
        o.set("Coord", coord(c));
      });
    }
    return Reply.json(out);
  }
}
