package io.cairn.http;

import io.cairn.endpoints.QueryMeta;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API server: Jetty 12's core (no servlets) running each request on a virtual thread,
 * so that thousands of blocking queries cost memory, not threads (see docs/http-server.md).
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** Longer than the longest blocking query (10 min + jitter), so Jetty never cuts one off. */
  private static final long IDLE_TIMEOUT_MILLIS = 11 * 60_000L;

  private final Server server;
  private final ServerConnector connector;
  private final Router router;
  private final ApiContext context;
  /** Beyond a forwarded blocking read's own wait: the remote server's jitter and the answer's transfer. */
  private static final java.time.Duration FORWARD_MARGIN = java.time.Duration.ofSeconds(30);
  private static final int FORWARD_MAX_BODY = 64 * 1024 * 1024;

  public HttpApi(InetSocketAddress address, ApiContext context) {
    this.router = Routes.build(context);
    this.context = context;
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("http");
    pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
    server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    // Consul's KV keys arrive with %2F inside a segment; Jetty refuses such paths by default.
    cfg.setUriCompliance(UriCompliance.from("DEFAULT,AMBIGUOUS_PATH_SEPARATOR,AMBIGUOUS_PATH_ENCODING"));
    connector = new ServerConnector(server, new HttpConnectionFactory(cfg));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    // Graceful: on stop, refuse new requests and let in-flight ones finish within the timeout.
    server.setHandler(new GracefulHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    }));
    server.setStopTimeout(2000);
    server.setErrorHandler(new PlainErrors());
  }

  /**
   * Jetty's own refusals (a malformed request line, an illegal character, a header too large)
   * as the rest of the API answers: a one-line text/plain reason, not an HTML page.
   */
  private static final class PlainErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
      String text = ErrorText.oneLine(code, message == null ? HttpStatus.getMessage(code) : message);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
    }
  }

  /** How Jetty's own refusals are answered, for a server's RPC port to answer the same way. */
  public ErrorHandler errorHandler() {
    return new PlainErrors();
  }

  /** The same API as a Jetty handler, for a server's RPC port to serve to client agents. */
  public Handler handler() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(request, response, callback);
        return true;
      }
    };
  }

  public void start() throws Exception {
    server.start();
    LOG.info("HTTP API listening on {}", address());
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  private void serve(Request request, Response response, Callback callback) {
    ApiRequest api = null;
    Reply reply;
    try {
      api = new ApiRequest(request.getMethod(), request.getHttpURI().getPath(), request.getHttpURI().getQuery(),
          name -> request.getHeaders().get(name), body(request));
      reply = dispatch(api, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply = Reply.text(503, "agent is shutting down");
    } catch (Exception | StackOverflowError e) {
      reply = ErrorReply.of(e, request.getMethod() + " " + request.getHttpURI().getPathQuery());
    }
    // What is left of a refused or broken body cannot be told from the next request: close.
    if (api != null && api.bodyAbandoned()) reply = reply.withHeader("Connection", "close");
    try {
      write(request, response, callback, api, reply);
    } catch (IOException e) {
      callback.failed(e);
    }
  }

  /**
   * Routes a request: one for another datacenter ({@code ?dc=}) goes there, unless it is
   * about this agent ({@code /v1/agent/}) or lists datacenters; everything else is served here.
   */
  private Reply dispatch(ApiRequest api, boolean mayForward) throws Exception {
    String dc = api.param("dc");
    if (dc != null && !dc.isEmpty() && !dc.equals(context.cluster().datacenter()) && forwardable(api.path())) {
      if (!mayForward) throw new io.cairn.endpoints.UnknownDatacenterException(dc);
      // A session names a node; a client agent's node is not in the other datacenter's catalog (Consul's rule and words).
      if (api.path().equals("/v1/session/create") && !context.agent().self().server()) {
        throw new ApiException(500, "cross datacenter lock must be created at server agent");
      }
      return forward(api, dc);
    }
    Router.Match m = router.find(api.method(), api.path());
    return m.handler().handle(api, m.rest());
  }

  /** Every datacenter known, this one first (for DNS's prepared queries). */
  public java.util.List<String> federationDatacenters() {
    return context.federation().datacenters();
  }

  private static boolean translatable(String path) {
    return path.startsWith("/v1/catalog/service/") || path.startsWith("/v1/health/service/")
        || path.equals("/v1/catalog/nodes") || path.startsWith("/v1/catalog/node/");
  }

  private static boolean forwardable(String path) {
    return path.startsWith("/v1/") && !path.startsWith("/v1/agent/") && !path.equals("/v1/catalog/datacenters")
        && !path.equals("/v1/coordinate/datacenters");
  }

  private Reply forward(ApiRequest api, String dc) {
    byte[] body = api.method().equals("GET") || api.method().equals("HEAD") ? new byte[0]
        : api.body(FORWARD_MAX_BODY, "Request body too large");
    java.time.Duration timeout = FORWARD_MARGIN;
    if (api.longParam("index", 0) > 0) {
      timeout = io.cairn.endpoints.BlockingQuery.effectiveWait(api.queryOptions().maxWait()).plus(FORWARD_MARGIN);
    }
    Forwarded.Answer a = context.federation().forward(dc, new Forwarded.Request(api.method(), api.rawPathAndQuery(),
        api.token(), body), timeout);
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(a.headers());
    String type = headers.remove("Content-Type");
    headers.remove("Content-Length");
    headers.remove("Vary");
    byte[] answer = a.body();
    if (a.status() == 200 && context.agent().translateWanAddrs() && translatable(api.path())) {
      try {
        com.fasterxml.jackson.databind.JsonNode tree = Wire.JSON.readTree(answer);
        WanAddresses.translate(tree);
        answer = Wire.JSON.writeValueAsBytes(tree);
      } catch (IOException e) {
        // not JSON after all: passed on as it came
      }
    }
    return new Reply(a.status(), type, answer, null, null, headers);
  }

  /**
   * Serves a request another agent forwarded here ({@code /rpc/http}): as if it had arrived on
   * this agent's HTTP port. With {@code mayForward} (it came from a client agent of this
   * datacenter) a request for another datacenter goes on there; a request that already crossed
   * once is not sent on again.
   */
  public Forwarded.Answer serveForwarded(Forwarded.Request r, boolean mayForward) {
    String raw = r.rawPathAndQuery();
    int q = raw.indexOf('?');
    String token = r.token() == null ? "" : r.token();
    ApiRequest api = new ApiRequest(r.method(), q < 0 ? raw : raw.substring(0, q), q < 0 ? null : raw.substring(q + 1),
        name -> name.equalsIgnoreCase("X-Consul-Token") && !token.isEmpty() ? token : null,
        RequestBody.of(r.body() == null ? new byte[0] : r.body()));
    Reply reply;
    try {
      reply = dispatch(api, mayForward);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply = Reply.text(503, "agent is shutting down");
    } catch (Exception | StackOverflowError e) {
      reply = ErrorReply.of(e, r.method() + " " + raw);
    }
    if (reply.streamer() != null) reply = Reply.text(400, "a streamed answer cannot be forwarded");
    Rendered out;
    try {
      out = render(api, reply);
    } catch (IOException e) {
      byte[] text = ErrorText.oneLine(500, "rendering the answer: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
      out = new Rendered(500, java.util.Map.of("Content-Type", "text/plain; charset=utf-8"), text);
    }
    return new Forwarded.Answer(out.status(), out.headers(), out.body());
  }

  /**
   * The request's body, read with a short idle timeout on the connection: long enough for a
   * client sending at any sane rate, short enough that a stalled body does not hold it for the
   * 11 minutes a blocking query may need.
   */
  private static RequestBody body(Request request) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long usual = endPoint.getIdleTimeout();
    return new RequestBody(Request.asInputStream(request), request.getLength(),
        () -> endPoint.setIdleTimeout(RequestBody.IDLE_SECONDS * 1000L), () -> endPoint.setIdleTimeout(usual));
  }

  /** An answer as bytes: status, headers (Content-Type included) and body. */
  private record Rendered(int status, java.util.Map<String, String> headers, byte[] body) {}

  private static Rendered render(ApiRequest api, Reply reply) throws IOException {
    byte[] body = reply.body();
    if (reply.json() != null) {
      boolean pretty = api != null && api.flag("pretty");
      body = pretty ? Wire.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.json())
          : Wire.JSON.writeValueAsBytes(reply.json());
    }
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
    if (reply.contentType() != null) h.put("Content-Type", reply.contentType());
    QueryMeta meta = reply.meta();
    if (meta != null) {
      h.put("X-Consul-Index", Long.toString(Math.max(1, meta.index())));
      h.put("X-Consul-KnownLeader", Boolean.toString(meta.knownLeader()));
      h.put("X-Consul-LastContact", Long.toString(meta.lastContactMillis()));
      // What the read was served as: Consul's names for its three modes.
      h.put("X-Consul-Effective-Consistency", api != null && api.flag("stale") ? "stale"
          : api != null && api.flag("consistent") ? "consistent" : "leader");
    }
    h.putAll(reply.headers());
    return new Rendered(reply.status(), h, body == null ? new byte[0] : body);
  }

  private static void write(Request request, Response response, Callback callback, ApiRequest api, Reply reply)
      throws IOException {
    HttpFields.Mutable h = response.getHeaders();
    if (reply.streamer() != null) {
      response.setStatus(reply.status());
      if (reply.contentType() != null) h.put(HttpHeader.CONTENT_TYPE, reply.contentType());
      reply.headers().forEach(h::put);
      stream(request, response, callback, reply.streamer());
      return;
    }
    Rendered out = render(api, reply);
    response.setStatus(out.status());
    out.headers().forEach(h::put);
    h.put(HttpHeader.VARY, "Accept-Encoding");
    byte[] body = out.body();
    h.put(HttpHeader.CONTENT_LENGTH, body.length);
    if (body.length == 0 || request.getMethod().equals("HEAD")) {
      response.write(true, null, callback);
    } else {
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  /** Writes a streamed body with chunked encoding, on this (virtual) thread, until the streamer ends or the client leaves. */
  private static void stream(Request request, Response response, Callback callback, Reply.Streamer streamer) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    try (java.io.OutputStream out = Content.Sink.asOutputStream(response)) {
      streamer.stream(out, endPoint::isOpen);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The client went away mid-stream: nothing to tell it.
      LOG.debug("stream to {} ended: {}", request.getConnectionMetaData().getRemoteSocketAddress(), e.toString());
    }
    callback.succeeded();
  }

  /** Stops accepting and gives in-flight requests up to {@code graceSeconds} to finish. */
  public void close(int graceSeconds) {
    server.setStopTimeout(graceSeconds * 1000L);
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping HTTP API: {}", e.toString());
    }
    LOG.info("HTTP API stopped");
  }

  @Override
  public void close() {
    close(1);
  }
}
