package io.cairn.http;

import io.cairn.membership.ServerList;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * On a client agent, the cluster-wide API (KV, catalog, health, status, …) is a server's to
 * answer: requests go as they came to a server's RPC port, which serves the same API; the
 * answer comes back as it was, X-Consul-* headers and all. A server that cannot be reached is
 * skipped for the next one.
 */
final class ServerProxy {
  private static final List<String> PASSED_HEADERS = List.of("X-Consul-Token", "Authorization", "Content-Type");
  /** Longer than the longest blocking query, which is held at the server. */
  private static final Duration TIMEOUT = Duration.ofMinutes(11);
  private static final int MAX_BODY = 80 * 1024 * 1024;

  private final ServerList servers;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).build();

  ServerProxy(ServerList servers) {
    this.servers = servers;
  }

  void register(Router r) {
    for (String prefix : io.cairn.rpc.RpcServer.CLUSTER_PATHS) {
      String pattern = prefix.endsWith("/") ? prefix : prefix + "/";
      r.route("GET,PUT,POST,DELETE", pattern, (req, rest) -> forward(req));
    }
  }

  private Reply forward(ApiRequest req) throws Exception {
    byte[] body = req.body(MAX_BODY, "Request body too large");
    IOException last = null;
    for (int attempt = 0; attempt < Math.max(1, servers.servers().size()); attempt++) {
      String server = servers.pick();
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server + req.rawPathAndQuery()))
          .timeout(TIMEOUT)
          .method(req.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String h : PASSED_HEADERS) {
        String v = req.header(h);
        if (v != null) b.header(h, v);
      }
      try {
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        Reply reply = new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), null, null,
            new java.util.LinkedHashMap<>());
        r.headers().map().forEach((name, values) -> {
          if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-consul-") && !values.isEmpty()) reply.headers().put(name, values.getFirst());
        });
        return reply;
      } catch (IOException e) {
        last = e;
        servers.failed(server);
        // A write that may have reached a server must not be sent again to another: only a
        // refused connection (nothing sent) or a read is retried.
        boolean notSent = e instanceof java.net.ConnectException;
        if (!notSent && !req.method().equals("GET")) throw new io.cairn.rpc.NoLeaderException();
      }
    }
    throw new io.cairn.rpc.NoLeaderException();
  }
}
