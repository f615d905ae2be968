package io.cairn.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn force-leave}: moves a failed member to the left state, as {@code consul force-leave}. */
@Command(name = "force-leave", description = "Forces a failed member of the cluster into the left state.")
final class ForceLeaveCommand extends ClientCommand {
  @Parameters(arity = "1", paramLabel = "node", description = "The member's node name.")
  String node;

  @Option(names = "-prune", description = "Forget the member at once instead of listing it as left.")
  boolean prune;

  @Override
  int run(ApiClient client) {
    client.put("/v1/agent/force-leave/" + node, prune ? Map.of("prune", "1") : Map.of(), null);
    return 0;
  }
}
