package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * gRPC check, as Consul's: the standard health protocol ({@code grpc.health.v1.Health/Check})
 * on {@code host:port[/service]}, over HTTP/2 with prior knowledge, or TLS with
 * {@code GRPCUseTLS}. SERVING is passing; any other status, an error status from the server (an
 * unknown service is NOT_FOUND), or no answer within the timeout is critical.
 */
final class GrpcProbe implements Probe {
  static final String PATH = "/grpc.health.v1.Health/Check";
  private static final String[] STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  private static final String[] CODES = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
      "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};

  private final Http2Connections connections;

  GrpcProbe(Http2Connections connections) {
    this.connections = connections;
  }

  /** {@code host:port[/service]}: the address and the service asked about ("" for the whole server). */
  record Target(ProbeAddress address, String service) {
    static Target parse(String target) {
      int slash = target.indexOf('/');
      String hostPort = slash < 0 ? target : target.substring(0, slash);
      return new Target(ProbeAddress.parse(hostPort, "gRPC"), slash < 0 ? "" : target.substring(slash + 1));
    }
  }

  /** What came back: the HTTP status, grpc-status and grpc-message (headers or trailers), the body. */
  private record Answer(int http, String grpcStatus, String grpcMessage, byte[] body) {}

  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    String target = def.target();
    Target t = Target.parse(target);
    if (t.address().invalid() != null) return t.address().invalid();
    Duration timeout = def.effectiveTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    Session session = null;
    try {
      session = connections.connect(t.address().host(), t.address().port(), def.useTls(), def.tlsSkipVerify(),
          def.tlsServerName(), new Session.Listener() {}, timeout);
      Answer a = call(session, t, def.useTls(), deadline);
      return verdict(target, a);
    } catch (InterruptedException e) {
      throw e;
    } catch (TimeoutException e) {
      return new CheckResult(CheckStatus.CRITICAL, "gRPC check " + target + ": error: timed out after " + timeout.toMillis() + " ms");
    } catch (Exception e) {
      return new CheckResult(CheckStatus.CRITICAL, "gRPC check " + target + ": error: " + reason(e));
    } finally {
      if (session != null) session.close(ErrorCode.NO_ERROR.code, "check done", Callback.NOOP);
    }
  }

  private static Answer call(Session session, Target t, boolean tls, long deadline) throws Exception {
    CompletableFuture<Answer> done = new CompletableFuture<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int[] http = {0};
    String[] grpc = {null, null};
    Stream.Listener listener = new Stream.Listener() {
      @Override
      public void onHeaders(Stream stream, HeadersFrame frame) {
        MetaData md = frame.getMetaData();
        if (md instanceof MetaData.Response r) http[0] = r.getStatus();
        String status = md.getHttpFields().get("grpc-status");
        if (status != null) {
          grpc[0] = status;
          grpc[1] = md.getHttpFields().get("grpc-message");
        }
        if (frame.isEndStream()) finish();
        else stream.demand();
      }

      @Override
      public void onDataAvailable(Stream stream) {
        Stream.Data data = stream.readData();
        if (data == null) {
          stream.demand();
          return;
        }
        ByteBuffer b = data.frame().getByteBuffer();
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        body.writeBytes(chunk);
        boolean end = data.frame().isEndStream();
        data.release();
        if (end) finish();
        else stream.demand();
      }

      @Override
      public void onReset(Stream stream, ResetFrame frame, Callback callback) {
        done.completeExceptionally(new IOException("the server reset the stream (" + ErrorCode.toString(frame.getError(), "error") + ")"));
        callback.succeeded();
      }

      @Override
      public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
        done.completeExceptionally(failure != null ? failure : new IOException(reason));
        callback.succeeded();
      }

      private void finish() {
        done.complete(new Answer(http[0], grpc[0], grpc[1], body.toByteArray()));
      }
    };
    HttpFields fields = HttpFields.build().put("content-type", "application/grpc").put("te", "trailers")
        .put("user-agent", "Cairn health check");
    MetaData.Request request = new MetaData.Request("POST",
        HttpURI.from((tls ? "https://" : "http://") + t.address().host() + ":" + t.address().port() + PATH), HttpVersion.HTTP_2, fields);
    Stream stream = session.newStream(new HeadersFrame(request, null, false), listener).get(left(deadline), TimeUnit.NANOSECONDS);
    stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(frame(request(t.service()))), true));
    try {
      return done.get(left(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static CheckResult verdict(String target, Answer a) {
    if (a.grpcStatus() == null) {
      return new CheckResult(CheckStatus.CRITICAL, "gRPC check " + target + ": error: no grpc-status in the answer (HTTP " + a.http() + ")");
    }
    if (!a.grpcStatus().equals("0")) {
      int code = parse(a.grpcStatus());
      String name = code >= 0 && code < CODES.length ? CODES[code] : "Code(" + a.grpcStatus() + ")";
      return new CheckResult(CheckStatus.CRITICAL, "gRPC check " + target + ": error: rpc error: code = " + name + " desc = "
          + (a.grpcMessage() == null ? "" : a.grpcMessage()));
    }
    int status = servingStatus(a.body());
    if (status == 1) return new CheckResult(CheckStatus.PASSING, "gRPC check " + target + ": success");
    String name = status >= 0 && status < STATUS.length ? STATUS[status] : "status " + status;
    return new CheckResult(CheckStatus.CRITICAL, "gRPC check " + target + ": failed with status " + name);
  }

  /** HealthCheckRequest: field 1, the service name, when there is one. */
  static byte[] request(String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0) return new byte[0];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x0a);
    varint(out, name.length);
    out.writeBytes(name);
    return out.toByteArray();
  }

  /** A gRPC message: uncompressed flag, 4-byte length, the message. */
  static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
  }

  /** HealthCheckResponse's status (field 1); UNKNOWN (0) when absent or unreadable. */
  static int servingStatus(byte[] body) {
    if (body.length < 5) return 0;
    ByteBuffer b = ByteBuffer.wrap(body);
    b.get();
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) return 0;
    int end = b.position() + len;
    while (b.position() < end) {
      int tag = (int) readVarint(b);
      int field = tag >>> 3;
      int wire = tag & 7;
      if (wire == 0) {
        long v = readVarint(b);
        if (field == 1) return (int) v;
      } else if (wire == 2) {
        b.position(b.position() + (int) readVarint(b));
      } else {
        return 0;
      }
    }
    return 0;
  }

  private static long readVarint(ByteBuffer b) {
    long v = 0;
    for (int shift = 0; shift < 64 && b.hasRemaining(); shift += 7) {
      int x = b.get() & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) return v;
    }
    return v;
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long left(long deadline) throws TimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) throw new TimeoutException();
    return left;
  }

  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
  }
}
