package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.Consistency;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.RaftStatus;
import io.cairn.raft.Voter;
import io.cairn.rpc.NoLeaderException;

/** /v1/operator/raft/: the Raft configuration, and removing a server from it. */
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
}
