package io.cairn.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code cairn reload}: asks the agent to re-read its configuration files. */
@Command(name = "reload", description = "Makes the agent reload its configuration files.")
final class ReloadCommand extends ClientCommand {
  @Override
  int run(ApiClient client) {
    client.put("/v1/agent/reload", Map.of(), null);
    out().println("Configuration reload triggered");
    return 0;
  }
}
