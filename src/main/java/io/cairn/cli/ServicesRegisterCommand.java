package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn services register}: registers services from definition files or from flags. */
@Command(name = "register", description = "Registers services from FILEs (JSON or HCL with a \"service\" block), or one from flags.")
final class ServicesRegisterCommand extends ClientCommand {
  @Parameters(arity = "0..*", paramLabel = "FILE") List<Path> files = new ArrayList<>();
  @Option(names = "-name", paramLabel = "NAME") String name;
  @Option(names = "-id", paramLabel = "ID", description = "Default: the name.") String id;
  @Option(names = "-address", paramLabel = "ADDR", description = "Default: the node's address.") String address;
  @Option(names = "-port", paramLabel = "PORT") Integer port;
  @Option(names = "-tag", paramLabel = "TAG", description = "Repeatable.") List<String> tags = new ArrayList<>();
  @Option(names = "-meta", paramLabel = "KEY=VALUE", description = "Repeatable.") Map<String, String> meta = new LinkedHashMap<>();

  @Override
  int run(ApiClient client) throws Exception {
    boolean flagsGiven = name != null || id != null || address != null || port != null || !tags.isEmpty() || !meta.isEmpty();
    if (!files.isEmpty() && flagsGiven) throw new ClientError("Cannot specify both service flags and FILE arguments");
    if (files.isEmpty()) {
      if (name == null || name.isEmpty()) throw new ClientError("Missing service -name or FILE argument");
      register(client, fromFlags(), "flags");
      return 0;
    }
    // Read every file before registering any, so that a bad file leaves the agent unchanged.
    List<ServiceDefinitionFile> definitions = files.stream().map(ServiceDefinitionFile::read).toList();
    for (ServiceDefinitionFile d : definitions) {
      for (ObjectNode s : d.services()) register(client, s, d.path().toString());
    }
    return 0;
  }

  private ObjectNode fromFlags() {
    ObjectNode s = ApiClient.JSON.createObjectNode();
    s.put("Name", name);
    if (id != null) s.put("ID", id);
    if (address != null) s.put("Address", address);
    if (port != null) s.put("Port", port);
    if (!tags.isEmpty()) tags.forEach(s.putArray("Tags")::add);
    if (!meta.isEmpty()) meta.forEach(s.putObject("Meta")::put);
    return s;
  }

  private void register(ApiClient client, ObjectNode service, String where) throws Exception {
    client.put("/v1/agent/service/register", Map.of(), ApiClient.JSON.writeValueAsBytes(service));
    out().println("Registered service: " + ServiceDefinitionFile.name(service, where));
  }
}
