package io.cairn.endpoints;

import io.cairn.rpc.Ack;
import io.cairn.rpc.RpcServer;
import io.cairn.state.Command;
import io.cairn.state.WatchSet;
import java.time.Duration;

/**
 * The calls a server's {@link Endpoints} serve on the RPC port: the typed reads and commands of
 * client agents ({@link RemoteCluster}), and forwarded writes and read barriers between servers.
 */
public final class EndpointRoutes {
  private EndpointRoutes() {}

  public static void register(RpcServer rpc, Endpoints endpoints) {
    rpc.register("/rpc/apply", Command.class, endpoints::applyForwarded);
    rpc.register("/rpc/apply-batch", WriteForwarder.Batch.class, (batch, fwd) -> endpoints.applyForwardedBatch(batch));
    rpc.register("/rpc/readindex", Object.class, (none, fwd) -> endpoints.leaderReadIndex());
    rpc.register("/rpc/term", Object.class, (none, fwd) -> endpoints.term());
    rpc.register("/rpc/read", RemoteCluster.ReadRequest.class, (req, fwd) -> {
      String dc = req.datacenter();
      if (dc == null || dc.isEmpty() || dc.equals(endpoints.datacenter())) return read(endpoints, req);
      // Another datacenter's: from a client agent of this one, sent on once; never further.
      if (fwd) throw new UnknownDatacenterException(dc);
      return readElsewhere(endpoints, dc, req);
    });
    rpc.register("/rpc/raft-status", Object.class, (none, fwd) -> endpoints.raft());
    rpc.register("/rpc/autopilot", Object.class, (none, fwd) -> endpoints.autopilot(fwd));
    rpc.register("/rpc/transfer-leader", LeaderOperations.Transfer.class,
        (t, fwd) -> new LeaderOperations.Transfer(endpoints.transferLeader(t.id(), fwd)));
    rpc.register("/rpc/node", ClientCatalogPort.NodeQuery.class, (q, fwd) -> nodeCatalog(endpoints, q.node()));
    rpc.register("/rpc/session-renew", Endpoints.RenewRequest.class, (req, fwd) -> endpoints.renewOnLeader(req));
    rpc.register("/rpc/session-renew-any", RemoteCluster.Id.class,
        (req, fwd) -> new Endpoints.Renewed(endpoints.renewSession(req.id()).orElse(null)));
    rpc.register("/rpc/remove-peer", RemoteCluster.Id.class, (req, fwd) -> {
      endpoints.removePeer(req.id());
      return Ack.OK;
    });
  }

  /**
   * A client agent's read of another datacenter's state ({@code /rpc/read} naming it): sent to a
   * live server there, marked forwarded so it goes no further, and its answer passed back as it
   * came. Unknown: Consul's "No path to datacenter"; none reachable: its "no server" error.
   */
  private static Object readElsewhere(Endpoints endpoints, String dc, RemoteCluster.ReadRequest req) {
    Endpoints.OtherDatacenters o = endpoints.others();
    if (o == null || !o.knows(dc)) throw new UnknownDatacenterException(dc);
    RemoteCluster.ReadRequest there = new RemoteCluster.ReadRequest(req.query(), req.consistency(), req.minIndex(),
        req.maxWaitMillis(), req.token(), "");
    Duration wait = req.minIndex() > 0 ? (req.maxWaitMillis() > 0 ? Duration.ofMillis(req.maxWaitMillis()) : QueryOptions.DEFAULT_WAIT)
        : Duration.ZERO;
    for (String address : o.alive(dc)) {
      try {
        return endpoints.rpc().post(address, "/rpc/read", there, RemoteCluster.ReadAnswer.class, wait.plus(Duration.ofSeconds(30)), true);
      } catch (io.cairn.rpc.RpcClient.RemoteError e) {
        throw new RemoteCluster.RemoteFailure(e.reason());
      } catch (java.io.IOException e) {
        o.failed(address);
      }
    }
    throw new RemoteCluster.RemoteFailure("Remote DC has no server currently reachable");
  }

  /** A client agent's read, served as this server serves its own API's. */
  private static Served read(Endpoints endpoints, RemoteCluster.ReadRequest req) throws InterruptedException {
    if (req.query() == null) throw new IllegalArgumentException("no read given");
    QueryOptions opts = new QueryOptions(req.consistency() == null ? Consistency.DEFAULT : req.consistency(), req.minIndex(),
        req.maxWaitMillis() > 0 ? Duration.ofMillis(req.maxWaitMillis()) : null, req.token() == null ? "" : req.token(), "");
    return serve(endpoints, opts, req.query());
  }

  /**
   * The answer of /rpc/read as it is sent: the value is written once, straight from the records
   * the store returned, into the shape {@link RemoteCluster.ReadAnswer} reads.
   */
  record Served(Object value, QueryMeta meta) {}

  private static <T> Served serve(Endpoints endpoints, QueryOptions opts, Query<T> query) throws InterruptedException {
    QueryResult<T> r = endpoints.read(opts, query);
    return new Served(query.toWire(r.value()), r.meta());
  }

  private static ClientCatalogPort.NodeCatalog nodeCatalog(Endpoints endpoints, String node) {
    return new ClientCatalogPort.NodeCatalog(endpoints.store().nodeServices(new WatchSet(), node).value().orElse(null),
        endpoints.store().nodeChecks(new WatchSet(), node).value());
  }
}
