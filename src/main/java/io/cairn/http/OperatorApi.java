package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.raft.RaftNode;

/** /v1/operator/raft/: the Raft configuration, and removing a server from it. */
final class OperatorApi {
  private final ApiContext ctx;

  OperatorApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/operator/raft/configuration", (req, rest) -> {
      req.queryOptions();
      String leader = ctx.endpoints().leaderId();
      ObjectNode out = Wire.object();
      ArrayNode servers = out.putArray("Servers");
      for (RaftNode.RaftPeerSpec p : ctx.endpoints().peers()) {
        ObjectNode s = servers.addObject();
        s.put("ID", p.id());
        s.put("Node", p.id());
        s.put("Address", p.rpcAddress());
        s.put("Leader", p.id().equals(leader));
        s.put("ProtocolVersion", "3");
        s.put("Voter", true);
      }
      out.put("Index", ctx.endpoints().store().lastIndex());
      return Reply.json(out, ctx.endpoints().meta(ctx.endpoints().store().lastIndex()));
    });
    r.route("DELETE", "/v1/operator/raft/peer", (req, rest) -> {
      String id = req.param("id");
      String address = req.param("address");
      if ((id == null || id.isEmpty()) && (address == null || address.isEmpty())) {
        throw ApiException.badRequest("Must specify either ?id with the server's ID or ?address with IP:port of peer to remove");
      }
      RaftNode.RaftPeerSpec peer = ctx.endpoints().peers().stream()
          .filter(p -> p.id().equals(id) || p.rpcAddress().equals(address)).findFirst()
          .orElseThrow(() -> ApiException.badRequest("no such raft peer: " + (id != null ? id : address)));
      ctx.endpoints().removePeer(peer.id());
      return Reply.ok();
    });
  }
}
