package io.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The client side of one agent's HTTP API, as every client command uses it: the agent's address,
 * the ACL token sent as X-Consul-Token, the datacenter added as {@code ?dc=}, and Consul's way
 * of reporting a refused request ({@code Unexpected response code: 400 (reason)}).
 */
final class ApiClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final String token;
  private final String datacenter;
  private final HttpClient http;

  private final boolean stale;
  /** CONSUL_HTTP_AUTH's "user[:password]", sent as HTTP basic authentication; null for none. */
  private final String basicAuth;

  ApiClient(URI base, String token, String datacenter) {
    this(base, token, datacenter, false, null);
  }

  ApiClient(URI base, String token, String datacenter, boolean stale, String basicAuth) {
    this.base = base;
    this.token = token;
    this.datacenter = datacenter;
    this.stale = stale;
    this.basicAuth = basicAuth;
    // HTTP/1.1 explicitly: the default would send an h2c upgrade the agent's server never takes.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** The JSON answer of a GET; any status but 2xx is an error. */
  JsonNode get(String path, Map<String, String> query) {
    return json(send("GET", path, query, null, false).orElseThrow());
  }

  /** The raw bytes of a GET's answer (e.g. a snapshot). */
  byte[] getBytes(String path, Map<String, String> query) {
    return send("GET", path, query, null, false).orElseThrow();
  }

  /** As {@link #get}, but a 404 (Consul's answer for a missing key or an empty listing) is empty. */
  Optional<JsonNode> find(String path, Map<String, String> query) {
    return send("GET", path, query, null, true).map(ApiClient::json);
  }

  /** A PUT; the answer's JSON, or null for Consul's empty 200. */
  JsonNode put(String path, Map<String, String> query, byte[] body) {
    return json(send("PUT", path, query, body, false).orElseThrow());
  }

  /** A POST; the answer's JSON, or null for an empty 200. */
  JsonNode post(String path, Map<String, String> query, byte[] body) {
    return json(send("POST", path, query, body, false).orElseThrow());
  }

  JsonNode delete(String path, Map<String, String> query) {
    return json(send("DELETE", path, query, null, false).orElseThrow());
  }

  /** A GET whose answer is a stream of lines (/v1/agent/monitor), each handed on as it arrives, until the agent ends it. */
  void lines(String path, Map<String, String> query, java.util.function.Consumer<String> each) {
    try (java.io.BufferedReader r = new java.io.BufferedReader(
        new java.io.InputStreamReader(stream(path, query), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) each.accept(line);
    } catch (IOException e) {
      throw new ClientError("GET " + base + path + ": " + reason(e), e);
    }
  }

  /** A GET's answer as a stream, once its status says 2xx; the caller closes it (which ends a stream that does not end). */
  java.io.InputStream stream(String path, Map<String, String> query) {
    URI uri = URI.create(base + path + queryString(query));
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET();
    headers(req);
    try {
      HttpResponse<java.io.InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (resp.statusCode() < 200 || resp.statusCode() > 299) {
        String text;
        try (java.io.InputStream in = resp.body()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        throw new ClientError("Unexpected response code: " + resp.statusCode() + (text.isEmpty() ? "" : " (" + text + ")"));
      }
      return resp.body();
    } catch (IOException e) {
      throw new ClientError("GET " + uri + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientError("GET " + uri + ": interrupted", e);
    }
  }

  /** The text answer of a GET (a thread dump, log lines). */
  String text(String path, Map<String, String> query) {
    return new String(send("GET", path, query, null, false).orElseThrow(), StandardCharsets.UTF_8);
  }

  private void headers(HttpRequest.Builder req) {
    if (token != null && !token.isEmpty()) req.header("X-Consul-Token", token);
    if (basicAuth != null) {
      req.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
    }
  }

  private Optional<byte[]> send(String method, String path, Map<String, String> query, byte[] body, boolean missingIsEmpty) {
    if (stale && method.equals("GET") && !query.containsKey("stale") && !query.containsKey("consistent")) {
      query = new LinkedHashMap<>(query);
      query.put("stale", "");
    }
    URI uri = URI.create(base + path + queryString(query));
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers(req);
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ClientError(method + " " + uri + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientError(method + " " + uri + ": interrupted", e);
    }
    int status = resp.statusCode();
    if (status == 404 && missingIsEmpty) return Optional.empty();
    if (status < 200 || status > 299) {
      String text = new String(resp.body(), StandardCharsets.UTF_8).strip();
      throw new ClientError("Unexpected response code: " + status + (text.isEmpty() ? "" : " (" + text + ")"));
    }
    return Optional.of(resp.body());
  }

  private String queryString(Map<String, String> query) {
    Map<String, String> all = new LinkedHashMap<>(query);
    if (datacenter != null && !datacenter.isEmpty()) all.put("dc", datacenter);
    if (all.isEmpty()) return "";
    StringBuilder sb = new StringBuilder();
    all.forEach((k, v) -> sb.append(sb.isEmpty() ? '?' : '&').append(encode(k)).append('=').append(encode(v)));
    return sb.toString();
  }

  /** Why a request never got an answer; the JDK often leaves the top exception's message empty. */
  private static String reason(IOException e) {
    if (e instanceof ConnectException) return "connection refused (is the agent running?)";
    if (e instanceof HttpTimeoutException) return "timed out";
    String message = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
    }
    return message != null ? message : e.getClass().getSimpleName();
  }

  private static JsonNode json(byte[] body) {
    if (body.length == 0) return null;
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ClientError("the agent answered with invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ClientError("reading the agent's answer: " + e.getMessage(), e);
    }
  }

  /**
   * A path with each segment percent-encoded and the slashes kept, so that a KV key like
   * {@code a b/c?d} reaches the agent as the key it is and not as a query.
   */
  static String encodePath(String path) {
    StringJoiner joined = new StringJoiner("/");
    for (String segment : path.split("/", -1)) joined.add(encode(segment));
    return joined.toString();
  }

  /** RFC 3986 percent-encoding: everything but the unreserved characters, as UTF-8 bytes. */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
