package io.cairn.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code cairn catalog datacenters}: the known datacenters, one per line. */
@Command(name = "datacenters", description = "Lists the known datacenters.")
final class CatalogDatacentersCommand extends ClientCommand {
  @Override
  int run(ApiClient client) {
    client.get("/v1/catalog/datacenters", Map.of()).forEach(dc -> out().println(dc.asText()));
    return 0;
  }
}
