package io.cairn.http;

/** The whole API surface, one line per area. */
final class Routes {
  private Routes() {}

  static Router build(ApiContext ctx) {
    Router r = new Router();
    new AgentApi(ctx).register(r);
    new DebugApi(ctx).register(r);
    new MetricsApi(ctx).register(r);
    new KvApi(ctx).register(r);
    new CatalogApi(ctx).register(r);
    new HealthApi(ctx).register(r);
    new StatusApi(ctx).register(r);
    new SnapshotApi(ctx).register(r);
    new OperatorApi(ctx).register(r);
    new AutopilotApi(ctx).register(r);
    new SessionApi(ctx).register(r);
    new TxnApi(ctx).register(r);
    new QueryApi(ctx).register(r);
    new CoordinateApi(ctx).register(r);
    new EventApi(ctx).register(r);
    return r;
  }
}
