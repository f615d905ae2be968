package io.cairn.dns;

import io.cairn.dns.DnsHandler.Reply;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP and TCP on one port. The listener threads never wait on anything but their
 * socket: an answer from memory (the local catalog) is made and sent on the receiving thread,
 * and one that waits (recursion, a client agent's first lookup of a name) runs on a virtual
 * thread ({@link WaitingQueries}, bounded), which sends it. Each TCP connection gets a virtual
 * thread. No packet, however malformed, can stop a listener: {@link DnsHandler} turns every
 * input into an answer or a drop.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
  private static final int UDP_THREADS = 2;
  private static final int TCP_IDLE_MILLIS = 10_000;

  private final DnsHandler handler;
  private final WaitingQueries waiting;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public DnsServer(InetSocketAddress address, DnsHandler handler) throws IOException {
    this(address, handler, WaitingQueries.LIMIT);
  }

  /** With {@code waitLimit} queries at most waiting on each of upstreams and servers (tests use a small one). */
  DnsServer(InetSocketAddress address, DnsHandler handler, int waitLimit) throws IOException {
    this.handler = handler;
    this.waiting = new WaitingQueries(waitLimit);
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

  /**
   * Answers from memory are made here rather than on a virtual thread per packet. Measured
   * with bench/dns-waiting (5 s runs, alternated, on a shared 2-core machine), the hop bought
   * nothing: inline 76-87k answers/s at 9.2-12.8 us of agent CPU per answer, a virtual thread
   * per packet 65-90k/s at 11.3-14.0 us; the spread is the machine's other load. And inline
   * keeps local load bounded by the socket's receive buffer: when answers cannot keep up, the
   * kernel drops packets, where a thread per packet would pile queries up in the heap and
   * need a bound of its own, one that hanging recursions must then not be able to fill.
   */
  private void udpLoop() {
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    while (!closed) {
      try {
        in.setLength(buf.length);
        udp.receive(in);
        SocketAddress from = in.getSocketAddress();
        switch (handler.receive(buf, in.getLength(), false)) {
          case Reply.Drop d -> { }
          case Reply.Now n -> sendUdp(n.wire(), from);
          case Reply.Later l -> waiting.start(l, wire -> sendUdp(wire, from));
        }
      } catch (SocketException e) {
        if (!closed) LOG.warn("dns udp: {}", e.toString());
      } catch (IOException | RuntimeException e) {
        // One bad exchange must not stop the listener.
        LOG.debug("dns udp exchange failed: {}", e.toString());
      }
    }
  }

  /** Sends from a listener or a waiting query's thread (DatagramSocket sends are thread-safe). */
  private void sendUdp(byte[] wire, SocketAddress to) {
    try {
      udp.send(new DatagramPacket(wire, wire.length, to));
    } catch (IOException e) {
      if (!closed) LOG.debug("dns udp send to {} failed: {}", to, e.toString());
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
        byte[] answer = switch (handler.receive(msg, len, true)) {
          case Reply.Drop d -> null;
          case Reply.Now n -> n.wire();
          case Reply.Later l -> waiting.answerHere(l);
        };
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
    waiting.close();
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      LOG.debug("closing dns tcp: {}", e.toString());
    }
    threads.forEach(Thread::interrupt);
  }
}
