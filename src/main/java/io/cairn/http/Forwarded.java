package io.cairn.http;

import java.util.Map;

/**
 * An HTTP API request as it travels to another datacenter on the RPC port ({@code /rpc/http}),
 * and its answer: served there as if it had arrived there, so status, body and X-Consul-*
 * headers come back as that datacenter gave them, whatever the endpoint.
 */
public final class Forwarded {
  private Forwarded() {}

  /** {@code rawPathAndQuery} as the client sent it (dc included); the token travels on its own. */
  public record Request(String method, String rawPathAndQuery, String token, byte[] body) {}

  public record Answer(int status, Map<String, String> headers, byte[] body) {}
}
