package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.agent.AgentHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * The calls the lock and semaphore recipes make ({@link AgentHttp}), with their answers read as
 * JSON: a missing key is a null body; an error status is a {@link Failure} whose status says
 * whether the agent answered (a monitor may retry a 500).
 */
final class LockApi {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A read's body (null: the key does not exist) and the index it was at. */
  record Read(JsonNode body, long index) {}

  /** The agent answered with an error status. */
  static final class Failure extends IOException {
    final int status;

    Failure(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final AgentHttp http;

  LockApi(URI base, String token) {
    this.http = new AgentHttp(base, token);
  }

  static String enc(String s) {
    return AgentHttp.enc(s);
  }

  /** GET, blocking past {@code index} for up to {@code wait} when index > 0. */
  Read get(String pathAndQuery, long index, Duration wait) throws IOException {
    AgentHttp.Answer a = http.get(pathAndQuery, index, wait);
    if (a.status() == 404) return new Read(null, a.index());
    return new Read(json(a), a.index());
  }

  JsonNode put(String pathAndQuery, String body) throws IOException {
    return json(http.put(pathAndQuery, body));
  }

  JsonNode delete(String pathAndQuery) throws IOException {
    return json(http.delete(pathAndQuery));
  }

  private static JsonNode json(AgentHttp.Answer a) throws IOException {
    if (a.status() >= 400) throw new Failure(a.status(), "Unexpected response code: " + a.status() + " (" + a.body().strip() + ")");
    return a.body().isBlank() ? null : JSON.readTree(a.body());
  }
}
