package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.raft.Voter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn operator raft list-peers|remove-peer|transfer-leader}: the servers' Raft
 * configuration; {@code cairn operator autopilot get-config|set-config|state}.
 */
@Command(name = "operator", description = "Operator tools.",
    subcommands = {OperatorCommand.Raft.class, AutopilotCommand.class})
final class OperatorCommand {
  @Command(name = "raft", description = "The servers' Raft configuration.",
      subcommands = {OperatorCommand.ListPeers.class, OperatorCommand.RemovePeer.class, OperatorCommand.TransferLeader.class})
  static final class Raft {}

  @Command(name = "transfer-leader", description = "Hands Raft leadership to another server.")
  static final class TransferLeader extends ClientCommand {
    @Option(names = "-id", paramLabel = "ID", description = "The server to lead (default: the most up-to-date follower).")
    String id;

    @Override
    int run(ApiClient client) {
      client.post("/v1/operator/raft/transfer-leader", id == null ? Map.of() : Map.of("id", id), new byte[0]);
      out().println("Success");
      return 0;
    }
  }

  @Command(name = "list-peers", description = "Lists the Raft peers and which leads.")
  static final class ListPeers extends ClientCommand {
    @Override
    int run(ApiClient client) {
      JsonNode conf = client.get("/v1/operator/raft/configuration", Map.of());
      Columns table = new Columns().row("Node", "ID", "Address", "State", "Voter", "RaftProtocol");
      for (JsonNode s : conf.path("Servers")) {
        table.row(s.path("Node").asText(), s.path("ID").asText(), s.path("Address").asText(),
            s.path("Leader").asBoolean() ? "leader" : "follower", Boolean.toString(s.path("Voter").asBoolean()),
            s.path("ProtocolVersion").asText());
      }
      table.print(out());
      return 0;
    }
  }

  @Command(name = "remove-peer", description = "Removes a server from the Raft configuration.")
  static final class RemovePeer extends ClientCommand {
    @Option(names = "-id", paramLabel = "ID") String id;
    @Option(names = "-address", paramLabel = "IP:PORT") String address;

    @Override
    int run(ApiClient client) {
      if ((id == null) == (address == null)) throw new ClientError("give exactly one of -id or -address");
      client.delete("/v1/operator/raft/peer", id != null ? Map.of("id", id) : Map.of("address", address));
      out().println("Removed peer " + (id != null ? "with id \"" + id + "\"" : "with address \"" + address + "\""));
      return 0;
    }
  }
}
