package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.endpoints.QueryResult;
import io.cairn.http.filter.Filter;
import io.cairn.endpoints.Query;
import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import io.cairn.state.ServiceEntry;
import io.cairn.state.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** /v1/catalog/: direct registration of nodes, services and checks, and the catalog's reads. */
final class CatalogApi {
  private static final int MAX_BODY = 1024 * 1024;
  private final ApiContext ctx;

  CatalogApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("PUT", "/v1/catalog/register", (req, rest) -> write(req, registration(req)));
    r.route("PUT", "/v1/catalog/deregister", (req, rest) -> write(req, deregistration(req)));
    r.route("GET", "/v1/catalog/datacenters", (req, rest) -> Reply.json(Wire.strings(ctx.federation().datacenters())));
    r.route("GET", "/v1/catalog/nodes", this::nodes);
    r.route("GET", "/v1/catalog/services", this::services);
    r.route("GET", "/v1/catalog/service/", this::service);
    r.route("GET", "/v1/catalog/node/", this::node);
    r.route("GET", "/v1/catalog/node-services/", this::nodeServiceList);
  }

  private Reply write(ApiRequest req, Command c) {
    Outcome o = ctx.cluster().write(c, req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.bool(true);
  }

  private Command.CatalogRegister registration(ApiRequest req) throws Exception {
    return registration(Wire.JSON.readTree(req.bodyText(MAX_BODY)), ctx.cluster().datacenter());
  }

  /** Consul's RegisterRequest (the API's body, and the records of a Consul snapshot) as Cairn's command. */
  static Command.CatalogRegister registration(com.fasterxml.jackson.databind.JsonNode body, String localDc) {
    Fields f = new Fields(body, "registration");
    String node = f.text("Node");
    if (node == null || node.isEmpty()) throw ApiException.badRequest("Must provide node");
    ServiceInstance service = f.object("Service").map(CatalogApi::service).map(s -> s.onNode(node)).orElse(null);
    List<Fields> checkFields = new ArrayList<>(f.objects("Check"));
    checkFields.addAll(f.objects("Checks"));
    List<HealthCheck> checks = new ArrayList<>();
    for (Fields c : checkFields) checks.add(check(node, c));
    String dc = f.text("Datacenter");
    if (dc == null || dc.isEmpty()) dc = localDc;
    return new Command.CatalogRegister(f.text("ID"), node, f.text("Address"), dc,
        f.stringMap("TaggedAddresses"), f.stringMap("NodeMeta"), f.bool(false, "SkipNodeUpdate"), service, checks);
  }

  static ServiceInstance service(Fields s) {
    String name = s.text("Service");
    if (name == null || name.isEmpty()) throw ApiException.badRequest("Must provide service name");
    int port = s.integer(0, "Port");
    ServiceInstance plain = new ServiceInstance("", s.text("ID"), name, s.strings("Tags"), s.text("Address"), port,
        s.stringMap("Meta"), s.bool(false, "EnableTagOverride"), weight(s, "Passing"), weight(s, "Warning"), 0, 0);
    String id = plain.id() == null || plain.id().isEmpty() ? name : plain.id();
    return MeshFields.read(s, MeshFields.Source.CATALOG_API, id, port).applyTo(plain);
  }

  private static int weight(Fields service, String which) {
    return service.object("Weights").map(w -> w.integer(1, which)).orElse(1);
  }

  static HealthCheck check(String node, Fields c) {
    String id = c.text("CheckID", "ID");
    String name = c.text("Name");
    if (id == null || id.isEmpty()) id = name;
    if (id == null || id.isEmpty()) throw ApiException.badRequest("Must provide check ID or name");
    String status = c.text("Status");
    CheckStatus st = status == null || status.isEmpty() ? CheckStatus.CRITICAL
        : CheckStatus.parse(status).orElseThrow(() -> ApiException.badRequest("Invalid check status \"" + status + "\""));
    Optional<Fields> def = c.object("Definition");
    String interval = def.map(d -> d.text("Interval")).orElse(c.text("Interval"));
    String timeout = def.map(d -> d.text("Timeout")).orElse(c.text("Timeout"));
    return new HealthCheck(node, id, name, st, c.text("Notes"), c.text("Output"), c.text("ServiceID"), null, null,
        c.text("Type"), interval, timeout, def.map(CatalogCheckDefinition::read).orElse(null), 0, 0);
  }

  private Command.CatalogDeregister deregistration(ApiRequest req) throws Exception {
    Fields f = new Fields(Wire.JSON.readTree(req.bodyText(MAX_BODY)), "deregistration");
    String node = f.text("Node");
    if (node == null || node.isEmpty()) throw ApiException.badRequest("Must provide node");
    return new Command.CatalogDeregister(node, f.text("ServiceID"), f.text("CheckID"));
  }

  private Reply nodes(ApiRequest req, String rest) throws Exception {
    Filters filters = Filters.of(req);
    Filter expr = req.filter(FilterSchemas.NODE);
    return Near.sort(ctx, req, FilteredRead.serve(ctx, req, expr != null, opts -> {
      QueryResult<List<Node>> r = ctx.cluster().read(opts, new Query.Nodes());
      ArrayNode out = Wire.array();
      for (Node n : r.value()) {
        if (!filters.matches(n)) continue;
        ObjectNode o = Wire.node(n);
        if (expr == null || expr.matches(o)) out.add(o);
      }
      return Reply.json(out, r.meta());
    }), n -> n.path("Node").asText());
  }

  /** Service names and their tags; with node-meta or a filter, built from the instances that pass (Consul's ServiceNodes). */
  private Reply services(ApiRequest req, String rest) throws Exception {
    Filters filters = Filters.of(req);
    Filter expr = req.filter(FilterSchemas.SERVICE_NODE);
    if (!filters.nodeMeta().isEmpty() || expr != null) {
      return FilteredRead.serve(ctx, req, expr != null, opts -> {
        QueryResult<List<NodeServices>> nodes = ctx.cluster().read(opts, new Query.NodesWithServices());
        ObjectNode out = Wire.object();
        for (NodeServices ns : nodes.value()) {
          if (!filters.matches(ns.node())) continue;
          for (ServiceInstance s : ns.services()) {
            if (expr != null && !expr.matches(Wire.catalogService(ns.node(), s))) continue;
            ArrayNode tags = out.has(s.name()) ? (ArrayNode) out.get(s.name()) : out.putArray(s.name());
            for (String t : s.tags()) if (!contains(tags, t)) tags.add(t);
          }
        }
        return Reply.json(out, nodes.meta());
      });
    }
    QueryResult<Map<String, List<String>>> r = ctx.cluster().read(req.queryOptions(), new Query.Services());
    ObjectNode out = Wire.object();
    r.value().forEach((name, tags) -> out.set(name, Wire.strings(tags)));
    return Reply.json(out, r.meta());
  }

  private static boolean contains(ArrayNode a, String s) {
    for (JsonNode n : a) if (n.asText().equals(s)) return true;
    return false;
  }

  private Reply service(ApiRequest req, String name) throws Exception {
    Filters filters = Filters.of(req);
    Filter expr = req.filter(FilterSchemas.SERVICE_NODE);
    return Near.sort(ctx, req, FilteredRead.serve(ctx, req, expr != null, opts -> {
      QueryResult<List<ServiceEntry>> r = ctx.cluster().read(opts, new Query.ServiceEntries(name));
      ArrayNode out = Wire.array();
      for (ServiceEntry e : r.value()) {
        if (!filters.matches(e.node()) || !filters.matches(e.service())) continue;
        ObjectNode row = Wire.catalogService(e.node(), e.service());
        if (expr == null || expr.matches(row)) out.add(row);
      }
      return Reply.json(out, r.meta());
    }), n -> n.path("Node").asText());
  }

  /** A node and its services (a filter picks among the services, as Consul's does). */
  private Reply node(ApiRequest req, String name) throws Exception {
    Filter expr = req.filter(FilterSchemas.NODE_SERVICE);
    return FilteredRead.serve(ctx, req, expr != null, opts -> {
      QueryResult<Optional<NodeServices>> r = ctx.cluster().read(opts, new Query.NodeServicesOf(name));
      if (r.value().isEmpty()) return Reply.json(Wire.JSON.nullNode(), r.meta());
      NodeServices ns = r.value().get();
      ObjectNode out = Wire.object();
      out.set("Node", Wire.node(ns.node()));
      ObjectNode services = out.putObject("Services");
      for (ServiceInstance s : ns.services()) {
        ObjectNode o = Wire.nodeService(s);
        if (expr == null || expr.matches(o)) services.set(s.id(), o);
      }
      return Reply.json(out, r.meta());
    });
  }

  /** The same as a list (Consul's NodeServiceList); an unknown node is {Node: null, Services: null}. */
  private Reply nodeServiceList(ApiRequest req, String name) throws Exception {
    if (name.isEmpty()) throw ApiException.badRequest("Missing node name");
    Filter expr = req.filter(FilterSchemas.NODE_SERVICE);
    return FilteredRead.serve(ctx, req, expr != null, opts -> {
      QueryResult<Optional<NodeServices>> r = ctx.cluster().read(opts, new Query.NodeServicesOf(name));
      ObjectNode out = Wire.object();
      if (r.value().isEmpty()) {
        out.putNull("Node");
        out.putNull("Services");
        return Reply.json(out, r.meta());
      }
      out.set("Node", Wire.node(r.value().get().node()));
      ArrayNode services = out.putArray("Services");
      for (ServiceInstance s : r.value().get().services()) {
        ObjectNode o = Wire.nodeService(s);
        if (expr == null || expr.matches(o)) services.add(o);
      }
      return Reply.json(out, r.meta());
    });
  }
}
