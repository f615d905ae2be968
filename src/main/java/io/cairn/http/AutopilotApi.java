package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.GoDuration;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryResult;
import io.cairn.membership.Autopilot;
import io.cairn.state.AutopilotConfig;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * /v1/operator/autopilot/: the stored settings (read, replaced, check-and-set), and the leader's
 * view of the servers' health, in Consul's two shapes (health, state). docs/autopilot.md.
 */
final class AutopilotApi {
  private static final int MAX_BODY = 64 * 1024;
  private final ApiContext ctx;

  AutopilotApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET,PUT", "/v1/operator/autopilot/configuration", (req, rest) -> req.method().equals("GET") ? get(req) : put(req));
    r.route("GET", "/v1/operator/autopilot/health", (req, rest) -> health());
    r.route("GET", "/v1/operator/autopilot/state", (req, rest) -> state());
  }

  private Reply get(ApiRequest req) throws Exception {
    QueryResult<Optional<AutopilotConfig>> r = ctx.cluster().read(req.queryOptions(), new Query.AutopilotSettings());
    // None stored yet (a leader stores its configured ones at its first tick): this agent's own.
    AutopilotConfig c = r.value().orElseGet(() -> ctx.agent().autopilotConfigured());
    ObjectNode out = Wire.object();
    out.put("CleanupDeadServers", c.cleanupDeadServers());
    out.put("LastContactThreshold", GoDuration.format(Duration.ofMillis(c.lastContactThresholdMillis())));
    out.put("MaxTrailingLogs", c.maxTrailingLogs());
    out.put("MinQuorum", c.minQuorum());
    out.put("ServerStabilizationTime", GoDuration.format(Duration.ofMillis(c.serverStabilizationTimeMillis())));
    out.put("RedundancyZoneTag", c.redundancyZoneTag());
    out.put("DisableUpgradeMigration", c.disableUpgradeMigration());
    out.put("UpgradeVersionTag", c.upgradeVersionTag());
    out.put("CreateIndex", c.createIndex());
    out.put("ModifyIndex", c.modifyIndex());
    return Reply.json(out, r.meta());
  }

  /** As Consul's: the body replaces the settings whole (a field left out is its zero value). */
  private Reply put(ApiRequest req) throws Exception {
    AutopilotConfig c;
    try {
      JsonNode body = Wire.JSON.readTree(req.bodyText(MAX_BODY));
      Fields f = new Fields(body == null || body.isMissingNode() ? Wire.object() : body, "autopilot configuration");
      Duration lct = f.duration("LastContactThreshold");
      Duration sst = f.duration("ServerStabilizationTime");
      int trailing = f.integer(0, "MaxTrailingLogs");
      int minQuorum = f.integer(0, "MinQuorum");
      if (lct != null && lct.isNegative()) throw new IllegalArgumentException("LastContactThreshold must not be negative");
      if (sst != null && sst.isNegative()) throw new IllegalArgumentException("ServerStabilizationTime must not be negative");
      if (trailing < 0) throw new IllegalArgumentException("MaxTrailingLogs must not be negative");
      if (minQuorum < 0) throw new IllegalArgumentException("MinQuorum must not be negative");
      c = new AutopilotConfig(f.bool(false, "CleanupDeadServers"), lct == null ? 0 : lct.toMillis(), trailing, minQuorum,
          sst == null ? 0 : sst.toMillis(), orEmpty(f.text("RedundancyZoneTag")), f.bool(false, "DisableUpgradeMigration"),
          orEmpty(f.text("UpgradeVersionTag")), 0, 0);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("Error parsing autopilot config: " + JsonProblem.describe(e));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Error parsing autopilot config: " + e.getMessage());
    }
    String casParam = req.param("cas");
    Long cas = null;
    if (casParam != null) {
      try {
        cas = Long.parseUnsignedLong(casParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Error parsing cas value: " + casParam);
      }
    }
    Outcome o = ctx.cluster().write(new Command.AutopilotSet(c, cas), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    // Consul answers true to a plain write, and whether it happened to a check-and-set.
    return Reply.bool(cas == null || o.applied());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Consul's /health: 200 when every server is healthy, 429 (same body) when not. */
  private Reply health() {
    Autopilot.Report report = ctx.cluster().autopilot();
    ObjectNode out = Wire.object();
    out.put("Healthy", report.healthy());
    out.put("FailureTolerance", report.failureTolerance());
    ArrayNode servers = out.putArray("Servers");
    for (Autopilot.ServerHealth s : report.servers()) {
      ObjectNode o = servers.addObject();
      o.put("ID", s.id());
      o.put("Name", s.name());
      o.put("Address", s.address());
      o.put("SerfStatus", s.serfStatus());
      o.put("Version", s.version());
      o.put("Leader", s.leader());
      lastContact(o, s);
      o.put("LastTerm", s.lastTerm());
      o.put("LastIndex", s.lastIndex());
      o.put("Healthy", s.healthy());
      o.put("Voter", s.voter());
      o.put("StableSince", Instant.ofEpochMilli(s.stableSinceMillis()).toString());
    }
    Reply reply = Reply.json(out);
    return report.healthy() ? reply : reply.withStatus(429);
  }

  /** Consul's /state: the same facts keyed by server, with each one's role. */
  private Reply state() {
    Autopilot.Report report = ctx.cluster().autopilot();
    ObjectNode out = Wire.object();
    out.put("Healthy", report.healthy());
    out.put("FailureTolerance", report.failureTolerance());
    out.put("OptimisticFailureTolerance", Math.max(0,
        report.servers().size() - (report.servers().size() / 2 + 1)));
    ObjectNode servers = out.putObject("Servers");
    ArrayNode voters = Wire.array();
    for (Autopilot.ServerHealth s : report.servers()) {
      ObjectNode o = servers.putObject(s.id());
      o.put("ID", s.id());
      o.put("Name", s.name());
      o.put("Address", s.address());
      o.put("NodeStatus", s.serfStatus());
      o.put("Version", s.version());
      lastContact(o, s);
      o.put("LastTerm", s.lastTerm());
      o.put("LastIndex", s.lastIndex());
      o.put("Healthy", s.healthy());
      o.put("StableSince", Instant.ofEpochMilli(s.stableSinceMillis()).toString());
      o.put("ReadReplica", false);
      o.put("Status", s.leader() ? "leader" : "voter");
      o.putObject("Meta");
      o.put("NodeType", "voter");
      if (s.voter()) voters.add(s.id());
    }
    out.put("Leader", report.leader());
    out.set("Voters", voters);
    return Reply.json(out);
  }

  private static void lastContact(ObjectNode o, Autopilot.ServerHealth s) {
    if (s.lastContactMillis() < 0) o.putNull("LastContact");
    else o.put("LastContact", GoDuration.format(Duration.ofMillis(s.lastContactMillis())));
  }
}
