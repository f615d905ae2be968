package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.CheckDefinition;
import io.cairn.http.filter.Filter;
import io.cairn.local.UnknownCheckException;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceInstance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * /v1/agent/: this agent's own services and checks, its identity and members, and its control
 * (reload, leave, join). Pre-1.0 clients use GET for some writes; those routes take GET and PUT.
 */
final class AgentApi {
  private static final int MAX_BODY = 1024 * 1024;
  private static final java.time.Duration SYNC_WAIT = java.time.Duration.ofSeconds(1);
  private final ApiContext ctx;

  AgentApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/agent/self", (req, rest) -> Reply.json(self()));
    r.route("GET", "/v1/agent/members", (req, rest) -> members(req));
    r.route("GET", "/v1/agent/ready", (req, rest) -> ready());
    r.route("GET", "/v1/agent/monitor", (req, rest) -> LogMonitor.reply(req));
    r.route("GET", "/v1/agent/host", (req, rest) -> Reply.json(HostInfo.now()));
    // Known Consul endpoints Cairn does not serve yet: said so, not a bare 404.
    r.route("GET,PUT,POST,DELETE", "/v1/agent/token/", (req, rest) -> Reply.text(501,
        "Cairn does not enforce ACLs yet, so an agent has no tokens to set (/v1/agent/token/" + rest + ")"));
    r.route("GET,PUT,POST,DELETE", "/v1/agent/connect/", (req, rest) -> Reply.text(501,
        "Cairn has no service mesh certificate authority (/v1/agent/connect/" + rest + ")"));
    r.route("GET", "/v1/agent/services", (req, rest) -> services(req));
    r.route("GET", "/v1/agent/service/", this::service);
    r.route("GET", "/v1/agent/checks", (req, rest) -> checks(req));
    r.route("GET", "/v1/agent/health/service/id/", (req, id) -> localHealth(req, ctx.local().service(id)
        .map(List::of).orElseThrow(() -> ApiException.notFound("ServiceId " + id + " not found")), false));
    r.route("GET", "/v1/agent/health/service/name/", (req, name) -> {
      List<ServiceInstance> mine = ctx.local().services().values().stream().filter(s -> s.name().equals(name)).toList();
      if (mine.isEmpty()) throw ApiException.notFound("ServiceName " + name + " Not Found");
      return localHealth(req, mine, true);
    });
    r.route("PUT", "/v1/agent/service/register", this::registerService);
    r.route("GET,PUT", "/v1/agent/service/deregister/", (req, id) -> {
      ctx.local().removeService(id);
      return synced();
    });
    r.route("PUT", "/v1/agent/check/register", this::registerCheck);
    r.route("GET,PUT", "/v1/agent/check/deregister/", (req, id) -> {
      ctx.local().removeCheck(id);
      return synced();
    });
    r.route("GET,PUT", "/v1/agent/check/pass/", (req, id) -> ttl(id, CheckStatus.PASSING, req.param("note")));
    r.route("GET,PUT", "/v1/agent/check/warn/", (req, id) -> ttl(id, CheckStatus.WARNING, req.param("note")));
    r.route("GET,PUT", "/v1/agent/check/fail/", (req, id) -> ttl(id, CheckStatus.CRITICAL, req.param("note")));
    r.route("PUT", "/v1/agent/check/update/", this::updateCheck);
    r.route("PUT", "/v1/agent/maintenance", (req, rest) -> {
      ctx.local().setNodeMaintenance(enable(req), req.param("reason"));
      return synced();
    });
    r.route("PUT", "/v1/agent/service/maintenance/", (req, id) -> {
      ctx.local().setServiceMaintenance(id, enable(req), req.param("reason"));
      return synced();
    });
    r.route("PUT", "/v1/agent/reload", (req, rest) -> {
      ctx.agent().reload();
      return Reply.ok();
    });
    r.route("PUT", "/v1/agent/leave", (req, rest) -> {
      ctx.agent().leave();
      return Reply.ok();
    });
    r.route("GET,PUT", "/v1/agent/join/", (req, addr) -> {
      ctx.agent().join(addr, req.flag("wan"));
      return Reply.ok();
    });
    r.route("GET,PUT", "/v1/agent/force-leave/", (req, node) -> {
      ctx.agent().forceLeave(node, req.flag("prune"));
      return Reply.ok();
    });
    r.route("GET", "/v1/agent/version", (req, rest) -> {
      ObjectNode o = Wire.object();
      o.put("SHA", ctx.agent().self().revision());
      o.put("BuildDate", "");
      o.put("HumanVersion", ctx.agent().self().version());
      o.put("FIPS", "");
      return Reply.json(o);
    });
  }

  /**
   * Answers an agent write once the catalog has it (bounded: a server that is away delays the
   * answer by at most a second, the change is still made and synced later).
   */
  private Reply synced() throws InterruptedException {
    ctx.local().awaitSynced(ctx.local().changeCount(), SYNC_WAIT);
    return Reply.ok();
  }

  private ObjectNode self() {
    AgentControl.Self s = ctx.agent().self();
    ObjectNode o = Wire.object();
    ObjectNode config = o.putObject("Config");
    config.put("Datacenter", s.datacenter());
    config.put("PrimaryDatacenter", s.datacenter());
    config.put("NodeName", s.nodeName());
    config.put("NodeID", s.nodeId());
    config.put("Revision", s.revision());
    config.put("Server", s.server());
    config.put("Version", s.version());
    config.put("BuildDate", "");
    // Only keys whose types match Consul's: Ecwid's client decodes DebugConfig into a typed class.
    ObjectNode debug = o.putObject("DebugConfig");
    debug.put("Bootstrap", s.bootstrap());
    debug.put("Datacenter", s.datacenter());
    debug.put("DataDir", s.dataDir());
    debug.put("DNSDomain", s.domain());
    debug.put("LogLevel", s.logLevel());
    debug.put("NodeID", s.nodeId());
    debug.put("NodeName", s.nodeName());
    debug.set("ClientAddrs", Wire.strings(s.clientAddrs()));
    debug.put("BindAddr", s.bindAddr());
    debug.put("ServerMode", s.server());
    debug.put("DisableRemoteExec", s.disableRemoteExec());
    o.putNull("Coord");
    o.set("Member", member(ctx.agent().selfMember()));
    ObjectNode stats = o.putObject("Stats");
    ObjectNode agent = stats.putObject("agent");
    agent.put("checks", Integer.toString(ctx.local().checks().size()));
    agent.put("services", Integer.toString(ctx.local().services().size()));
    o.set("Meta", Wire.stringMap(s.meta()));
    return o;
  }

  private static ObjectNode member(AgentControl.Member m) {
    ObjectNode o = Wire.object();
    o.put("Name", m.name());
    o.put("Addr", m.addr());
    o.put("Port", m.port());
    o.set("Tags", Wire.stringMap(m.tags()));
    o.put("Status", m.status());
    o.put("ProtocolMin", 1);
    o.put("ProtocolMax", 5);
    o.put("ProtocolCur", 2);
    o.put("DelegateMin", 2);
    o.put("DelegateMax", 5);
    o.put("DelegateCur", 4);
    return o;
  }

  private Reply members(ApiRequest req) {
    Filter expr = req.filter(FilterSchemas.MEMBER);
    ArrayNode out = Wire.array();
    ctx.agent().members(req.flag("wan")).forEach(m -> {
      ObjectNode o = member(m);
      if (expr == null || expr.matches(o)) out.add(o);
    });
    return Reply.json(out);
  }

  private Reply services(ApiRequest req) {
    Filter expr = req.filter(FilterSchemas.AGENT_SERVICE);
    ObjectNode out = Wire.object();
    String dc = ctx.agent().self().datacenter();
    ctx.local().services().forEach((id, s) -> {
      ObjectNode o = Wire.agentService(s, dc, false);
      if (expr == null || expr.matches(o)) out.set(id, o);
    });
    return Reply.json(out);
  }

  private Reply service(ApiRequest req, String id) throws Exception {
    ServiceInstance s = ctx.local().service(id)
        .orElseThrow(() -> new UnknownCheckException("unknown service ID: " + id));
    ObjectNode o = Wire.agentService(s, ctx.agent().self().datacenter(), false);
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Wire.JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    o.put("ContentHash", hash);
    return Reply.json(o).withHeader("X-Consul-ContentHash", hash);
  }

  /**
   * Consul's local health endpoints, for load balancers that ask the agent directly: the
   * status code says it all (200 passing, 429 warning, 503 critical); ?format=text gives it as text.
   */
  private Reply localHealth(ApiRequest req, List<ServiceInstance> services, boolean asList) {
    String dc = ctx.agent().self().datacenter();
    List<HealthCheck> all = ctx.local().checks();
    CheckStatus worstOverall = CheckStatus.PASSING;
    ArrayNode list = Wire.array();
    for (ServiceInstance s : services) {
      CheckStatus worst = CheckStatus.PASSING;
      ArrayNode checks = Wire.array();
      for (HealthCheck c : all) {
        if (c.serviceId().equals(s.id()) || c.isNodeCheck()) {
          worst = worst.worst(c.status());
          checks.add(Wire.check(c));
        }
      }
      worstOverall = worstOverall.worst(worst);
      ObjectNode o = Wire.object();
      o.put("AggregatedStatus", worst.wireName());
      o.set("Service", Wire.agentService(s, dc, false));
      o.set("Checks", checks);
      list.add(o);
    }
    int code = switch (worstOverall) {
      case PASSING -> 200;
      case WARNING -> 429;
      case CRITICAL -> 503;
    };
    if ("text".equals(req.param("format"))) return Reply.text(code, worstOverall.wireName());
    Reply reply = Reply.json(asList ? list : list.get(0));
    return new Reply(code, reply.contentType(), null, reply.json(), null, reply.headers());
  }

  private Reply checks(ApiRequest req) {
    Filter expr = req.filter(FilterSchemas.CHECK);
    ObjectNode out = Wire.object();
    for (HealthCheck c : ctx.local().checks()) {
      ObjectNode o = Wire.check(c);
      if (expr == null || expr.matches(o)) out.set(c.checkId(), o);
    }
    return Reply.json(out);
  }

  private Reply registerService(ApiRequest req, String rest) throws Exception {
    Fields f = new Fields(Wire.JSON.readTree(req.bodyText(MAX_BODY)), "service");
    Definitions.ServiceDefinition def = Definitions.service(f, false, ctx.agent().scriptChecksEnabled());
    ctx.local().addService(def.service(), def.checks(), req.flag("replace-existing-checks"));
    return synced();
  }

  private Reply registerCheck(ApiRequest req, String rest) throws Exception {
    Fields f = new Fields(Wire.JSON.readTree(req.bodyText(MAX_BODY)), "check");
    CheckDefinition def = Definitions.check(f, null, null, null, false, ctx.agent().scriptChecksEnabled());
    ctx.local().addCheck(def);
    return synced();
  }

  private Reply ttl(String id, CheckStatus status, String note) throws InterruptedException {
    ctx.local().updateTtl(id, status, note == null ? "" : note);
    return synced();
  }

  private Reply updateCheck(ApiRequest req, String id) throws Exception {
    Fields f = new Fields(Wire.JSON.readTree(req.bodyText(MAX_BODY)), "update");
    String st = f.text("Status");
    CheckStatus status = CheckStatus.parse(st)
        .orElseThrow(() -> ApiException.badRequest("Invalid check status: \"" + st + "\""));
    String output = f.text("Output");
    ctx.local().updateTtl(id, status, output == null ? "" : output);
    return synced();
  }

  private static boolean enable(ApiRequest req) {
    String v = req.param("enable");
    if (v == null) throw ApiException.badRequest("Missing value for enable");
    if (!v.equals("true") && !v.equals("false")) throw ApiException.badRequest("Invalid value for enable: \"" + v + "\"");
    return Boolean.parseBoolean(v);
  }

  /** Cairn's readiness check: 200 once the agent can be relied on, else 503 naming the stage it is in. */
  private Reply ready() {
    AgentControl.Readiness r = ctx.agent().readiness();
    ObjectNode o = Wire.object();
    o.put("Ready", r.ready());
    o.put("Stage", r.stage());
    if (!r.ready()) o.put("Reason", r.reason());
    return r.ready() ? Reply.json(o) : Reply.json(o).withStatus(503);
  }
}
