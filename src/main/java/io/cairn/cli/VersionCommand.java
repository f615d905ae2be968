package io.cairn.cli;

import io.cairn.agent.Agent;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Prints the version.")
final class VersionCommand implements Runnable {
  @Override
  public void run() {
    System.out.println("Cairn v" + io.cairn.agent.Agent.REVISION.replace("cairn-", ""));
    System.out.println("Consul API compatibility: v" + Agent.VERSION);
  }
}
