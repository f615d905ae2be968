package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** HTTP check: 2xx is passing, 429 warning, anything else (or no answer) critical. */
final class HttpProbe implements Probe {
  private final HttpClient verifying;
  private final HttpClient trusting;
  /** Per TLSServerName: a client that checks the certificate against that name. */
  private final Map<String, HttpClient> byServerName = new java.util.concurrent.ConcurrentHashMap<>();

  HttpProbe() {
    verifying = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(CheckDefinition.DEFAULT_TIMEOUT).build();
    trusting = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(CheckDefinition.DEFAULT_TIMEOUT).sslContext(trustAll()).sslParameters(noHostnameCheck()).build();
  }

  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    Duration timeout = def.effectiveTimeout();
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(def.http())).timeout(timeout)
          .method(def.method(), def.body().isEmpty() ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(def.body()));
      boolean userAgentSet = false;
      for (Map.Entry<String, List<String>> h : def.header().entrySet()) {
        for (String v : h.getValue()) b.header(h.getKey(), v);
        userAgentSet |= h.getKey().equalsIgnoreCase("User-Agent");
      }
      if (!userAgentSet) b.header("User-Agent", "Cairn Health Check");
      b.header("Accept", "text/plain, text/*, */*");
      request = b.build();
    } catch (IllegalArgumentException e) {
      return new CheckResult(CheckStatus.CRITICAL, "invalid HTTP check request: " + e.getMessage());
    }
    HttpClient client;
    try {
      client = def.tlsSkipVerify() ? trusting
          : def.tlsServerName() != null && !def.tlsServerName().isEmpty() ? forServerName(def.tlsServerName()) : verifying;
    } catch (Exception e) {
      return new CheckResult(CheckStatus.CRITICAL, "TLS setup for TLSServerName \"" + def.tlsServerName() + "\" failed: " + e.getMessage());
    }
    try {
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      String body = new String(r.body(), 0, Math.min(r.body().length, def.outputLimit()), StandardCharsets.UTF_8);
      String out = "HTTP " + def.method() + " " + def.http() + ": " + r.statusCode() + " Output: " + body;
      int code = r.statusCode();
      CheckStatus status = code >= 200 && code <= 299 ? CheckStatus.PASSING
          : code == 429 ? CheckStatus.WARNING : CheckStatus.CRITICAL;
      return new CheckResult(status, out);
    } catch (IOException e) {
      return new CheckResult(CheckStatus.CRITICAL, "Get \"" + def.http() + "\": " + describe(e));
    }
  }

  /**
   * What went wrong, in the words Go's client uses (Consul shows them as the check's output),
   * not the Java exception's name: the output is shown to every API client.
   */
  private static String describe(IOException e) {
    String m = e.getMessage();
    return switch (e) {
      case java.net.http.HttpConnectTimeoutException t -> "dial tcp: i/o timeout";
      case java.net.http.HttpTimeoutException t -> "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
      case java.net.ConnectException c -> "dial tcp: connect: connection refused";
      case java.net.UnknownHostException u -> "dial tcp: lookup " + (m == null ? "" : m) + ": no such host";
      case javax.net.ssl.SSLException s -> "tls: " + (m == null ? "handshake failure" : m);
      // A message that is itself an exception's toString() (a wrapped cause) says nothing more.
      default -> m == null || m.isBlank() || m.contains("Exception") || m.contains("java.") ? "request failed" : m;
    };
  }

  private HttpClient forServerName(String name) throws Exception {
    HttpClient c = byServerName.get(name);
    if (c != null) return c;
    c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(CheckDefinition.DEFAULT_TIMEOUT)
        .sslContext(ServerNameTrust.context(name)).sslParameters(ServerNameTrust.parameters(name)).build();
    HttpClient had = byServerName.putIfAbsent(name, c);
    return had != null ? had : c;
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      X509TrustManager tm = new X509TrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
      };
      ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("TLS unavailable", e);
    }
  }

  private static SSLParameters noHostnameCheck() {
    SSLParameters p = new SSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    return p;
  }
}
