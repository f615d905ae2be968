package io.cairn.cli;

/**
 * A client command that could not do its job, for a reason the user can act on. Its message is
 * one line, because the CLI reports it as a single {@code Error: } line on stderr.
 */
final class ClientError extends RuntimeException {
  /** Printed as it is, without the {@code Error: } prefix: consul's own words, which scripts match on. */
  final boolean asIs;

  ClientError(String message) {
    super(oneLine(message));
    this.asIs = false;
  }

  private ClientError(String message, boolean asIs) {
    super(oneLine(message));
    this.asIs = asIs;
  }

  /** An error whose whole line is consul's (e.g. {@code Error! No key exists at: k}). */
  static ClientError consulWords(String line) {
    return new ClientError(line, true);
  }

  ClientError(String message, Throwable cause) {
    super(oneLine(message), cause);
    this.asIs = false;
  }

  /** Agent bodies and parser messages may span lines; scripts read our stderr line by line. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
