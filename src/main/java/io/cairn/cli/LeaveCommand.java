package io.cairn.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code cairn leave}: asks the agent to leave the cluster gracefully and shut down. */
@Command(name = "leave", description = "Makes the agent leave the cluster and shut down.")
final class LeaveCommand extends ClientCommand {
  @Override
  int run(ApiClient client) {
    client.put("/v1/agent/leave", Map.of(), null);
    out().println("Graceful leave complete");
    return 0;
  }
}
