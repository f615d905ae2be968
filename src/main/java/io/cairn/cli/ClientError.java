package io.cairn.cli;

/**
 * A client command that could not do its job, for a reason the user can act on. Its message is
 * one line, because the CLI reports it as a single {@code Error: } line on stderr.
 */
final class ClientError extends RuntimeException {
  ClientError(String message) {
    super(oneLine(message));
  }

  ClientError(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** Agent bodies and parser messages may span lines; scripts read our stderr line by line. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
