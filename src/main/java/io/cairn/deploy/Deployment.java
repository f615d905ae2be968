package io.cairn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.AgentHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The deployment state a cloud keeps in its cluster, read and written only through the public
 * HTTP API (so it works against Consul too), in the seed's key layout: {@code current_version}
 * (what every host should run), {@code running_version/<version>/<host>} (what each runs, the
 * value the time it last said so), {@code status/<step>/<host>} (each step's last result), and
 * TTL checks {@code puppet} and {@code validation} on a per-node service {@code deploy-status}.
 */
public final class Deployment {
  public static final String CURRENT = "current_version";
  public static final String RUNNING = "running_version/";
  public static final String STATUS_SERVICE = "deploy-status";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CAS_ATTEMPTS = 32;

  private final AgentHttp http;
  private final Clock clock;

  public Deployment(AgentHttp http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** The version every host should run; empty when none was ever triggered. */
  public Optional<String> currentVersion() throws IOException {
    AgentHttp.Answer a = http.get("/v1/kv/" + CURRENT + "?raw", 0, Duration.ZERO);
    if (a.status() == 404) return Optional.empty();
    ok(a, "reading " + CURRENT);
    return Optional.of(a.body().strip());
  }

  /** Sets {@code current_version}, whatever it was (a rollback included). */
  public void trigger(String version) throws IOException {
    Versions.check(version);
    AgentHttp.Answer a = http.put("/v1/kv/" + CURRENT, version);
    ok(a, "writing " + CURRENT);
    if (!a.body().strip().equals("true")) throw new IOException("writing " + CURRENT + " was refused: " + a.body().strip());
  }

  /**
   * Sets {@code current_version} only if {@code version} is newer (natural order) than what it
   * holds, by check-and-set: two operators racing cannot move it backwards. Empty when written,
   * else the version that stood in the way.
   */
  public Optional<String> triggerIfNewer(String version) throws IOException {
    Versions.check(version);
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      AgentHttp.Answer a = http.get("/v1/kv/" + CURRENT, 0, Duration.ZERO);
      long index = 0;
      if (a.status() != 404) {
        ok(a, "reading " + CURRENT);
        JsonNode entry = JSON.readTree(a.body()).get(0);
        String now = new String(Base64.getDecoder().decode(entry.path("Value").asText("")), StandardCharsets.UTF_8).strip();
        if (NaturalOrder.INSTANCE.compare(version, now) <= 0) return Optional.of(now);
        index = entry.path("ModifyIndex").asLong();
      }
      AgentHttp.Answer w = http.put("/v1/kv/" + CURRENT + "?cas=" + index, version);
      ok(w, "writing " + CURRENT);
      if (w.body().strip().equals("true")) return Optional.empty();
    }
    throw new IOException(CURRENT + " kept changing under " + CAS_ATTEMPTS + " attempts; not written");
  }

  /** Every host's last report of the version it runs. */
  public Versions versions() throws IOException {
    AgentHttp.Answer a = http.get("/v1/kv/" + RUNNING + "?recurse", 0, Duration.ZERO);
    SortedMap<String, SortedMap<String, Instant>> out = new TreeMap<>();
    if (a.status() == 404) return new Versions(out);
    ok(a, "reading " + RUNNING);
    for (JsonNode e : JSON.readTree(a.body())) {
      String[] parts = e.path("Key").asText().substring(RUNNING.length()).split("/", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) continue;  // not a host's report
      String value = new String(Base64.getDecoder().decode(e.path("Value").asText("")), StandardCharsets.UTF_8).strip();
      out.computeIfAbsent(parts[0], v -> new TreeMap<>()).put(parts[1], seconds(value));
    }
    return new Versions(out);
  }

  /** The nodes whose agent the cluster holds failed (their serfHealth check is critical). */
  public Set<String> failedNodes() throws IOException {
    Set<String> out = new HashSet<>();
    for (JsonNode c : checksIn("critical")) {
      if (c.path("CheckID").asText().equals("serfHealth")) out.add(c.path("Node").asText());
    }
    return out;
  }

  /**
   * Records that {@code host} runs {@code version} now, and removes its reports of any other
   * version, in one transaction: no reader sees the host at two versions, or at none.
   */
  public void reportRunning(String host, String version) throws IOException {
    Versions.check(version);
    checkHost(host);
    ArrayNode ops = JSON.createArrayNode();
    ObjectNode set = ops.addObject().putObject("KV");
    set.put("Verb", "set").put("Key", RUNNING + version + "/" + host)
        .put("Value", Base64.getEncoder().encodeToString(seconds(clock.instant()).getBytes(StandardCharsets.UTF_8)));
    Versions all = versions();
    for (String v : all.versions()) {
      if (!v.equals(version) && all.hostsAt(v).contains(host)) {
        ops.addObject().putObject("KV").put("Verb", "delete").put("Key", RUNNING + v + "/" + host);
      }
    }
    AgentHttp.Answer a = http.put("/v1/txn", ops.toString());
    ok(a, "recording the running version");
  }

  /**
   * A step's result as the seed's tools read exit codes: puppet 1, 4, 6 and -1 are warnings, 0
   * and 2 ("changes applied") passing; validation 0 passing, anything else a warning. Kept in
   * the TTL check of that name on the {@code deploy-status} service (registered when missing;
   * a service check, not a node check, so an expired one takes no other service out of
   * answers) and in {@code status/<step>/<host>} with {@code detail}.
   */
  public String reportStatus(String host, String step, int exitCode, Duration ttl, String detail) throws IOException {
    checkHost(host);
    String status = switch (step) {
      case "puppet" -> exitCode == 0 || exitCode == 2 ? "passing" : "warning";
      case "validation" -> exitCode == 0 ? "passing" : "warning";
      default -> throw new IllegalArgumentException("status type: expected puppet or validation, got \"" + step + "\"");
    };
    ensureStatusChecks(ttl);
    String note = step + " exited " + exitCode + (detail == null || detail.isBlank() ? "" : ": " + detail);
    ok(http.put("/v1/agent/check/" + (status.equals("passing") ? "pass" : "warn") + "/" + step + "?note=" + AgentHttp.enc(note), null),
        "updating the " + step + " check");
    ObjectNode record = JSON.createObjectNode().put("Status", status).put("ExitCode", exitCode)
        .put("Time", clock.instant().toString());
    if (detail != null && !detail.isBlank()) record.put("Detail", detail);
    ok(http.put("/v1/kv/status/" + step + "/" + AgentHttp.enc(host), record.toString()), "recording the " + step + " status");
    return status;
  }

  private void ensureStatusChecks(Duration ttl) throws IOException {
    AgentHttp.Answer checks = http.get("/v1/agent/checks", 0, Duration.ZERO);
    ok(checks, "reading the agent's checks");
    JsonNode have = JSON.readTree(checks.body());
    if (have.has("puppet") && have.has("validation")) return;
    ObjectNode svc = JSON.createObjectNode().put("ID", STATUS_SERVICE).put("Name", STATUS_SERVICE);
    ArrayNode list = svc.putArray("Checks");
    for (String id : List.of("puppet", "validation")) {
      list.addObject().put("CheckID", id).put("Name", id).put("TTL", ttl.toSeconds() + "s").put("Status", "warning")
          .put("Notes", "the last " + id + " run's result, reported by cairn deploy update-own-status");
    }
    ok(http.put("/v1/agent/service/register", svc.toString()), "registering " + STATUS_SERVICE);
  }

  /**
   * Whether upgrades are paused for this host: {@code enable_upgrades} set to false (or no,
   * off, 0) at host scope ({@code config_state/host/<host>/enable_upgrades}), else role scope
   * ({@code config_state/role/<role>/enable_upgrades}), else globally
   * ({@code config_state/enable_upgrades}); the most specific key set wins. Empty when
   * enabled, else the key that paused it.
   */
  public Optional<String> pausedBy(String host, String role) throws IOException {
    List<String> keys = new ArrayList<>();
    keys.add("config_state/host/" + host + "/enable_upgrades");
    if (role != null) keys.add("config_state/role/" + role + "/enable_upgrades");
    keys.add("config_state/enable_upgrades");
    for (String k : keys) {
      AgentHttp.Answer a = http.get("/v1/kv/" + AgentHttp.enc(k) + "?raw", 0, Duration.ZERO);
      if (a.status() == 404) continue;
      ok(a, "reading " + k);
      String v = a.body().strip().toLowerCase(java.util.Locale.ROOT);
      return v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0") ? Optional.of(k) : Optional.empty();
    }
    return Optional.empty();
  }

  /** Records a step that has no check of its own (the upgrade command) in {@code status/<step>/<host>}. */
  public void reportStep(String host, String step, int exitCode, String detail) throws IOException {
    checkHost(host);
    ObjectNode record = JSON.createObjectNode().put("Status", exitCode == 0 ? "passing" : "critical").put("ExitCode", exitCode)
        .put("Time", clock.instant().toString());
    if (detail != null && !detail.isBlank()) record.put("Detail", detail);
    ok(http.put("/v1/kv/status/" + step + "/" + AgentHttp.enc(host), record.toString()), "recording the " + step + " status");
  }

  /** Asks the agent to reload its configuration (what a configure step changed). */
  public void reloadAgent() throws IOException {
    ok(http.put("/v1/agent/reload", null), "reloading the agent");
  }

  /**
   * The checks that fail a node: critical ones, and puppet or validation warnings. With no
   * node named, the local agent's own checks as it holds them (what it just ran or was told,
   * output included, before any sync to the servers); else that node's in the catalog.
   */
  public List<JsonNode> localFailures(String node) throws IOException {
    AgentHttp.Answer a = node == null ? http.get("/v1/agent/checks", 0, Duration.ZERO)
        : http.get("/v1/health/node/" + AgentHttp.enc(node), 0, Duration.ZERO);
    ok(a, "reading the health of " + (node == null ? "this node" : node));
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : JSON.readTree(a.body())) if (failing(c)) out.add(c);
    return out;
  }

  /** Cluster-wide: the failing checks (as {@link #localFailures}), then the other warnings. */
  public List<List<JsonNode>> failures() throws IOException {
    List<JsonNode> failing = new ArrayList<>();
    List<JsonNode> warnings = new ArrayList<>();
    failing.addAll(checksIn("critical"));
    for (JsonNode w : checksIn("warning")) (failing(w) ? failing : warnings).add(w);
    return List.of(failing, warnings);
  }

  private static boolean failing(JsonNode check) {
    String s = check.path("Status").asText();
    String name = check.path("Name").asText();
    return s.equals("critical") || s.equals("warning") && (name.equals("puppet") || name.equals("validation"));
  }

  private List<JsonNode> checksIn(String state) throws IOException {
    AgentHttp.Answer a = http.get("/v1/health/state/" + state, 0, Duration.ZERO);
    ok(a, "reading " + state + " checks");
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(a.body()).forEach(out::add);
    return out;
  }

  /** The services this node runs (by name; Consul's and the deploy status service left out): a rollout's groups per service. */
  public List<String> localServices() throws IOException {
    AgentHttp.Answer a = http.get("/v1/agent/services", 0, Duration.ZERO);
    ok(a, "reading this node's services");
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (JsonNode s : JSON.readTree(a.body())) {
      String name = s.path("Service").asText();
      if (!name.isEmpty() && !name.equals("consul") && !name.equals(STATUS_SERVICE)) names.add(name);
    }
    return new ArrayList<>(names);
  }

  /** The nodes whose instance of {@code service} has a critical check now. */
  public List<String> unhealthyInstances(String service) throws IOException {
    AgentHttp.Answer a = http.get("/v1/health/service/" + AgentHttp.enc(service), 0, Duration.ZERO);
    ok(a, "reading the health of " + service);
    List<String> out = new ArrayList<>();
    for (JsonNode e : JSON.readTree(a.body())) {
      boolean critical = false;
      for (JsonNode c : e.path("Checks")) critical |= c.path("Status").asText().equals("critical");
      if (critical) out.add(e.path("Node").path("Node").asText());
    }
    return out;
  }

  /** The local agent's node name: the host name every report defaults to. */
  public String nodeName() throws IOException {
    AgentHttp.Answer a = http.get("/v1/agent/self", 0, Duration.ZERO);
    ok(a, "reading the agent's own configuration");
    return JSON.readTree(a.body()).path("Config").path("NodeName").asText();
  }

  /** True when the agent answers with its members. */
  public boolean ping() {
    try {
      AgentHttp.Answer a = http.get("/v1/agent/members", 0, Duration.ZERO);
      return a.status() == 200 && JSON.readTree(a.body()).size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkHost(String host) {
    if (host == null || host.isBlank() || host.contains("/") || host.length() > 255 || !host.strip().equals(host)) {
      throw new IllegalArgumentException("host name: expected one non-empty name without '/' or spaces, got \"" + host + "\"");
    }
  }

  /** Seconds since the epoch as the seed's tools wrote them ({@code 1733371234.56}); unreadable → the epoch, so stale. */
  private static Instant seconds(String text) {
    try {
      double s = Double.parseDouble(text);
      return Instant.ofEpochMilli((long) (s * 1000));
    } catch (NumberFormatException e) {
      return Instant.EPOCH;
    }
  }

  private static String seconds(Instant t) {
    return String.format(java.util.Locale.ROOT, "%d.%03d", t.getEpochSecond(), t.getNano() / 1_000_000);
  }

  private static void ok(AgentHttp.Answer a, String what) throws IOException {
    if (a.status() != 200) {
      String why = a.body().strip().lines().findFirst().orElse("");
      throw new IOException(what + ": the agent answered " + a.status() + (why.isEmpty() ? "" : " (" + why + ")"));
    }
  }
}
