package io.cairn.cli;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cairn keygen}: 32 random bytes, base64, as {@code consul keygen} prints a gossip key.
 * Cairn has no gossip to encrypt (its agent refuses {@code encrypt} rather than ignore it); the
 * command is here so scripts that make keys keep working.
 */
@Command(name = "keygen", description = "Prints a new random 32-byte key, base64-encoded, as consul keygen does.")
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    spec.commandLine().getOut().println(Base64.getEncoder().encodeToString(key));
    return 0;
  }
}
