package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.endpoints.UnknownDatacenterException;
import io.cairn.local.UnknownCheckException;
import io.cairn.rpc.NoLeaderException;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where what a handler threw becomes the answer a client sees: Consul's status
 * and a one-line reason in the API's own words. A client mistake says what was wrong with the
 * input; anything unexpected is a 500 with a generic text and a reference, its detail logged
 * here. No Java, Jackson or Jetty name reaches a client: every error text passes {@link ErrorText#oneLine}
 * (in {@link Reply#text}).
 */
final class ErrorReply {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorReply.class);
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
      case Federation.Unreachable u -> Reply.text(500, u.getMessage());
      default -> unexpected(e, request);
    };
  }

  /** A bug or a failure the client could not cause: logged in full, answered without detail. */
  static Reply unexpected(Throwable e, String request) {
    String ref = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    LOG.error("{} failed (reference {}): {}", request, ref, e.toString(), e);
    return Reply.text(500, "Internal error (reference " + ref + " in the agent's log)");
  }
}
