package io.cairn.checks;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTP/2 connections for gRPC and H2PING checks, as Consul's checks make them: with prior
 * knowledge over plain TCP (h2c, what a gRPC server without TLS speaks), or over TLS with ALPN
 * "h2", the certificate verified against {@code TLSServerName} (or the target's host) unless
 * {@code TLSSkipVerify}. One Jetty HTTP/2 client per agent, started on first use; each check run
 * opens its own connection and closes it, so one server's trouble never leaks into another's run.
 */
final class Http2Connections implements AutoCloseable {
  private HTTP2Client client;
  private SslContextFactory.Client verifying;
  private SslContextFactory.Client trusting;

  private synchronized HTTP2Client client() throws Exception {
    if (client == null) {
      HTTP2Client c = new HTTP2Client();
      c.setConnectTimeout(10_000);
      verifying = new SslContextFactory.Client();
      c.addBean(verifying);
      c.start();
      client = c;
    }
    return client;
  }

  /** Trusts every certificate: made only once a check asks for it (TLSSkipVerify), and Jetty warns then. */
  private synchronized SslContextFactory.Client trusting() throws Exception {
    if (trusting == null) {
      SslContextFactory.Client t = new SslContextFactory.Client(true);
      t.setEndpointIdentificationAlgorithm(null);
      t.start();
      trusting = t;
    }
    return trusting;
  }

  /** Connects within {@code timeout}; the caller closes the session. */
  Session connect(String host, int port, boolean tls, boolean skipVerify, String serverName, Session.Listener listener,
                  Duration timeout) throws Exception {
    HTTP2Client c = client();
    InetSocketAddress address = new InetSocketAddress(host, port);
    Promise.Completable<Session> session = new Promise.Completable<>();
    if (tls) {
      // The name TLS checks the certificate against (and sends as SNI) is the address's host
      // name: TLSServerName, when given, names the same IP address.
      if (serverName != null && !serverName.isEmpty() && !address.isUnresolved()) {
        address = new InetSocketAddress(java.net.InetAddress.getByAddress(serverName, address.getAddress().getAddress()), port);
      }
      c.connect(skipVerify ? trusting() : verifying, address, listener, session);
    } else {
      c.connect(address, listener, session);
    }
    try {
      return session.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no HTTP/2 connection within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  public synchronized void close() {
    if (client == null) return;
    try {
      client.stop();
      if (trusting != null) trusting.stop();
    } catch (Exception e) {
      // stopping: nothing to do about it
    }
    client = null;
    trusting = null;
  }
}
