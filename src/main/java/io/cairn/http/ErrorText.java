package io.cairn.http;

import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An error's text made safe to send: one line, bounded, and without any internal name. */
final class ErrorText {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorText.class);
  /** Longest error text sent; a quoted key or pattern can be long, the answer stays a line. */
  private static final int MAX_CHARS = 400;
  /**
   * What an internal name looks like: a qualified Java name, a Java exception or error class,
   * Jackson's backquoted names and switches.
   */
  private static final Pattern INTERNAL = Pattern.compile(
      "\\b(java|javax|jdk|sun|io\\.cairn|com\\.fasterxml|org\\.eclipse|org\\.apache|org\\.slf4j)\\.[A-Za-z]"
          + "|\\b[A-Za-z]*Exception\\b|\\b[A-Z][a-z]+(?:[A-Z][a-z]*)*Error\\b"
          + "|`|(?i:\\bjackson\\b)|\\b[A-Z][a-z]+(?:[A-Z][a-z]*)+(?:Feature|Constraints)\\b");

  private ErrorText() {}

  /**
   * An error text made safe to send: control characters escaped so it stays one line, its length
   * bounded, and, should it carry an internal name after all, replaced by a generic reason (the
   * original logged at WARN so the message can be fixed where it is made).
   */
  static String oneLine(int status, String message) {
    if (message == null || message.isBlank()) return genericFor(status);
    if (leaksInternals(message)) {
      LOG.warn("error text with an internal name replaced (status {}): {}", status, message);
      return genericFor(status);
    }
    StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_CHARS + 16));
    for (int i = 0; i < message.length() && b.length() < MAX_CHARS; i++) {
      char c = message.charAt(i);
      if (c == '\n') b.append("\\n");
      else if (c == '\r') b.append("\\r");
      else if (c == '\t') b.append("\\t");
      else if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
      else b.append(c);
    }
    if (b.length() >= MAX_CHARS) b.append("...");
    return b.toString();
  }

  static boolean leaksInternals(String text) {
    return INTERNAL.matcher(text).find();
  }

  private static String genericFor(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 408 -> "Request timed out";
      case 413 -> "Request too large";
      case 414 -> "Request URI too long";
      case 431 -> "Request headers too large";
      default -> status >= 500 ? "Internal error" : "Request refused";
    };
  }
}
