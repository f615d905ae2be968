package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.local.UnknownCheckException;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.UnknownDatacenterException;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where what a handler threw becomes the answer a client sees: Consul's status
 * and a one-line reason in the API's own words. A client mistake says what was wrong with the
 * input; anything unexpected is a 500 with a generic text and a reference, its detail logged
 * here. No Java, Jackson or Jetty name reaches a client: every error text passes {@link #oneLine}
 * (in {@link Reply#text}).
 */
final class ErrorReply {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorReply.class);
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

  private ErrorReply() {}

  /** The answer for a request that threw {@code e}; {@code request} names it in the log. */
  static Reply of(Throwable e, String request) {
    if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
    return switch (e) {
      case ApiException a -> Reply.text(a.status(), a.getMessage());
      case JsonProcessingException j -> Reply.text(400, "Request decode failed: " + JsonProblem.describe(j));
      case IllegalArgumentException i -> Reply.text(400, i.getMessage());
      case UnknownCheckException u -> Reply.text(404, u.getMessage());
      case NoLeaderException n -> Reply.text(500, n.getMessage());
      case UnknownDatacenterException u -> Reply.text(500, u.getMessage());
      default -> unexpected(e, request);
    };
  }

  /** A bug or a failure the client could not cause: logged in full, answered without detail. */
  static Reply unexpected(Throwable e, String request) {
    String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    LOG.error("{} failed (reference {}): {}", request, ref, e.toString(), e);
    return Reply.text(500, "Internal error (reference " + ref + " in the agent's log)");
  }

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
