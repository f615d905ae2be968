package io.cairn.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery service's HTTP(S) listener: a small Jetty server in front of {@link HttpProtocol}.
 * It is meant to face the internet, so before a request reaches the protocol it is counted
 * against its client's rate ({@code 429} with {@code Retry-After}) and its body is bounded
 * ({@code 413}); {@code /health} is not counted, so a load balancer's probes never fail.
 */
public final class DiscoveryHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryHttpServer.class);
  /** A list of 256 addresses of the longest form fits many times over. */
  public static final int MAX_BODY = 64 * 1024;
  private static final long IDLE_TIMEOUT_MILLIS = 30_000;

  private final Server server;
  private final ServerConnector connector;
  private final HttpProtocol protocol;
  private final RateLimiter limiter;
  private final boolean tls;

  /** {@code keyStore} null: plain HTTP. */
  public DiscoveryHttpServer(InetSocketAddress address, HttpProtocol protocol, RateLimiter limiter, KeyStore keyStore) {
    this.protocol = protocol;
    this.limiter = limiter;
    this.tls = keyStore != null;
    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("discovery-http");
    server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    HttpConnectionFactory http = new HttpConnectionFactory(cfg);
    if (keyStore != null) {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(keyStore);
      ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
      connector = new ServerConnector(server, ssl, http);
    } else {
      connector = new ServerConnector(server, http);
    }
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    });
    server.setErrorHandler(new PlainErrors());
    server.setStopTimeout(1000);
  }

  /** Jetty's own refusals (a malformed request line, a header too large) as one line of text, like the rest. */
  private static final class PlainErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
      String text = (message == null ? HttpStatus.getMessage(code) : message).lines().findFirst().orElse("") + "\n";
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, HttpAnswer.TEXT);
      response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }
  }

  public void start() throws Exception {
    server.start();
    LOG.info("discovery {} listening on {}", tls ? "HTTPS" : "HTTP", address());
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  private void serve(Request request, Response response, Callback callback) {
    HttpAnswer answer;
    boolean close = false;
    try {
      InetAddress remote = remote(request);
      String path = java.util.Objects.requireNonNullElse(request.getHttpURI().getDecodedPath(), "/");
      long wait = path.equals("/health") ? 0 : limiter.acquire(remote);
      if (wait > 0) {
        answer = HttpAnswer.text(429, "too many requests; retry in " + wait + " s").withHeader("Retry-After", Long.toString(wait));
      } else if (request.getLength() > MAX_BODY) {
        answer = tooLarge();
        close = true;
      } else {
        byte[] body = readBody(request);
        if (body == null) {
          answer = tooLarge();
          close = true;
        } else {
          answer = protocol.answer(new HttpCall(request.getMethod(), path,
              request.getHeaders().get(HttpHeader.CONTENT_TYPE), body, remote));
        }
      }
    } catch (StoreFailedException e) {
      LOG.error("{} {}: {}", request.getMethod(), request.getHttpURI().getPath(), e.getMessage());
      answer = HttpAnswer.text(500, "storage failed; try again");
    } catch (IOException e) {
      LOG.debug("{} {}: reading the body failed: {}", request.getMethod(), request.getHttpURI().getPath(), e.toString());
      answer = HttpAnswer.text(400, "body: could not be read");
      close = true;
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
      answer = HttpAnswer.text(500, "internal error");
    }
    if (close) answer = answer.withHeader("Connection", "close");
    write(response, callback, answer);
  }

  private static HttpAnswer tooLarge() {
    return HttpAnswer.text(413, "body too large (at most " + MAX_BODY + " bytes)");
  }

  /** The body, or null when it is longer than {@link #MAX_BODY}. */
  private static byte[] readBody(Request request) throws IOException {
    if (request.getLength() == 0) return new byte[0];
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? null : body;
    }
  }

  private static InetAddress remote(Request request) {
    SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
    if (a instanceof InetSocketAddress isa && isa.getAddress() != null) return isa.getAddress();
    return InetAddress.getLoopbackAddress();
  }

  private static void write(Response response, Callback callback, HttpAnswer answer) {
    response.setStatus(answer.status());
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, answer.contentType());
    h.put(HttpHeader.CACHE_CONTROL, "no-store");
    for (Map.Entry<String, String> e : answer.headers().entrySet()) h.put(e.getKey(), e.getValue());
    h.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping discovery HTTP: {}", e.toString());
    }
  }
}
