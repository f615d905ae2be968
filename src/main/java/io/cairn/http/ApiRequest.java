package io.cairn.http;

import io.cairn.checks.GoDuration;
import io.cairn.endpoints.Consistency;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.WriteOptions;
import io.cairn.http.filter.FieldType;
import io.cairn.http.filter.Filter;
import io.cairn.http.filter.FilterException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request with Consul's conventions applied: the path percent-decoded before routing
 * ({@code %2F} is a slash inside a key), query flags in every spelling, the token from any of
 * its three places.
 */
public final class ApiRequest {
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final java.util.function.UnaryOperator<String> headers;
  private final RequestBody body;
  private final String rawPathAndQuery;
  private boolean filterTaken;

  /** From the request line as received: the raw (still percent-encoded) path and query. */
  ApiRequest(String method, String rawPath, String rawQuery, java.util.function.UnaryOperator<String> headers,
             RequestBody body) {
    this.method = method.toUpperCase(java.util.Locale.ROOT);
    this.rawPathAndQuery = rawPath + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    this.path = PercentDecoding.decodePath(rawPath);
    this.query = PercentDecoding.parseQuery(rawQuery);
    this.headers = headers;
    this.body = body;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The request target as received, still percent-encoded: what a proxy passes on. */
  public String rawPathAndQuery() {
    return rawPathAndQuery;
  }

  /** True when the flag is present with any value but an explicit "false" ({@code ?recurse}, {@code ?recurse=}). */
  public boolean flag(String name) {
    List<String> v = query.get(name);
    return v != null && !v.isEmpty() && !v.getFirst().equalsIgnoreCase("false");
  }

  public String param(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.getFirst();
  }

  public List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  public long longParam(String name, long dflt) {
    String v = param(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      long n = Long.parseUnsignedLong(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid " + name + ": \"" + v + "\" is not an unsigned integer");
    }
  }

  /**
   * A full 64-bit unsigned parameter (a KV entry's flags: Consul's api recipes use values above
   * 2^63, such as the semaphore's), kept in a long's bits.
   */
  public long uint64Param(String name, long dflt) {
    String v = param(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      return Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid " + name + ": \"" + v + "\" is not an unsigned integer");
    }
  }

  public String header(String name) {
    return headers.apply(name);
  }

  /** The ACL token: X-Consul-Token, then Authorization: Bearer, then ?token=. */
  public String token() {
    String t = header("X-Consul-Token");
    if (t != null && !t.isEmpty()) return t;
    String auth = header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
    String q = param("token");
    return q == null ? "" : q;
  }

  /**
   * The {@code ?filter=} expression compiled against the items this endpoint lists, or null
   * when there is none; a malformed one, or one naming a field the items lack, is a 400.
   */
  public Filter filter(FieldType items) {
    filterTaken = true;
    String expression = param("filter");
    if (expression == null || expression.isBlank()) return null;
    try {
      return Filter.compile(expression, items);
    } catch (FilterException e) {
      throw ApiException.badRequest("Failed to create boolean expression evaluator: " + e.getMessage());
    }
  }

  public QueryOptions queryOptions() {
    String filter = param("filter");
    // Answering unfiltered would hand a client data it asked to exclude: refuse clearly instead.
    if (filter != null && !filter.isBlank() && !filterTaken) {
      throw ApiException.badRequest("This endpoint takes no ?filter= expression (Consul filters catalog, health and agent "
          + "listings only)");
    }
    boolean stale = flag("stale");
    boolean consistent = flag("consistent");
    if (stale && consistent) throw ApiException.badRequest("Cannot specify ?stale with ?consistent, conflicting semantics.");
    Consistency c = stale ? Consistency.STALE : consistent ? Consistency.CONSISTENT : Consistency.DEFAULT;
    long index = longParam("index", 0);
    Duration wait = null;
    String w = param("wait");
    if (w != null && !w.isEmpty()) {
      try {
        wait = GoDuration.parse(w);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Invalid wait time: " + e.getMessage());
      }
    }
    return new QueryOptions(c, index, wait, token(), datacenter());
  }

  public WriteOptions writeOptions() {
    return new WriteOptions(datacenter(), token());
  }

  public String datacenter() {
    String dc = param("dc");
    return dc == null ? "" : dc;
  }

  /** The body, refused with 413 past {@code limit} bytes (before reading, when the declared length says so). */
  public byte[] body(int limit, String tooLargeMessage) {
    return body.readAll(limit, tooLargeMessage);
  }

  /** The body as it arrives, for decoding as it goes; the same bounds as {@link #body}. */
  InputStream bodyStream(int limit, String tooLargeMessage) {
    return body.stream(limit, tooLargeMessage);
  }

  /** True when the body was refused or broke off: the connection must close after the answer. */
  boolean bodyAbandoned() {
    return body.abandoned();
  }

  public String bodyText(int limit) {
    return new String(body(limit, "Request body too large"), StandardCharsets.UTF_8);
  }

  /** Percent-decoding as Go's net/url does it: "+" is a space in queries, not in paths. */
  static final class PercentDecoding {
    private PercentDecoding() {}

    static String decodePath(String raw) {
      return raw == null ? "/" : decode(raw, false);
    }

    static Map<String, List<String>> parseQuery(String raw) {
      Map<String, List<String>> out = new LinkedHashMap<>();
      if (raw == null || raw.isEmpty()) return out;
      for (String pair : raw.split("[&;]")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
        out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
      return out;
    }

    static String decode(String s, boolean plusIsSpace) {
      if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) return s;
      ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '%' && i + 2 < s.length() + 0 && i + 2 <= s.length() - 1 + 0 && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
          out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
          i += 2;
        } else if (c == '%') {
          throw ApiException.badRequest("invalid URL escape \"" + s.substring(i, Math.min(s.length(), i + 3)) + "\"");
        } else if (c == '+' && plusIsSpace) {
          out.write(' ');
        } else {
          byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
          if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
            b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
            i++;
          }
          out.write(b, 0, b.length);
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
      return Character.digit(c, 16);
    }
  }
}
