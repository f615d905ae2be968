package io.cairn.agent;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls of an agent's HTTP API as the watch and lock recipes make them: a GET that blocks past
 * an index (Consul's blocking query) and answers with the X-Consul-Index it saw, PUT and DELETE.
 * A transport failure is an IOException naming the agent; what the status means is the caller's.
 */
public final class AgentHttp {
  /** An answer: its status, body and X-Consul-Index (0 when absent). */
  public record Answer(int status, String body, long index) {}

  private final URI base;
  private final String token;
  /**
   * One client for every caller in this JVM: a JDK HttpClient keeps a selector thread of its
   * own, so a client per command run (a thousand wait-for runs in one process, as tests and the
   * orchestration bench make) meant a thousand such threads; connections are still one per
   * request in flight, and kept alive between them.
   */
  private static final HttpClient SHARED = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpClient http = SHARED;

  public AgentHttp(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** A path segment (or several, with their slashes) percent-encoded for the URL. */
  public static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** GET, blocking past {@code index} for up to {@code wait} when index > 0. */
  public Answer get(String pathAndQuery, long index, Duration wait) throws IOException {
    String sep = pathAndQuery.contains("?") ? "&" : "?";
    // In milliseconds: whole seconds would turn a wait under 1 s into "0s", which a server reads as its default (5 min).
    String q = index > 0 ? sep + "index=" + index + "&wait=" + Math.max(1, wait.toMillis()) + "ms" : "";
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery + q)).timeout(wait.plusSeconds(30)).GET());
  }

  public Answer put(String pathAndQuery, String body) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)));
  }

  /** A PUT of raw bytes (a KV value that need not be text). */
  public Answer putBytes(String pathAndQuery, byte[] body) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Answer delete(String pathAndQuery) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).DELETE());
  }

  private Answer send(HttpRequest.Builder b) throws IOException {
    if (token != null && !token.isEmpty()) b.header("X-Consul-Token", token);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.body(), r.headers().firstValueAsLong("X-Consul-Index").orElse(0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new IOException("cannot reach the agent at " + base + " (" + why + ")", e);
    }
  }
}
