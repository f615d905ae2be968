package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /v1/agent/metrics: a few gauges an operator watches, as Consul's JSON or, with
 * ?format=prometheus, Prometheus's text format (names with dots turned to underscores).
 */
final class MetricsApi {
  private final ApiContext ctx;

  MetricsApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** How often /v1/agent/metrics/stream writes, as Consul's (its metrics interval). */
  private static final java.time.Duration STREAM_INTERVAL = java.time.Duration.ofSeconds(10);

  void register(Router r) {
    r.route("GET", "/v1/agent/metrics", (req, rest) -> {
      Map<String, Double> gauges = gauges();
      if ("prometheus".equals(req.param("format"))) return prometheus(gauges);
      return Reply.json(snapshot(gauges));
    });
    // Consul's stream: one JSON summary now and then every interval, until the client leaves.
    r.route("GET", "/v1/agent/metrics/stream", (req, rest) -> Reply.stream("application/json", (out, connected) -> {
      long next = System.nanoTime();
      while (connected.getAsBoolean()) {
        if (System.nanoTime() - next >= 0) {
          out.write(Wire.JSON.writeValueAsBytes(snapshot(gauges())));
          out.write('\n');
          out.flush();
          next += STREAM_INTERVAL.toNanos();
        }
        Thread.sleep(200);
      }
    }));
  }

  private static ObjectNode snapshot(Map<String, Double> gauges) {
    ObjectNode out = Wire.object();
    out.put("Timestamp", Instant.now().toString());
    ArrayNode g = out.putArray("Gauges");
    gauges.forEach((name, value) -> g.addObject().put("Name", name).put("Value", value).putObject("Labels"));
    out.putArray("Points");
    out.putArray("Counters");
    out.putArray("Samples");
    return out;
  }

  private Map<String, Double> gauges() {
    Map<String, Double> g = new LinkedHashMap<>(ctx.cluster().gauges());
    g.put("consul.agent.services", (double) ctx.local().services().size());
    g.put("consul.agent.checks", (double) ctx.local().checks().size());
    var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    g.put("consul.runtime.heap_used_bytes", (double) mem.getUsed());
    g.put("consul.runtime.num_threads", (double) ManagementFactory.getThreadMXBean().getThreadCount());
    return g;
  }

  private static Reply prometheus(Map<String, Double> gauges) {
    StringBuilder b = new StringBuilder();
    gauges.forEach((name, value) -> {
      String n = name.replace('.', '_');
      b.append("# HELP ").append(n).append(' ').append(name).append('\n');
      b.append("# TYPE ").append(n).append(" gauge\n");
      b.append(n).append(' ').append(value % 1 == 0 ? Long.toString(value.longValue()) : Double.toString(value)).append('\n');
    });
    Reply r = Reply.text(200, b.toString());
    return new Reply(200, "text/plain; version=0.0.4; charset=utf-8", r.body(), null, null, r.headers());
  }
}
