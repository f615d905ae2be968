package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn services deregister}: removes services by ID, or those a definition file names. */
@Command(name = "deregister", description = "Deregisters services: each argument is a service ID or a definition FILE.")
final class ServicesDeregisterCommand extends ClientCommand {
  @Parameters(arity = "0..*", paramLabel = "ID|FILE",
      description = "A service ID, or a file whose services to deregister (an existing file wins over an ID).")
  List<String> targets = new ArrayList<>();
  @Option(names = "-id", paramLabel = "ID", description = "Service ID to deregister, as in Consul.") String id;

  @Override
  int run(ApiClient client) {
    List<String> ids = new ArrayList<>();
    if (id != null) ids.add(id);
    for (String t : targets) {
      Path file = asFile(t);
      if (file == null) {
        ids.add(t);
        continue;
      }
      for (ObjectNode s : ServiceDefinitionFile.read(file).services()) {
        String sid = ServiceDefinitionFile.id(s, t);
        if (sid == null || sid.isEmpty()) throw new ClientError(t + ": a service definition has neither ID nor name");
        ids.add(sid);
      }
    }
    if (ids.isEmpty()) throw new ClientError("Missing service ID or FILE argument");
    for (String sid : ids) {
      client.put("/v1/agent/service/deregister/" + ApiClient.encode(sid), Map.of(), null);
      out().println("Deregistered service: " + sid);
    }
    return 0;
  }

  private static Path asFile(String target) {
    try {
      Path p = Path.of(target);
      return Files.isRegularFile(p) ? p : null;
    } catch (InvalidPathException e) {
      return null; // not a path on this system, so an ID
    }
  }
}
