package io.cairn.cli;

import picocli.CommandLine.Command;

/** {@code cairn catalog}: reads of the catalog (services, nodes, datacenters). */
@Command(name = "catalog", description = "Lists what the catalog holds.",
    subcommands = {CatalogServicesCommand.class, CatalogNodesCommand.class, CatalogDatacentersCommand.class})
final class CatalogCommand {
  private CatalogCommand() {}
}
