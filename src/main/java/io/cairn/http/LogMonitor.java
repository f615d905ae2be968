package io.cairn.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/agent/monitor?loglevel=&logjson}: the agent's log as it is written, one line at
 * a time, until the client leaves. {@code loglevel} (default info) may be more verbose than the
 * agent's own level, down to DEBUG (TRACE when the agent runs at TRACE). With {@code logjson},
 * each entry is hclog's JSON ({@code @level @message @module @timestamp}), as Consul's.
 */
final class LogMonitor {
  /** Lines a slow reader may fall behind by before lines are dropped (and the drop said). */
  private static final int BACKLOG = 512;
  private static final long IDLE_CHECK_MILLIS = 1000;

  private LogMonitor() {}

  static Reply reply(ApiRequest req) {
    String asked = req.param("loglevel");
    String name = asked == null || asked.isEmpty() ? "info" : asked;
    LogTap.Level level = LogTap.Level.parse(name);
    if (level == null) throw ApiException.badRequest("Unknown log level: " + name);
    boolean json = req.flag("logjson");
    LogTap tap = LogTap.installed();
    if (tap == null) throw new IllegalStateException("this process does not capture its log (it runs no agent command)");
    return Reply.stream(json ? "application/json" : "text/plain; charset=utf-8", (out, connected) -> stream(tap, level, json, out, connected));
  }

  private static void stream(LogTap tap, LogTap.Level level, boolean json, OutputStream out, BooleanSupplier connected)
      throws Exception {
    try (LogTap.Monitor monitor = tap.subscribe(level, BACKLOG)) {
      out.flush();
      while (connected.getAsBoolean()) {
        LogTap.Line line = monitor.poll(IDLE_CHECK_MILLIS);
        long dropped = monitor.takeDropped();
        if (dropped > 0) write(out, json, new LogTap.Line(LogTap.Level.WARN, java.time.Instant.now() + " [WARN] LogMonitor - "
            + "Monitor dropped " + dropped + " logs during monitor request"));
        if (line == null) continue;
        write(out, json, line);
        // Write what else is waiting before flushing: one flush per burst, not per line.
        for (LogTap.Line more; (more = monitor.poll(0)) != null; ) write(out, json, more);
        out.flush();
      }
    }
  }

  private static void write(OutputStream out, boolean json, LogTap.Line line) throws java.io.IOException {
    String text = json ? Wire.JSON.writeValueAsString(hclog(line)) : line.text();
    out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** A line as {@code <time> [LEVEL] Module - message} becomes hclog's JSON; a continuation line is a message of its own. */
  static ObjectNode hclog(LogTap.Line line) {
    String t = line.text();
    ObjectNode o = Wire.object();
    o.put("@level", line.level().name().toLowerCase(java.util.Locale.ROOT));
    int open = t.indexOf(" [");
    int close = open < 0 ? -1 : t.indexOf("] ", open);
    int dash = close < 0 ? -1 : t.indexOf(" - ", close);
    if (LogTap.levelOf(t) != null && dash > 0) {
      o.put("@message", t.substring(dash + 3));
      o.put("@module", t.substring(close + 2, dash));
      o.put("@timestamp", t.substring(0, open));
    } else {
      o.put("@message", t);
      o.put("@module", "");
      o.put("@timestamp", java.time.Instant.now().toString());
    }
    return o;
  }
}
