package io.cairn.cli;

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

  /** Applies the agent's -log-level; takes effect for loggers created afterwards. */
  static void setLevel(String level) {
    String l = switch (level.toLowerCase(Locale.ROOT)) {
      case "trace" -> "trace";
      case "debug" -> "debug";
      case "warn", "warning" -> "warn";
      case "err", "error" -> "error";
      default -> "info";
    };
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }
}
