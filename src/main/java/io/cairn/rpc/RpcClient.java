package io.cairn.rpc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Calls another server's RPC port (8300): JSON over HTTP/1.1 on pooled kept-alive connections
 * ({@link RpcConnections}), one short request per call.
 * Failures are IOExceptions with a one-line reason; callers decide whether to retry elsewhere.
 */
public final class RpcClient {
  // Jackson's default buffer pool is per thread; every request here runs on a fresh virtual
  // thread, so a shared pool is what lets the buffers be reused at all.
  static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  /** Marks a request one server already forwarded, so a second hop is refused rather than looped. */
  static final String FORWARDED = "X-Cairn-Forwarded";
  private static final Map<String, String> FORWARDED_HEADER = Map.of(FORWARDED, "1");

  private final RpcConnections connections = new RpcConnections();

  public <T> T post(String rpcAddress, String path, Object body, Class<T> answer, Duration timeout, boolean forwarded)
      throws IOException {
    RpcConnections.Answer r = connections.post(rpcAddress, path, JSON.writeValueAsBytes(body),
        forwarded ? FORWARDED_HEADER : Map.of(), timeout);
    if (r.status() == 503) throw new NoLeaderIOException(new String(r.body(), StandardCharsets.UTF_8));
    if (r.status() == 404) throw new NoSuchRpcException(rpcAddress + " does not serve " + path);
    if (r.status() != 200) throw new RemoteError(r.status(), reason(r.body()), rpcAddress + path);
    return JSON.readValue(r.body(), answer);
  }

  /** What a server's error answer says ({@code {"error": "..."}}), or its body as text. */
  private static String reason(byte[] body) {
    try {
      var node = JSON.readTree(body);
      if (node != null && node.hasNonNull("error")) return node.get("error").asText();
    } catch (IOException e) {
      // not JSON: the text itself
    }
    return new String(body, StandardCharsets.UTF_8).strip();
  }

  /**
   * The server answered with an error: its status (400 for a request it refused, 500 for a
   * failure) and its one-line reason; the message also names where it came from, for logs.
   */
  public static final class RemoteError extends IOException {
    private final int status;
    private final String reason;

    RemoteError(int status, String reason, String where) {
      super(where + ": " + status + " " + reason);
      this.status = status;
      this.reason = reason;
    }

    public int status() {
      return status;
    }

    /** The server's own words, without where it came from: what a client may be shown. */
    public String reason() {
      return reason;
    }
  }

  /** The other side does not know this call: a server of an older version. */
  public static final class NoSuchRpcException extends IOException {
    NoSuchRpcException(String message) {
      super(message);
    }
  }

  /** The other side has no leader to serve this right now. */
  public static final class NoLeaderIOException extends IOException {
    NoLeaderIOException(String message) {
      super(message);
    }
  }
}
