package io.cairn.discovery;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the discovery service answers to one request. */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  static HttpAnswer text(int status, String line) {
    return new HttpAnswer(status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static HttpAnswer json(byte[] body) {
    return new HttpAnswer(200, JSON, body, Map.of());
  }

  HttpAnswer withHeader(String name, String value) {
    var h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpAnswer(status, contentType, body, Map.copyOf(h));
  }

  /** The body as text, for logs and tests. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
