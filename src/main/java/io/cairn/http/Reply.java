package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.endpoints.QueryMeta;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, body and, for reads, the meta that becomes X-Consul-* headers. */
record Reply(int status, String contentType, byte[] body, JsonNode json, QueryMeta meta, Map<String, String> headers,
             Streamer streamer) {
  Reply(int status, String contentType, byte[] body, JsonNode json, QueryMeta meta, Map<String, String> headers) {
    this(status, contentType, body, json, meta, headers, null);
  }

  /** A body written as it comes (/v1/agent/monitor): until the writer returns or the client is gone. */
  interface Streamer {
    void stream(java.io.OutputStream out, java.util.function.BooleanSupplier connected) throws Exception;
  }

  static Reply stream(String contentType, Streamer streamer) {
    return new Reply(200, contentType, new byte[0], null, null, new LinkedHashMap<>(), streamer);
  }

  static Reply json(JsonNode body, QueryMeta meta) {
    return new Reply(200, "application/json", null, body, meta, new LinkedHashMap<>());
  }

  static Reply json(JsonNode body) {
    return json(body, null);
  }

  /** The same answer with another status (a JSON body with a failure status, as /v1/agent/ready's 503). */
  Reply withStatus(int code) {
    return new Reply(code, contentType, body, json, meta, headers, streamer);
  }

  static Reply bool(boolean b) {
    return json(Wire.JSON.getNodeFactory().booleanNode(b));
  }

  /** Plain text; an error's text (status 400 and up) is made one safe line by {@link ErrorText#oneLine}. */
  static Reply text(int status, String message) {
    String body = status >= 400 ? ErrorText.oneLine(status, message) : message;
    return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), null, null,
        new LinkedHashMap<>());
  }

  /** Consul's 404 for a missing KV key or listing: empty body, but the index headers still set. */
  static Reply notFound(QueryMeta meta) {
    return new Reply(404, null, new byte[0], null, meta, new LinkedHashMap<>());
  }

  static Reply raw(byte[] body, QueryMeta meta) {
    return new Reply(200, "application/octet-stream", body, null, meta, new LinkedHashMap<>());
  }

  /** An empty 200, as Consul answers most agent writes. */
  static Reply ok() {
    return new Reply(200, null, new byte[0], null, null, new LinkedHashMap<>());
  }

  Reply withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
