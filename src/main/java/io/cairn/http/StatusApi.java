package io.cairn.http;

/** /v1/status/leader and /v1/status/peers: the leader's and the servers' RPC addresses. */
final class StatusApi {
  private final ApiContext ctx;

  StatusApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/status/leader", (req, rest) -> {
      req.queryOptions();
      return Reply.json(Wire.text(ctx.cluster().raft().leaderAddress()));
    });
    r.route("GET", "/v1/status/peers", (req, rest) -> Reply.json(Wire.strings(ctx.cluster().raft().peerAddresses())));
  }
}
