package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few calls of the HTTP API the lock and semaphore recipes make, with what they need that
 * the plain client does not give: a read's X-Consul-Index and blocking reads. A failure is an
 * IOException whose status says whether the agent answered (500: the monitor may retry).
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

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  LockApi(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** GET, blocking past {@code index} for up to {@code wait} when index > 0. */
  Read get(String pathAndQuery, long index, Duration wait) throws IOException {
    String sep = pathAndQuery.contains("?") ? "&" : "?";
    String q = index > 0 ? sep + "index=" + index + "&wait=" + wait.toSeconds() + "s" : "";
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(pathAndQuery + q))
        .timeout(wait.plusSeconds(30)).GET(), pathAndQuery);
    long at = r.headers().firstValueAsLong("X-Consul-Index").orElse(0);
    if (r.statusCode() == 404) return new Read(null, at);
    check(r, pathAndQuery);
    return new Read(JSON.readTree(r.body()), at);
  }

  JsonNode put(String pathAndQuery, String body) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)), pathAndQuery);
    check(r, pathAndQuery);
    return r.body().isBlank() ? null : JSON.readTree(r.body());
  }

  JsonNode delete(String pathAndQuery) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .DELETE(), pathAndQuery);
    check(r, pathAndQuery);
    return r.body().isBlank() ? null : JSON.readTree(r.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String what) throws IOException {
    if (token != null && !token.isEmpty()) b.header("X-Consul-Token", token);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      throw new IOException("cannot reach the agent at " + base + " (" + e.getMessage() + ")", e);
    }
  }

  private static void check(HttpResponse<String> r, String what) throws Failure {
    if (r.statusCode() >= 400) throw new Failure(r.statusCode(), "Unexpected response code: " + r.statusCode() + " (" + r.body().strip() + ")");
  }
}
