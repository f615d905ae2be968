package io.cairn.cli;

import io.cairn.http.LogTap;
import java.util.Locale;

/**
 * One line per event: slf4j-simple configured before the first logger exists. Ratis and Netty
 * are noisy at INFO, so they log warnings only unless the level is DEBUG or TRACE.
 */
final class Logging {
  private Logging() {}

  static void init() {
    set("org.slf4j.simpleLogger.showDateTime", "true");
    set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
    set("org.slf4j.simpleLogger.showThreadName", "false");
    set("org.slf4j.simpleLogger.showShortLogName", "true");
    set("org.slf4j.simpleLogger.levelInBrackets", "true");
    set("org.slf4j.simpleLogger.defaultLogLevel", "info");
    set("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
    set("org.slf4j.simpleLogger.log.org.apache.ratis.thirdparty", "warn");
    // Ratis logs every failed dial to a peer that is not up yet as an ERROR with a stack
    // trace; our own log says what matters (leader changes, joins, start failures).
    set("org.slf4j.simpleLogger.log.org.apache.ratis.util.LifeCycle", "off");
    // The leader logs every retry to a follower that is down (four a second, each with a stack
    // trace) as a WARN; membership says it once ("member failed: ...").
    set("org.slf4j.simpleLogger.log.org.apache.ratis.server.leader.LogAppender", "error");
    set("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
  }

  /**
   * Applies the agent's -log-level; takes effect for loggers created afterwards. Cairn's own
   * loggers log at DEBUG at least, into {@link LogTap}, which prints what the level lets
   * through and hands the rest to {@code /v1/agent/monitor} readers that ask for it.
   */
  static void setLevel(String level) {
    LogTap.Level parsed = LogTap.Level.parse(level);
    LogTap.Level l = parsed == null ? LogTap.Level.INFO : parsed;
    String name = l.name().toLowerCase(Locale.ROOT);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", name);
    System.setProperty("org.slf4j.simpleLogger.log.io.cairn", l == LogTap.Level.TRACE ? "trace" : "debug");
    LogTap.install(l);
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }
}
