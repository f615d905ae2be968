package io.cairn.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn join}: points the agent at servers it was not told of, as {@code consul join}. */
@Command(name = "join", description = "Tells the agent to join the cluster through the given servers.")
final class JoinCommand extends ClientCommand {
  @Parameters(arity = "1..*", paramLabel = "address", description = "Server addresses (host or host:port; port 8300 by default).")
  List<String> addresses;

  @Option(names = "-wan", description = "Join another datacenter's server over the WAN (servers only).")
  boolean wan;

  @Override
  int run(ApiClient client) {
    int joined = 0;
    String lastError = null;
    for (String address : addresses) {
      try {
        client.put("/v1/agent/join/" + address, wan ? Map.of("wan", "1") : Map.of(), null);
        joined++;
      } catch (ClientError e) {
        lastError = e.getMessage();
      }
    }
    if (joined == 0) throw new ClientError("Error joining address: " + lastError);
    out().println("Successfully joined cluster by contacting " + joined + " nodes.");
    return 0;
  }
}
