package io.cairn.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What a watch does with a changed view, as Consul's handlers do: run a command with the view on
 * stdin and {@code CONSUL_INDEX} set, or send it to an HTTP endpoint with {@code X-Consul-Index}.
 * A handler that fails is reported and the watch goes on; one that outlasts its timeout is
 * killed (a command) or abandoned (a request).
 */
public final class WatchHandlers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WatchHandlers() {}

  /**
   * A handler or child command as Consul runs one: through {@code $SHELL -c} (default /bin/sh)
   * with the words joined, or as given. Used by watches and by {@code cairn lock}.
   */
  public static ProcessBuilder command(List<String> args, boolean shell) {
    return shell
        ? new ProcessBuilder(System.getenv().getOrDefault("SHELL", "/bin/sh"), "-c", String.join(" ", args))
        : new ProcessBuilder(args);
  }

  public static WatchPlan.Handler script(List<String> args, boolean shell, Duration timeout, WatchPlan.Problems problems) {
    return (index, view) -> {
      ProcessBuilder pb = command(args, shell);
      pb.environment().put("CONSUL_INDEX", Long.toString(index));
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
      try {
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
          in.write((JSON.writeValueAsString(view) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the handler did not read its input: its business
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          problems.report("watch handler " + args + " timed out after " + timeout + ": killed");
        } else if (p.exitValue() != 0) {
          problems.report("watch handler " + args + " exited with status " + p.exitValue());
        }
      } catch (IOException e) {
        problems.report("watch handler " + args + " could not be run: " + e.getMessage());
      }
      return true;
    };
  }

  public static WatchPlan.Handler http(URI url, String method, Map<String, List<String>> headers, Duration timeout,
                                       boolean tlsSkipVerify, WatchPlan.Problems problems) {
    HttpClient client = client(tlsSkipVerify);
    return (index, view) -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
          .method(method == null || method.isEmpty() ? "POST" : method,
              HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(view)))
          .header("Content-Type", "application/json").header("X-Consul-Index", Long.toString(index));
      headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
      try {
        HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) problems.report("watch handler " + url + " answered " + r.statusCode());
      } catch (IOException e) {
        problems.report("watch handler " + url + " failed: " + e.getMessage());
      }
      return true;
    };
  }

  /** With {@code tls_skip_verify} (the config asks for it explicitly), any certificate is taken. */
  private static HttpClient client(boolean tlsSkipVerify) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    if (!tlsSkipVerify) return b.build();
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      return b.sslContext(ssl).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
    }
  }
}
