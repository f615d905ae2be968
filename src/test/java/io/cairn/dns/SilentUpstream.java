package io.cairn.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** An upstream resolver for tests that reads every query and answers none; it counts them. */
public final class SilentUpstream implements AutoCloseable {
  private final DatagramSocket socket;
  private final AtomicInteger queries = new AtomicInteger();

  public SilentUpstream() throws IOException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("silent-upstream").start(this::read);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** How many queries have arrived. */
  public int queries() {
    return queries.get();
  }

  private void read() {
    byte[] buf = new byte[65535];
    while (!socket.isClosed()) {
      try {
        socket.receive(new DatagramPacket(buf, buf.length));
        queries.incrementAndGet();
      } catch (IOException e) {
        // closed: the loop ends
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
