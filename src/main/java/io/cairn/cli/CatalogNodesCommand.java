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

  @Override
  int run(ApiClient client) {
    List<JsonNode> nodes = new ArrayList<>();
    client.get("/v1/catalog/nodes", Map.of()).forEach(nodes::add);
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
