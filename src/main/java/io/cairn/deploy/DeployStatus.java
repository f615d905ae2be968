package io.cairn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.AgentHttp;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cloud's deployment at one moment: one row per host (the version it reports, its configure
 * and validation results, how old its last report is, whether it is stale) and whether every
 * host runs {@code current_version} and passes. Hosts are those that report a version and
 * those whose agent carries the {@code deploy-status} service.
 */
public record DeployStatus(Optional<String> current, List<Row> rows, Optional<String> halted) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Row(String host, String version, String configure, String validation, Duration age, boolean stale) {
    boolean failing() {
      return "warning".equals(configure) || "critical".equals(configure) || "warning".equals(validation)
          || "critical".equals(validation);
    }
  }

  /** Reads the state; {@code staleAfter} as check-single-version takes it. */
  public static DeployStatus read(Deployment cluster, AgentHttp http, Instant now, Duration staleAfter) throws IOException {
    Versions versions = cluster.versions();
    Set<String> stale = versions.stale(now, staleAfter, cluster.failedNodes());
    Map<String, String[]> checks = new TreeMap<>();
    AgentHttp.Answer a = http.get("/v1/health/service/" + Deployment.STATUS_SERVICE, 0, Duration.ZERO);
    if (a.status() != 200) throw new IOException("reading " + Deployment.STATUS_SERVICE + ": the agent answered " + a.status());
    for (JsonNode e : JSON.readTree(a.body())) {
      String[] c = checks.computeIfAbsent(e.path("Node").path("Node").asText(), n -> new String[] {"-", "-"});
      for (JsonNode ch : e.path("Checks")) {
        if (ch.path("CheckID").asText().equals("puppet")) c[0] = ch.path("Status").asText();
        if (ch.path("CheckID").asText().equals("validation")) c[1] = ch.path("Status").asText();
      }
    }
    Set<String> hosts = new TreeSet<>(checks.keySet());
    Map<String, String> versionOf = new TreeMap<>();
    Map<String, Instant> reportedAt = new TreeMap<>();
    for (String v : versions.versions()) {
      versions.reports().get(v).forEach((h, t) -> {
        hosts.add(h);
        versionOf.put(h, v);
        reportedAt.put(h, t);
      });
    }
    List<Row> rows = new ArrayList<>();
    for (String h : hosts) {
      String[] c = checks.getOrDefault(h, new String[] {"-", "-"});
      Instant at = reportedAt.get(h);
      rows.add(new Row(h, versionOf.getOrDefault(h, "-"), c[0], c[1], at == null ? null : Duration.between(at, now),
          stale.contains(h)));
    }
    Optional<String> current = cluster.currentVersion();
    Optional<String> halted = current.isEmpty() ? Optional.empty() : new RolloutGate(http).halted(current.get());
    return new DeployStatus(current, rows, halted);
  }

  public long onCurrent() {
    return rows.stream().filter(r -> current.isPresent() && r.version().equals(current.get()) && !r.stale()).count();
  }

  public List<String> failing() {
    return rows.stream().filter(Row::failing).map(Row::host).toList();
  }

  public List<String> staleHosts() {
    return rows.stream().filter(Row::stale).map(Row::host).toList();
  }

  /** Every host on the current version, passing, none stale (and at least one host). */
  public boolean converged() {
    return current.isPresent() && !rows.isEmpty() && onCurrent() == rows.size() && failing().isEmpty();
  }

  /** {@code 41/50 hosts on v17, 3 failing: a, b, c, 1 stale: d}. */
  public String summary() {
    if (current.isEmpty()) return rows.size() + " hosts; no version triggered yet";
    StringBuilder b = new StringBuilder(onCurrent() + "/" + rows.size() + " hosts on " + current.get());
    if (!failing().isEmpty()) b.append(", ").append(failing().size()).append(" failing: ").append(String.join(", ", failing()));
    if (!staleHosts().isEmpty()) b.append(", ").append(staleHosts().size()).append(" stale: ").append(String.join(", ", staleHosts()));
    halted.ifPresent(h -> b.append(", rollout halted by ").append(h));
    if (converged()) b.append(": converged");
    return b.toString();
  }

  /** A progress bar toward convergence: {@code [##########----------] 50%}. */
  public String bar(int width) {
    long done = rows.stream().filter(r -> current.isPresent() && r.version().equals(current.get()) && !r.stale() && !r.failing()).count();
    int filled = rows.isEmpty() ? 0 : (int) (done * width / rows.size());
    return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + (rows.isEmpty() ? 0 : done * 100 / rows.size()) + "%";
  }

  /** The table: host, version, configure, validation, last report, stale. */
  public List<String> table() {
    List<String> out = new ArrayList<>();
    String fmt = "%-24s %-12s %-10s %-10s %-12s %s";
    out.add(String.format(fmt, "HOST", "VERSION", "CONFIGURE", "VALIDATION", "REPORTED", "STALE"));
    for (Row r : rows) {
      out.add(String.format(fmt, r.host(), r.version(), r.configure(), r.validation(),
          r.age() == null ? "-" : r.age().toSeconds() + "s ago", r.stale() ? "stale" : ""));
    }
    return out;
  }

  public String json() {
    ObjectNode o = JSON.createObjectNode();
    current.ifPresentOrElse(c -> o.put("CurrentVersion", c), () -> o.putNull("CurrentVersion"));
    ArrayNode hosts = o.putArray("Hosts");
    for (Row r : rows) {
      ObjectNode h = hosts.addObject().put("Host", r.host()).put("Version", r.version()).put("Configure", r.configure())
          .put("Validation", r.validation()).put("Stale", r.stale());
      if (r.age() == null) h.putNull("ReportAgeSeconds");
      else h.put("ReportAgeSeconds", r.age().toSeconds());
    }
    halted.ifPresentOrElse(h -> o.put("Halted", h), () -> o.putNull("Halted"));
    o.put("Converged", converged()).put("Summary", summary());
    return o.toString();
  }
}
