package io.cairn.cli;

import picocli.CommandLine.Command;

/** {@code cairn kv}: the key/value store's client commands. */
@Command(name = "kv", description = "Reads and writes the key/value store.",
    subcommands = {KvGetCommand.class, KvPutCommand.class, KvDeleteCommand.class, KvExportCommand.class, KvImportCommand.class})
final class KvCommand {
  private KvCommand() {}
}
