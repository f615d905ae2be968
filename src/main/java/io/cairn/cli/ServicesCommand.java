package io.cairn.cli;

import picocli.CommandLine.Command;

/** {@code cairn services}: registering and deregistering this agent's services. */
@Command(name = "services", description = "Registers and deregisters services with the local agent.",
    subcommands = {ServicesRegisterCommand.class, ServicesDeregisterCommand.class})
final class ServicesCommand {
  private ServicesCommand() {}
}
