package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.local.UnknownCheckException;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.QueryMeta;
import io.cairn.rpc.UnknownDatacenterException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API server: the JDK's built-in server with one virtual thread per request, so that
 * thousands of blocking queries cost memory, not threads (see docs/http-server.md).
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Router router;

  public HttpApi(InetSocketAddress address, ApiContext context) throws IOException {
    this.router = Routes.build(context);
    this.server = HttpServer.create(address, 1024);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  public void start() {
    server.start();
    LOG.info("HTTP API listening on {}", server.getAddress());
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      Reply reply;
      ApiRequest request = null;
      try {
        request = new ApiRequest(exchange);
        Router.Match m = router.find(request.method(), request.path());
        reply = m.handler().handle(request, m.rest());
      } catch (ApiException e) {
        reply = Reply.text(e.status(), e.getMessage());
      } catch (JsonProcessingException e) {
        reply = Reply.text(400, "Request decode failed: " + e.getOriginalMessage());
      } catch (IllegalArgumentException e) {
        reply = Reply.text(400, e.getMessage());
      } catch (UnknownCheckException e) {
        reply = Reply.text(404, e.getMessage());
      } catch (NoLeaderException | UnknownDatacenterException e) {
        reply = Reply.text(500, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reply = Reply.text(503, "agent is shutting down");
      } catch (Exception e) {
        LOG.error("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
        reply = Reply.text(500, e.getMessage() == null ? e.toString() : e.getMessage());
      }
      write(exchange, request, reply);
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    }
  }

  private static void write(HttpExchange ex, ApiRequest request, Reply reply) throws IOException {
    Headers h = ex.getResponseHeaders();
    byte[] body = reply.body();
    if (reply.json() != null) {
      boolean pretty = request != null && request.flag("pretty");
      body = pretty ? Wire.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.json())
          : Wire.JSON.writeValueAsBytes(reply.json());
    }
    if (reply.contentType() != null) h.set("Content-Type", reply.contentType());
    QueryMeta meta = reply.meta();
    if (meta != null) {
      h.set("X-Consul-Index", Long.toString(Math.max(1, meta.index())));
      h.set("X-Consul-KnownLeader", Boolean.toString(meta.knownLeader()));
      h.set("X-Consul-LastContact", Long.toString(meta.lastContactMillis()));
      h.set("X-Consul-Effective-Consistency", "leader");
    }
    reply.headers().forEach(h::set);
    h.set("Vary", "Accept-Encoding");
    boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
    if (body.length == 0 || head) {
      ex.sendResponseHeaders(reply.status(), -1);
      return;
    }
    ex.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops accepting, gives in-flight requests up to {@code graceSeconds} to finish. */
  public void close(int graceSeconds) {
    server.stop(graceSeconds);
    executor.shutdownNow();
    LOG.info("HTTP API stopped");
  }

  @Override
  public void close() {
    close(1);
  }
}
