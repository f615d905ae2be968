package io.cairn.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.List;

/**
 * {@code /debug/threads} (a thread dump) and {@code /debug/log} (the last log lines), for
 * {@code cairn debug}: served only with {@code enable_debug} (on with -dev), as Consul serves
 * {@code /debug/pprof} only then. They are Cairn's own paths: a Java thread dump is not pprof.
 */
final class DebugApi {
  private final ApiContext ctx;

  DebugApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/debug/threads", (req, rest) -> {
      allowed();
      return Reply.text(200, threadDump());
    });
    r.route("GET", "/debug/log", (req, rest) -> {
      allowed();
      LogTap tap = LogTap.installed();
      if (tap == null) return Reply.text(200, "");
      List<LogTap.Line> lines = tap.recent();
      int n = (int) Math.min(lines.size(), req.longParam("lines", lines.size()));
      StringBuilder out = new StringBuilder();
      for (LogTap.Line l : lines.subList(lines.size() - n, lines.size())) out.append(l.text()).append('\n');
      return Reply.text(200, out.toString());
    });
  }

  private void allowed() {
    if (!ctx.agent().debugEnabled()) {
      throw new ApiException(403, "Debug endpoints are off: set enable_debug = true in the agent's config (they are on with -dev)");
    }
  }

  /** Every thread with its full stack and the locks it holds or waits on, as jstack prints them. */
  static String threadDump() {
    StringBuilder out = new StringBuilder();
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
          .append(t.isDaemon() ? " daemon" : "").append(" ").append(t.getThreadState());
      if (t.getLockName() != null) out.append(" on ").append(t.getLockName());
      if (t.getLockOwnerName() != null) out.append(" owned by \"").append(t.getLockOwnerName()).append('"');
      out.append('\n');
      for (StackTraceElement e : t.getStackTrace()) out.append("\tat ").append(e).append('\n');
      out.append('\n');
    }
    return out.toString();
  }
}
