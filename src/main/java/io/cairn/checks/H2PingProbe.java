package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.util.Callback;

/**
 * H2PING check, as Consul's: an HTTP/2 connection to {@code host:port} (TLS unless
 * {@code H2PingUseTLS} is false, as Consul's default is TLS) and one PING frame; its
 * acknowledgement within the timeout is passing, anything else critical.
 */
final class H2PingProbe implements Probe {
  private final Http2Connections connections;

  H2PingProbe(Http2Connections connections) {
    this.connections = connections;
  }

  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    ProbeAddress a = ProbeAddress.parse(def.target(), "H2PING");
    if (a.invalid() != null) return a.invalid();
    Duration timeout = def.effectiveTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<Void> acked = new CompletableFuture<>();
    Session session = null;
    try {
      session = connections.connect(a.host(), a.port(), def.useTls(), def.tlsSkipVerify(), def.tlsServerName(),
          new Session.Listener() {
            @Override
            public void onPing(Session s, PingFrame frame) {
              if (frame.isReply()) acked.complete(null);
            }
          }, timeout);
      session.ping(new PingFrame(System.nanoTime(), false), Callback.NOOP);
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new TimeoutException();
      acked.get(left, TimeUnit.NANOSECONDS);
      return new CheckResult(CheckStatus.PASSING, "HTTP2 ping was successful");
    } catch (InterruptedException e) {
      throw e;
    } catch (TimeoutException e) {
      return new CheckResult(CheckStatus.CRITICAL, "HTTP2 ping failed: no answer within " + timeout.toMillis() + " ms");
    } catch (Exception e) {
      return new CheckResult(CheckStatus.CRITICAL, "HTTP2 ping failed: " + GrpcProbe.reason(e));
    } finally {
      if (session != null) session.close(ErrorCode.NO_ERROR.code, "check done", Callback.NOOP);
    }
  }
}
