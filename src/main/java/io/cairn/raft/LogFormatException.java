package io.cairn.raft;

import java.io.IOException;

/**
 * A log entry or snapshot image that this version cannot read exactly: a newer format, a command
 * type or field it does not know, or bytes that are not an entry at all. See docs/log-format.md.
 */
final class LogFormatException extends IOException {
  /** The format version the bytes declare, 0 for the unversioned format, -1 when unreadable. */
  private final int format;
  /** Whether the server that wrote the entry marked it safe for an older server to skip. */
  private final boolean ignorable;

  LogFormatException(int format, boolean ignorable, String reason) {
    this(format, ignorable, reason, null);
  }

  LogFormatException(int format, boolean ignorable, String reason, Throwable cause) {
    super(reason, cause);
    this.format = format;
    this.ignorable = ignorable;
  }

  int format() {
    return format;
  }

  boolean ignorable() {
    return ignorable;
  }

  /** The format as a log line shows it. */
  String formatName() {
    return format < 0 ? "unknown" : Integer.toString(format);
  }
}
