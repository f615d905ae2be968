package io.cairn.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server RPC port (8300): the transport for what agents and servers ask of a server
 * (forwarded writes, read barriers, heartbeats, joining, leaving). Plain JSON over HTTP so that
 * it can be read with curl; the calls themselves are registered by the capabilities that serve
 * them.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
  private static final int MAX_BODY = 80 * 1024 * 1024;

  private final Server server;
  private final ServerConnector connector;
  private final Map<String, Route<?>> routes = new ConcurrentHashMap<>();

  /** Serves one RPC: its decoded body, and whether another server already forwarded it. */
  @FunctionalInterface
  public interface RpcHandler<T> {
    Object handle(T body, boolean forwarded) throws IOException, InterruptedException;
  }

  private record Route<T>(Class<T> bodyType, RpcHandler<T> handler) {
    Object serve(byte[] body, boolean forwarded) throws IOException, InterruptedException {
      return handler.handle(RpcClient.JSON.readValue(body, bodyType), forwarded);
    }
  }

  public RpcServer(InetSocketAddress address) {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("rpc");
    pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
    server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(cfg));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    // Client agents' DNS watches are blocking queries held up to 10 minutes (+ jitter).
    connector.setIdleTimeout(11 * 60_000L);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    });
  }

  /**
   * Serves {@code path} (e.g. {@code /rpc/apply}) with {@code handler}, its body decoded as
   * {@code bodyType}. Each capability registers its own calls; this class knows none of them.
   */
  public <T> void register(String path, Class<T> bodyType, RpcHandler<T> handler) {
    if (routes.putIfAbsent(path, new Route<>(bodyType, handler)) != null) {
      throw new IllegalStateException("RPC registered twice: " + path);
    }
  }

  public void start() throws Exception {
    server.start();
    LOG.info("server RPC listening on {}:{}", connector.getHost(), connector.getLocalPort());
  }

  public int port() {
    return connector.getLocalPort();
  }

  private void serve(Request request, Response response, Callback callback) {
    int status = 200;
    Object answer;
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes(MAX_BODY);
      boolean forwarded = request.getHeaders().get(RpcClient.FORWARDED) != null;
      Route<?> route = routes.get(request.getHttpURI().getPath());
      if (route == null) {
        status = 404;
        answer = Map.of("error", "no such RPC");
      } else {
        answer = route.serve(body, forwarded);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 503;
      answer = Map.of("error", "server is shutting down");
    } catch (NoLeaderException e) {
      status = 503;
      answer = Map.of("error", e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;  // the caller's request was refused as it is: its client's 400
      answer = Map.of("error", String.valueOf(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      LOG.debug("rpc {} failed: {}", request.getHttpURI().getPath(), e.toString());
      status = 500;
      answer = Map.of("error", String.valueOf(e.getMessage()));
    }
    byte[] out;
    try {
      out = RpcClient.JSON.writeValueAsBytes(answer);
    } catch (IOException e) {
      out = "{}".getBytes(StandardCharsets.UTF_8);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
    response.write(true, ByteBuffer.wrap(out), callback);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping RPC: {}", e.toString());
    }
  }
}
