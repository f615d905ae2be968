package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryOptions;
import io.cairn.http.filter.Filter;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceEntry;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** /v1/health/: checks by node, service and state, and service instances with their health. */
final class HealthApi {
  private final ApiContext ctx;

  HealthApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/health/node/", (req, node) -> checks(req, opts -> ctx.cluster().read(opts, new Query.NodeChecks(node))));
    r.route("GET", "/v1/health/checks/", (req, svc) -> checks(req, opts -> ctx.cluster().read(opts, new Query.ServiceChecks(svc))));
    r.route("GET", "/v1/health/state/", this::state);
    r.route("GET", "/v1/health/service/", this::service);
  }

  private interface CheckRead {
    QueryResult<List<HealthCheck>> read(QueryOptions opts) throws Exception;
  }

  private Reply checks(ApiRequest req, CheckRead read) throws Exception {
    return checks(req, read, c -> true);
  }

  /**
   * Checks, with ?filter, ?node-meta (the check's node must carry each pair, as Consul's
   * health/checks and health/state take it) and ?near (nearest node first).
   */
  private Reply checks(ApiRequest req, CheckRead read, Predicate<HealthCheck> wanted) throws Exception {
    Filter expr = req.filter(FilterSchemas.CHECK);
    Filters filters = Filters.of(req);
    boolean byMeta = !filters.nodeMeta().isEmpty();
    return Near.sort(ctx, req, FilteredRead.serve(ctx, req, expr != null || byMeta, opts -> {
      QueryResult<List<HealthCheck>> r = read.read(opts);
      java.util.Map<String, io.cairn.state.Node> nodes = new java.util.HashMap<>();
      if (byMeta) {
        // The nodes as they are now (not a second wait): the checks' read already blocked.
        QueryOptions now = new QueryOptions(opts.consistency(), 0, opts.maxWait(), opts.token(), opts.datacenter());
        ctx.cluster().read(now, new Query.Nodes()).value().forEach(n -> nodes.put(n.name(), n));
      }
      ArrayNode out = Wire.array();
      for (HealthCheck c : r.value()) {
        if (!wanted.test(c)) continue;
        if (byMeta && (nodes.get(c.node()) == null || !filters.matches(nodes.get(c.node())))) continue;
        ObjectNode o = Wire.check(c);
        if (expr == null || expr.matches(o)) out.add(o);
      }
      return Reply.json(out, r.meta());
    }), n -> n.path("Node").asText());
  }

  private Reply state(ApiRequest req, String state) throws Exception {
    Optional<CheckStatus> wanted = CheckStatus.parse(state);
    if (!state.equals("any") && wanted.isEmpty()) throw ApiException.badRequest("Invalid state: \"" + state + "\"; use any, passing, warning or critical");
    return checks(req, opts -> ctx.cluster().read(opts, new Query.Checks()), c -> wanted.isEmpty() || c.status() == wanted.get());
  }

  private Reply service(ApiRequest req, String name) throws Exception {
    Filters filters = Filters.of(req);
    boolean passingOnly = req.flag("passing");
    Filter expr = req.filter(FilterSchemas.CHECK_SERVICE_NODE);
    return Near.sort(ctx, req, FilteredRead.serve(ctx, req, expr != null, opts -> {
      QueryResult<List<ServiceEntry>> r = ctx.cluster().read(opts, new Query.ServiceEntries(name));
      ArrayNode out = Wire.array();
      for (ServiceEntry e : r.value()) {
        if (!filters.matches(e.node()) || !filters.matches(e.service())) continue;
        if (passingOnly && e.aggregate() != CheckStatus.PASSING) continue;
        ObjectNode o = Wire.serviceEntry(e);
        if (expr == null || expr.matches(o)) out.add(o);
      }
      return Reply.json(out, r.meta());
    }), n -> n.path("Node").path("Node").asText());
  }
}
