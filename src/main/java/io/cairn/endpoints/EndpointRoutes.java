package io.cairn.endpoints;

import io.cairn.rpc.RpcServer;
import io.cairn.state.Command;
import io.cairn.state.WatchSet;

/** The calls a server's {@link Endpoints} serve on the RPC port: forwarded writes, read barriers, reads for clients. */
public final class EndpointRoutes {
  private EndpointRoutes() {}

  public static void register(RpcServer rpc, Endpoints endpoints) {
    rpc.register("/rpc/apply", Command.class, endpoints::applyForwarded);
    rpc.register("/rpc/apply-batch", WriteForwarder.Batch.class, (batch, fwd) -> endpoints.applyForwardedBatch(batch));
    rpc.register("/rpc/readindex", Object.class, (none, fwd) -> endpoints.leaderReadIndex());
    rpc.register("/rpc/node", ClientCatalogPort.NodeQuery.class, (q, fwd) -> nodeCatalog(endpoints, q.node()));
    rpc.register("/rpc/view", CatalogViewQuery.class,
        (q, fwd) -> CatalogViewQuery.answer(endpoints.store(), q, endpoints::isStopping));
    rpc.register("/rpc/session-renew", Endpoints.RenewRequest.class, (req, fwd) -> endpoints.renewOnLeader(req));
  }

  private static ClientCatalogPort.NodeCatalog nodeCatalog(Endpoints endpoints, String node) {
    return new ClientCatalogPort.NodeCatalog(endpoints.store().nodeServices(new WatchSet(), node).value().orElse(null),
        endpoints.store().nodeChecks(new WatchSet(), node).value());
  }
}
