package io.cairn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn monitor}: the agent's log as it is written, as {@code consul monitor}, until
 * interrupted or the agent goes away (exit 0 on an interrupt, 1 when the agent ends the stream).
 */
@Command(name = "monitor", description = "Streams the agent's log. The level may be more verbose than the agent's own "
    + "(down to debug); the stream ends when the agent stops.")
final class MonitorCommand extends ClientCommand {
  @Option(names = "-log-level", paramLabel = "<level>", description = "trace, debug, info (default), warn or err.")
  String logLevel = "info";

  @Option(names = "-log-json", description = "Each entry as JSON (@level, @message, @module, @timestamp).")
  boolean logJson;

  @Override
  int run(ApiClient client) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("loglevel", logLevel);
    if (logJson) query.put("logjson", "true");
    client.lines("/v1/agent/monitor", query, line -> {
      out().println(line);
      out().flush();
    });
    err().println("Remote side ended the monitor! This usually means that the remote side has exited or crashed.");
    return 1;
  }
}
