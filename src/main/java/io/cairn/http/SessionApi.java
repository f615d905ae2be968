package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.GoDuration;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.Query;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.Session;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** /v1/session/: create, destroy, renew, and read sessions (the basis of locks and leader election). */
final class SessionApi {
  private static final Duration MAX_TTL = Duration.ofHours(24);
  private static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(15);
  private final ApiContext ctx;

  SessionApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("PUT", "/v1/session/create", this::create);
    r.route("PUT", "/v1/session/destroy/", (req, id) -> {
      Outcome o = ctx.cluster().write(new Command.SessionDestroy(id), req.writeOptions());
      if (o.error() != null) throw ApiException.badRequest(o.error());
      return Reply.bool(true);
    });
    r.route("PUT", "/v1/session/renew/", (req, id) -> {
      Optional<Session> s = ctx.cluster().renewSession(id);
      if (s.isEmpty()) throw ApiException.notFound("Session id '" + id + "' not found");
      return Reply.json(Wire.array().add(session(s.get())));
    });
    r.route("GET", "/v1/session/info/", (req, id) -> {
      QueryResult<Optional<Session>> q = ctx.cluster().read(req.queryOptions(), new Query.SessionInfo(id));
      ArrayNode out = Wire.array();
      q.value().ifPresent(s -> out.add(session(s)));
      return Reply.json(out, q.meta());
    });
    r.route("GET", "/v1/session/node/", (req, node) -> list(ctx.cluster().read(req.queryOptions(), new Query.NodeSessions(node))));
    r.route("GET", "/v1/session/list", (req, rest) -> list(ctx.cluster().read(req.queryOptions(), new Query.Sessions())));
  }

  private Reply create(ApiRequest req, String rest) throws Exception {
    String text = req.bodyText(1024 * 1024);
    Fields f = new Fields(text.isBlank() ? Wire.object() : Wire.JSON.readTree(text), "session");
    String node = f.text("Node");
    if (node == null || node.isEmpty()) node = ctx.local().node().name();
    String ttl = f.text("TTL");
    if (ttl != null && !ttl.isEmpty()) {
      Duration d;
      try {
        d = GoDuration.parse(ttl);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Request decode failed: " + e.getMessage());
      }
      Duration min = ctx.agent().sessionTtlMin();
      if (!d.isZero() && (d.compareTo(min) < 0 || d.compareTo(MAX_TTL) > 0)) {
        throw ApiException.badRequest("Invalid Session TTL '" + d.toNanos() + "', must be between [" + GoDuration.format(min) + "="
            + GoDuration.format(min) + "] and [24h0m0s=24h]");
      }
      ttl = GoDuration.format(d);
    }
    List<String> nodeChecks = f.strings("NodeChecks");
    List<String> legacyChecks = f.strings("Checks");
    List<String> serviceChecks = f.objects("ServiceChecks").stream().map(c -> {
      String id = c.text("ID");
      if (id == null || id.isEmpty()) throw c.bad("ID", "missing");
      return id;
    }).toList();
    if (nodeChecks == null) nodeChecks = legacyChecks != null ? legacyChecks : serviceChecks.isEmpty() ? List.of("serfHealth") : List.of();
    Session s = new Session(UUID.randomUUID().toString(), f.text("Name"), node, nodeChecks, serviceChecks,
        lockDelay(f).toNanos(), f.text("Behavior"), ttl, 0, 0);
    Outcome o = ctx.cluster().write(new Command.SessionCreate(s), req.writeOptions());
    // Consul answers these (a missing node or check, a check in critical state) with a 500;
    // they are the client's to fix, so a 400 here.
    if (o.error() != null) throw ApiException.badRequest(o.error());
    ObjectNode out = Wire.object();
    out.put("ID", s.id());
    return Reply.json(out);
  }

  /** LockDelay as Consul reads it: a duration string, or a number (of seconds if under 1000, else nanoseconds). */
  private static Duration lockDelay(Fields f) {
    var v = f.get("LockDelay");
    if (v.isEmpty()) return DEFAULT_LOCK_DELAY;
    if (v.get().isNumber()) {
      long n = v.get().asLong();
      return n < 1000 ? Duration.ofSeconds(n) : Duration.ofNanos(n);
    }
    try {
      return GoDuration.parse(v.get().asText());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Request decode failed: LockDelay: " + e.getMessage());
    }
  }

  private static Reply list(QueryResult<List<Session>> q) {
    ArrayNode out = Wire.array();
    q.value().forEach(s -> out.add(session(s)));
    return Reply.json(out, q.meta());
  }

  static ObjectNode session(Session s) {
    ObjectNode o = Wire.object();
    o.put("ID", s.id());
    o.put("Name", s.name());
    o.put("Node", s.node());
    o.put("LockDelay", s.lockDelayNanos());
    o.put("Behavior", s.behavior());
    o.put("TTL", s.ttl());
    o.set("NodeChecks", Wire.strings(s.nodeChecks()));
    if (s.serviceChecks().isEmpty()) {
      o.putNull("ServiceChecks");
    } else {
      ArrayNode sc = o.putArray("ServiceChecks");
      s.serviceChecks().forEach(id -> sc.addObject().put("ID", id).put("Namespace", ""));
    }
    o.set("Checks", Wire.strings(s.allChecksView()));
    o.put("CreateIndex", s.createIndex());
    o.put("ModifyIndex", s.modifyIndex());
    return o;
  }
}
