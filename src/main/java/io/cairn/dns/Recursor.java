package io.cairn.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards names outside Cairn's domains to upstream resolvers, in order, each with a timeout;
 * the first that answers (whatever its rcode) wins, as dnsmasq does.
 */
final class Recursor {
  private static final Logger LOG = LoggerFactory.getLogger(Recursor.class);
  private final List<InetSocketAddress> upstreams;
  private final Duration timeout;

  Recursor(List<InetSocketAddress> upstreams, Duration timeout) {
    this.upstreams = upstreams;
    this.timeout = timeout;
  }

  boolean enabled() {
    return !upstreams.isEmpty();
  }

  /** The upstream's answer to the query bytes as sent, or empty when none answered. */
  Optional<byte[]> forward(byte[] query, int queryId) {
    for (InetSocketAddress upstream : upstreams) {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        s.send(new DatagramPacket(query, query.length, upstream));
        byte[] buf = new byte[65535];
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          s.receive(p);
          // Only the answer to this query: same id, from the upstream asked.
          if (p.getLength() >= 12 && ((buf[0] & 0xff) << 8 | (buf[1] & 0xff)) == queryId
              && p.getSocketAddress().equals(upstream)) {
            return Optional.of(Arrays.copyOf(buf, p.getLength()));
          }
        }
      } catch (SocketTimeoutException e) {
        LOG.debug("recursor {} timed out", upstream);
      } catch (IOException e) {
        LOG.debug("recursor {} failed: {}", upstream, e.toString());
      }
    }
    return Optional.empty();
  }
}
