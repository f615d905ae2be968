package io.cairn.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Tokens in the KV store of a Cairn (or Consul) cluster, so that several discovery services
 * share them and any one may go down: {@code -store consul://HOST:PORT[/prefix]}. Each token is
 * one key, {@code <prefix>/tokens/<token>}, holding the record as JSON; a change is a
 * check-and-set on the key's ModifyIndex, retried on a race, so two instances changing one
 * token never lose each other's change (the SQLite store's guarantee, across processes). Reads
 * go to the cluster every time (default consistency: the leader's answer), so every instance
 * answers what the last write of any instance left.
 */
public final class KvTokenStore implements TokenStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CAS_ATTEMPTS = 64;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String prefix;
  /** Tokens at the last sweep plus those this instance created since: the token limit's count, not an exact one across instances. */
  private final AtomicInteger count = new AtomicInteger();

  private KvTokenStore(URI base, String prefix) {
    this.base = base;
    this.prefix = prefix;
  }

  /**
   * Reads {@code consul://HOST:PORT[/prefix]} (also {@code consuls://} for HTTPS; the prefix
   * defaults to {@code cairn-discovery}) and checks that the cluster answers.
   */
  public static KvTokenStore open(String spec) {
    URI uri;
    try {
      uri = URI.create(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-store: not a URL: " + spec);
    }
    String scheme = uri.getScheme();
    if (!"consul".equals(scheme) && !"consuls".equals(scheme) || uri.getHost() == null) {
      throw new IllegalArgumentException("-store: expected consul://HOST:PORT[/prefix], got " + spec);
    }
    if (uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException("-store: no query, fragment or user part is taken: " + spec);
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
    if (!path.matches("[A-Za-z0-9._/-]*") || path.contains("//")) {
      throw new IllegalArgumentException("-store: prefix may hold letters, digits, '.', '_', '-' and '/': " + spec);
    }
    int port = uri.getPort() == -1 ? 8500 : uri.getPort();
    URI base = URI.create(("consuls".equals(scheme) ? "https://" : "http://") + uri.getHost() + ":" + port);
    KvTokenStore store = new KvTokenStore(base, path.isEmpty() ? "cairn-discovery" : path);
    store.count.set(store.listKeys().size());
    return store;
  }

  @Override
  public boolean create(TokenRecord fresh) {
    boolean created = put(fresh, 0);
    if (created) count.incrementAndGet();
    return created;
  }

  @Override
  public Optional<TokenRecord> find(Token token) {
    return read(token).map(Stored::record);
  }

  @Override
  public Optional<TokenRecord> update(Token token, UnaryOperator<TokenRecord> change) {
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      Optional<Stored> now = read(token);
      if (now.isEmpty()) return Optional.empty();
      TokenRecord next = change.apply(now.get().record());
      if (next.equals(now.get().record()) || put(next, now.get().modifyIndex())) return Optional.of(next);
    }
    throw new StoreFailedException("token store: " + CAS_ATTEMPTS + " changes of one token raced this one; not applied", null);
  }

  @Override
  public int sweep(Instant idleCutoff, Instant now) {
    int gone = 0;
    int left = 0;
    for (JsonNode entry : list()) {
      Stored s = decode(entry);
      if (s.record().lastUsed().isBefore(idleCutoff)) {
        if (delete(s)) gone++;
        else left++;
        continue;
      }
      left++;
      TokenRecord trimmed = s.record().withoutExpired(now);
      if (trimmed != s.record()) put(trimmed, s.modifyIndex());  // lost to a newer change: that one trims next time
    }
    count.set(left);
    return gone;
  }

  @Override
  public int size() {
    return count.get();
  }

  @Override
  public void close() {
    http.close();
  }

  private record Stored(TokenRecord record, long modifyIndex) {}

  private String key(Token t) {
    return prefix + "/tokens/" + t.value();
  }

  private Optional<Stored> read(Token token) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(kv(key(token), "")).GET(), "read");
    if (r.statusCode() == 404) return Optional.empty();
    JsonNode entries = parse(r, "read");
    return entries.isArray() && !entries.isEmpty() ? Optional.of(decode(entries.get(0))) : Optional.empty();
  }

  /** Every stored token with its index; a listing of the whole prefix. */
  private List<JsonNode> list() {
    HttpResponse<String> r = send(HttpRequest.newBuilder(kv(prefix + "/tokens/", "?recurse")).GET(), "list");
    if (r.statusCode() == 404) return List.of();
    List<JsonNode> out = new ArrayList<>();
    parse(r, "list").forEach(out::add);
    return out;
  }

  private List<JsonNode> listKeys() {
    HttpResponse<String> r = send(HttpRequest.newBuilder(kv(prefix + "/tokens/", "?keys")).GET(), "list");
    if (r.statusCode() == 404) return List.of();
    List<JsonNode> out = new ArrayList<>();
    parse(r, "list").forEach(out::add);
    return out;
  }

  /** Writes the record if the key is still at {@code index} (0: only if absent); false when it was not. */
  private boolean put(TokenRecord r, long index) {
    byte[] body = encode(r);
    HttpResponse<String> resp = send(HttpRequest.newBuilder(kv(key(r.token()), "?cas=" + index))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), "write");
    return parse(resp, "write").asBoolean();
  }

  private boolean delete(Stored s) {
    HttpResponse<String> resp = send(HttpRequest.newBuilder(kv(key(s.record().token()), "?cas=" + s.modifyIndex())).DELETE(), "delete");
    return parse(resp, "delete").asBoolean();
  }

  private URI kv(String key, String query) {
    return base.resolve("/v1/kv/" + key + query);
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String what) {
    try {
      return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new StoreFailedException("token store: " + what + " at " + base + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreFailedException("token store: " + what + " interrupted", e);
    }
  }

  private JsonNode parse(HttpResponse<String> r, String what) {
    if (r.statusCode() != 200) {
      String body = r.body().strip();
      throw new StoreFailedException("token store: " + what + " at " + base + " answered " + r.statusCode()
          + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse("")), null);
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new StoreFailedException("token store: " + what + " at " + base + " answered something not JSON", e);
    }
  }

  /** The record as stored: {@code {"listed":[…],"posted":{"addr":expiresMs},"lastUsed":ms}}. */
  static byte[] encode(TokenRecord r) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode listed = o.putArray("listed");
    r.listed().forEach(a -> listed.add(a.toString()));
    ObjectNode posted = o.putObject("posted");
    r.posted().forEach((a, expires) -> posted.put(a.toString(), expires.toEpochMilli()));
    o.put("lastUsed", r.lastUsed().toEpochMilli());
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Stored decode(JsonNode entry) {
    String key = entry.path("Key").asText();
    Token token = Token.parse(key.substring(key.lastIndexOf('/') + 1));
    try {
      JsonNode o = JSON.readTree(Base64.getDecoder().decode(entry.path("Value").asText("")));
      List<ServerAddress> listed = new ArrayList<>();
      o.path("listed").forEach(a -> listed.add(ServerAddress.parse(a.asText())));
      TreeMap<ServerAddress, Instant> posted = new TreeMap<>();
      o.path("posted").properties().forEach(e -> posted.put(ServerAddress.parse(e.getKey()), Instant.ofEpochMilli(e.getValue().asLong())));
      TokenRecord r = new TokenRecord(token, listed, posted, Instant.ofEpochMilli(o.path("lastUsed").asLong()));
      return new Stored(r, entry.path("ModifyIndex").asLong());
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreFailedException("token store: the record of " + token + " is not one this service wrote", e);
    }
  }
}
