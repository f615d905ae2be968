package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.Consistency;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.RaftStatus;
import io.cairn.raft.Voter;
import io.cairn.rpc.NoLeaderException;

/**
 * /v1/operator/raft/: the Raft configuration, removing a server from it, handing leadership to
 * another; /v1/operator/usage: what the catalog holds, counted.
 */
final class OperatorApi {
  private final ApiContext ctx;

  OperatorApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/operator/raft/configuration", (req, rest) -> {
      QueryOptions opts = req.queryOptions();
      RaftStatus raft = ctx.cluster().raft();
      // As Consul's, which asks the leader: while there is none (an election under way), no
      // configuration rather than one without a leader in it; ?stale answers with what is known.
      if (raft.leaderId().isEmpty() && opts.consistency() != Consistency.STALE) throw new NoLeaderException();
      String leader = raft.leaderId();
      ObjectNode out = Wire.object();
      ArrayNode servers = out.putArray("Servers");
      for (RaftStatus.Peer p : raft.peers()) {
        ObjectNode s = servers.addObject();
        s.put("ID", p.id());
        s.put("Node", p.id());
        s.put("Address", p.rpcAddress());
        s.put("Leader", p.id().equals(leader));
        s.put("ProtocolVersion", "3");
        s.put("Voter", true);
      }
      out.put("Index", raft.lastIndex());
      return Reply.json(out, raft.meta());
    });
    r.route("POST", "/v1/operator/raft/transfer-leader", (req, rest) -> {
      String id = req.param("id");
      try {
        ctx.cluster().transferLeader(id == null ? "" : id);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(e.getMessage());
      }
      ObjectNode out = Wire.object();
      out.put("Success", true);
      return Reply.json(out);
    });
    r.route("GET", "/v1/operator/usage", (req, rest) -> usage(req));
    r.route("DELETE", "/v1/operator/raft/peer", (req, rest) -> {
      String id = req.param("id");
      String address = req.param("address");
      if ((id == null || id.isEmpty()) && (address == null || address.isEmpty())) {
        throw ApiException.badRequest("Must specify either ?id with the server's ID or ?address with IP:port of peer to remove");
      }
      RaftStatus.Peer peer = ctx.cluster().raft().peers().stream()
          .filter(p -> p.id().equals(id) || p.rpcAddress().equals(address)).findFirst()
          .orElseThrow(() -> ApiException.badRequest("no such raft peer: " + (id != null ? id : address)));
      ctx.cluster().removePeer(peer.id());
      return Reply.ok();
    });
  }

  /**
   * Consul's usage counts for this datacenter: service names, instances (and those of each mesh
   * kind), billable instances (neither Consul's own service nor a mesh proxy or gateway), nodes.
   */
  private Reply usage(ApiRequest req) throws Exception {
    QueryOptions opts = req.queryOptions();
    var nodes = ctx.cluster().read(opts, new Query.NodesWithServices());
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (String k : java.util.List.of("api-gateway", "connect-native", "connect-proxy", "ingress-gateway", "mesh-gateway",
        "terminating-gateway")) {
      kinds.put(k, 0);
    }
    int instances = 0;
    int billable = 0;
    for (var n : nodes.value()) {
      for (var s : n.services()) {
        instances++;
        names.add(s.name());
        boolean nativeApp = s.connect() != null && s.connect().replace(" ", "").contains("\"Native\":true");
        String kind = s.kind() == null || s.kind().isEmpty() ? (nativeApp ? "connect-native" : "") : s.kind();
        if (kinds.containsKey(kind)) kinds.merge(kind, 1, Integer::sum);
        if (!s.name().equals("consul") && (kind.isEmpty() || kind.equals("connect-native"))) billable++;
      }
    }
    ObjectNode out = Wire.object();
    ObjectNode dc = out.putObject("Usage").putObject(ctx.cluster().datacenter());
    dc.put("Services", names.size());
    dc.put("ServiceInstances", instances);
    ObjectNode connect = dc.putObject("ConnectServiceInstances");
    kinds.forEach(connect::put);
    dc.put("BillableServiceInstances", billable);
    dc.put("Nodes", nodes.value().size());
    return Reply.json(out, nodes.meta());
  }
}
