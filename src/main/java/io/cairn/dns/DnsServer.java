package io.cairn.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP and TCP on one port. UDP packets are answered on the receiving thread (an
 * answer is microseconds of work; a thread hop would cost more); each TCP connection gets a
 * virtual thread. No packet, however malformed, can stop a listener: {@link DnsHandler}
 * turns every input into an answer or a drop.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
  private static final int UDP_THREADS = 2;
  private static final int TCP_IDLE_MILLIS = 10_000;

  private final DnsHandler handler;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public DnsServer(InetSocketAddress address, DnsHandler handler) throws IOException {
    this.handler = handler;
    Sockets sockets = bindBoth(address);
    this.tcp = sockets.tcp();
    this.udp = sockets.udp();
  }

  private record Sockets(ServerSocket tcp, DatagramSocket udp) {}

  /**
   * UDP and TCP on the same port. Port 0 (tests) means "any port free for both": the kernel
   * picks the TCP one and UDP must get the same number, which another socket may hold; so try
   * a few.
   */
  private static Sockets bindBoth(InetSocketAddress address) throws IOException {
    int attempts = address.getPort() == 0 ? 20 : 1;
    for (int i = 1; ; i++) {
      ServerSocket t = new ServerSocket();
      DatagramSocket u = new DatagramSocket(null);
      try {
        t.setReuseAddress(true);
        t.bind(address, 256);
        u.setReuseAddress(true);
        u.setReceiveBufferSize(4 << 20);
        u.bind(new InetSocketAddress(address.getAddress(), t.getLocalPort()));
        return new Sockets(t, u);
      } catch (IOException e) {
        t.close();
        u.close();
        if (i >= attempts) throw new IOException("cannot listen for DNS on " + address + ": " + e.getMessage(), e);
      }
    }
  }

  public void start() {
    for (int i = 0; i < UDP_THREADS; i++) {
      threads.add(Thread.ofPlatform().daemon().name("dns-udp-" + i).start(this::udpLoop));
    }
    threads.add(Thread.ofVirtual().name("dns-tcp-accept").start(this::tcpLoop));
    LOG.info("DNS listening on {} (udp and tcp)", udp.getLocalSocketAddress());
  }

  public int port() {
    return udp.getLocalPort();
  }

  private void udpLoop() {
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    while (!closed) {
      try {
        in.setLength(buf.length);
        udp.receive(in);
        byte[] out = handler.handle(buf, in.getLength(), false);
        if (out != null) udp.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (SocketException e) {
        if (!closed) LOG.warn("dns udp: {}", e.toString());
      } catch (IOException | RuntimeException e) {
        // One bad exchange must not stop the listener.
        LOG.debug("dns udp exchange failed: {}", e.toString());
      }
    }
  }

  private void tcpLoop() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        Thread.ofVirtual().name("dns-tcp").start(() -> serveTcp(s));
      } catch (IOException e) {
        if (!closed) LOG.warn("dns tcp accept: {}", e.toString());
      }
    }
  }

  /** RFC 1035 4.2.2: each message prefixed by its two-byte length; several per connection. */
  private void serveTcp(Socket s) {
    try (s) {
      s.setSoTimeout(TCP_IDLE_MILLIS);
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (!closed) {
        int len;
        try {
          len = in.readUnsignedShort();
        } catch (EOFException e) {
          return;
        }
        byte[] msg = new byte[len];
        in.readFully(msg);
        byte[] answer = handler.handle(msg, len, true);
        if (answer == null) return;
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("dns tcp connection ended: {}", e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      LOG.debug("closing dns tcp: {}", e.toString());
    }
    threads.forEach(Thread::interrupt);
  }
}
