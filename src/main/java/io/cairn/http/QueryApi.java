package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryExecution;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.QueryResult;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.PreparedQuery;
import io.cairn.state.ServiceEntry;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** /v1/query: prepared queries, stored through Raft; executed here, failing over to other datacenters. */
final class QueryApi {
  private static final int MAX_BODY = 256 * 1024;
  private static final Pattern UUID_LIKE = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private final ApiContext ctx;

  QueryApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("POST", "/v1/query", (req, rest) -> create(req));
    r.route("GET", "/v1/query", (req, rest) -> list(req));
    r.route("GET,PUT,DELETE", "/v1/query/", this::one);
  }

  private Reply create(ApiRequest req) throws Exception {
    String id = UUID.randomUUID().toString();
    write(req, id);
    ObjectNode out = Wire.object();
    out.put("ID", id);
    return Reply.json(out);
  }

  private void write(ApiRequest req, String id) throws Exception {
    ObjectNode def;
    try {
      def = QueryDefinition.normalise(Wire.JSON.readTree(req.bodyText(MAX_BODY)));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String name = def.path("Name").asText("");
    if (UUID_LIKE.matcher(name).matches()) throw ApiException.badRequest("Query name cannot be a UUID");
    Outcome o = ctx.cluster().write(new Command.QuerySet(QueryDefinition.toStored(id, def)), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
  }

  private Reply list(ApiRequest req) throws Exception {
    QueryResult<List<PreparedQuery>> r = ctx.cluster().read(req.queryOptions(), new Query.PreparedQueries());
    ArrayNode out = Wire.array();
    for (PreparedQuery q : r.value()) out.add(QueryDefinition.render(q));
    return Reply.json(out, r.meta());
  }

  private Reply one(ApiRequest req, String rest) throws Exception {
    if (rest.isEmpty()) throw ApiException.badRequest("Missing query ID");
    if (rest.endsWith("/execute") && req.method().equals("GET")) return execute(req, rest.substring(0, rest.length() - 8));
    if (rest.endsWith("/explain") && req.method().equals("GET")) return explain(req, rest.substring(0, rest.length() - 8));
    return switch (req.method()) {
      case "GET" -> {
        QueryResult<List<PreparedQuery>> r = ctx.cluster().read(req.queryOptions(), new Query.PreparedQueries());
        PreparedQuery q = r.value().stream().filter(x -> x.id().equals(rest)).findFirst()
            .orElseThrow(() -> ApiException.notFound("Query not found"));
        ArrayNode out = Wire.array();
        out.add(QueryDefinition.render(q));
        yield Reply.json(out, r.meta());
      }
      case "PUT" -> {
        QueryResult<List<PreparedQuery>> r = ctx.cluster().read(QueryOptions.defaults(), new Query.PreparedQueries());
        if (r.value().stream().noneMatch(x -> x.id().equals(rest))) throw ApiException.notFound("Query not found");
        write(req, rest);
        yield Reply.ok();
      }
      default -> {
        Outcome o = ctx.cluster().write(new Command.QueryDelete(rest), req.writeOptions());
        if (o.error() != null) throw o.error().equals("Query not found") ? ApiException.notFound(o.error()) : ApiException.badRequest(o.error());
        yield Reply.ok();
      }
    };
  }

  private record Found(PreparedQuery query, ObjectNode rendered, QueryResult<List<PreparedQuery>> read) {}

  private Found find(ApiRequest req, String asked) throws Exception {
    QueryResult<List<PreparedQuery>> r = ctx.cluster().read(req.queryOptions(), new Query.PreparedQueries());
    Optional<PreparedQuery> q = QueryDefinition.lookup(r.value(), asked);
    if (q.isEmpty()) throw ApiException.notFound("Query not found");
    return new Found(q.get(), QueryDefinition.rendered(q.get(), asked), r);
  }

  private Reply explain(ApiRequest req, String asked) throws Exception {
    Found f = find(req, asked);
    ObjectNode query = Wire.object();
    query.put("ID", f.query().id());
    query.setAll(f.rendered());
    query.put("CreateIndex", f.query().createIndex());
    query.put("ModifyIndex", f.query().modifyIndex());
    ObjectNode out = Wire.object();
    out.set("Query", query);
    return Reply.json(out, f.read().meta());
  }

  private Reply execute(ApiRequest req, String asked) throws Exception {
    Found f = find(req, asked);
    QueryExecution.Service service = QueryDefinition.service(f.rendered());
    String near = req.param("near");
    if ("_agent".equals(near)) near = ctx.agent().self().nodeName();
    QueryOptions opts = req.queryOptions();
    String local = ctx.cluster().datacenter();
    QueryOptions now = new QueryOptions(opts.consistency(), 0, null, opts.token(), "");
    QueryExecution.Result result = QueryExecution.run(service, local, dc -> entries(now, dc, local, service.service()),
        service.nearestN() > 0 ? ctx.federation().datacenters() : List.of(local), near, (int) req.longParam("limit", 0));
    ObjectNode out = Wire.object();
    out.put("Service", result.service());
    ArrayNode nodes = out.putArray("Nodes");
    for (ServiceEntry e : result.nodes()) nodes.add(Wire.serviceEntry(e));
    if (!result.datacenter().equals(local) && ctx.agent().translateWanAddrs()) WanAddresses.translate(nodes);
    out.putObject("DNS").put("TTL", f.rendered().path("DNS").path("TTL").asText(""));
    out.put("Datacenter", result.datacenter());
    out.put("Failovers", result.failovers());
    return Reply.json(out, f.read().meta());
  }

  private List<ServiceEntry> entries(QueryOptions opts, String dc, String local, String service) {
    try {
      if (dc.equals(local)) return ctx.cluster().read(opts, new Query.ServiceEntries(service)).value();
      return ctx.federation().serviceEntries(dc, service);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
