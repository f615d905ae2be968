package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.Query;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceEntry;
import java.util.List;
import java.util.Optional;

/** /v1/health/: checks by node, service and state, and service instances with their health. */
final class HealthApi {
  private final ApiContext ctx;

  HealthApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/health/node/", (req, node) -> checks(req, ctx.cluster().read(req.queryOptions(), new Query.NodeChecks(node))));
    r.route("GET", "/v1/health/checks/", (req, svc) -> checks(req, ctx.cluster().read(req.queryOptions(), new Query.ServiceChecks(svc))));
    r.route("GET", "/v1/health/state/", this::state);
    r.route("GET", "/v1/health/service/", this::service);
  }

  private static Reply checks(ApiRequest req, QueryResult<List<HealthCheck>> r) {
    return Reply.json(Wire.checks(r.value()), r.meta());
  }

  private Reply state(ApiRequest req, String state) throws Exception {
    Optional<CheckStatus> wanted = CheckStatus.parse(state);
    if (!state.equals("any") && wanted.isEmpty()) throw ApiException.badRequest("Invalid state: \"" + state + "\"; use any, passing, warning or critical");
    QueryResult<List<HealthCheck>> r = ctx.cluster().read(req.queryOptions(), new Query.Checks());
    List<HealthCheck> out = r.value().stream().filter(c -> wanted.isEmpty() || c.status() == wanted.get()).toList();
    return Reply.json(Wire.checks(out), r.meta());
  }

  private Reply service(ApiRequest req, String name) throws Exception {
    Filters filters = Filters.of(req);
    boolean passingOnly = req.flag("passing");
    QueryResult<List<ServiceEntry>> r = ctx.cluster().read(req.queryOptions(), new Query.ServiceEntries(name));
    ArrayNode out = Wire.array();
    for (ServiceEntry e : r.value()) {
      if (!filters.matches(e.node()) || !filters.matches(e.service())) continue;
      if (passingOnly && e.aggregate() != CheckStatus.PASSING) continue;
      out.add(Wire.serviceEntry(e));
    }
    return Reply.json(out, r.meta());
  }
}
