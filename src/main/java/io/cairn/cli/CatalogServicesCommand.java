package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn catalog services}: the registered service names, one per line. */
@Command(name = "services", description = "Lists the services in the catalog.")
final class CatalogServicesCommand extends ClientCommand {
  @Option(names = "-tags", description = "Also print each service's tags.") boolean tags;
  @Option(names = "-filter", paramLabel = "<expression>",
      description = "Filter expression on the service instances (Consul's language, its ServiceNode fields).") String filter;

  @Override
  int run(ApiClient client) {
    Map<String, List<String>> services = new TreeMap<>();
    client.get("/v1/catalog/services", filter == null ? Map.<String, String>of() : Map.of("filter", filter)).properties().forEach(e -> services.put(e.getKey(), strings(e.getValue())));
    if (!tags) {
      services.keySet().forEach(out()::println);
      return 0;
    }
    Columns table = new Columns();
    services.forEach((name, t) -> table.row(name, String.join(",", t.stream().sorted().toList())));
    table.print(out());
    return 0;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
