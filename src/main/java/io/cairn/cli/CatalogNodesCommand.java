package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn catalog nodes}: the catalog's nodes as a table. */
@Command(name = "nodes", description = "Lists the nodes in the catalog.")
final class CatalogNodesCommand extends ClientCommand {
  @Option(names = "-detailed", description = "Print full node IDs.") boolean detailed;
  @Option(names = "-filter", paramLabel = "<expression>",
      description = "Filter expression on the nodes (Consul's language; with -service, on the service's instances).") String filter;
  @Option(names = "-service", paramLabel = "<name>", description = "Only the nodes providing this service.") String service;

  @Override
  int run(ApiClient client) {
    List<JsonNode> nodes = new ArrayList<>();
    Map<String, String> query = filter == null ? Map.of() : Map.of("filter", filter);
    client.get(service == null ? "/v1/catalog/nodes" : "/v1/catalog/service/" + ApiClient.encode(service), query).forEach(nodes::add);
    if (nodes.isEmpty()) {
      err().println("No nodes match the given query - try expanding your search.");
      return 0;
    }
    nodes.sort(Comparator.comparing(n -> n.path("Node").asText()));
    Columns table = new Columns().row("Node", "ID", "Address", "DC");
    for (JsonNode n : nodes) {
      table.row(n.path("Node").asText(), id(n.path("ID").asText()), n.path("Address").asText(), n.path("Datacenter").asText());
    }
    table.print(out());
    return 0;
  }

  /** Consul shows the first 8 characters of a node ID, enough to tell nodes apart. */
  private String id(String id) {
    return detailed || id.length() <= 8 ? id : id.substring(0, 8);
  }
}
