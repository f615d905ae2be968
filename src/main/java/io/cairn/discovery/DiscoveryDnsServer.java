package io.cairn.discovery;

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
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP and TCP on one port for {@link DnsAnswers}. Every answer comes from memory, so
 * it is made and sent on the thread that received the query; a TCP connection has a virtual
 * thread of its own, and a bounded number of them are served at once.
 */
public final class DiscoveryDnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryDnsServer.class);
  private static final int UDP_THREADS = 2;
  private static final int TCP_IDLE_MILLIS = 10_000;
  private static final int MAX_TCP_CONNECTIONS = 1024;

  private final DnsAnswers answers;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Semaphore tcpSlots = new Semaphore(MAX_TCP_CONNECTIONS);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  public DiscoveryDnsServer(InetSocketAddress address, DnsAnswers answers) throws IOException {
    this.answers = answers;
    Sockets sockets = bindBoth(address);
    this.tcp = sockets.tcp();
    this.udp = sockets.udp();
  }

  private record Sockets(ServerSocket tcp, DatagramSocket udp) {}

  /**
   * TCP and UDP on the same port. Port 0 (tests): the kernel picks the TCP port and UDP must get
   * the same number, which another socket may hold; so try a few.
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
      threads.add(Thread.ofPlatform().daemon().name("discovery-dns-udp-" + i).start(this::udpLoop));
    }
    threads.add(Thread.ofPlatform().daemon().name("discovery-dns-tcp").start(this::tcpLoop));
    LOG.info("discovery DNS listening on {} (udp and tcp), domain {}", udp.getLocalSocketAddress(), answers.domain());
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
        byte[] out = answers.answer(buf, in.getLength(), false);
        if (out != null) udp.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
      } catch (SocketException e) {
        if (!closed) LOG.warn("discovery dns udp: {}", e.toString());
      } catch (IOException | RuntimeException e) {
        LOG.debug("discovery dns udp exchange failed: {}", e.toString());  // one bad exchange must not stop the listener
      }
    }
  }

  private void tcpLoop() {
    while (!closed) {
      try {
        Socket s = tcp.accept();
        if (!tcpSlots.tryAcquire()) {
          s.close();
          continue;
        }
        Thread.ofVirtual().name("discovery-dns-tcp").start(() -> {
          try {
            serveTcp(s);
          } finally {
            tcpSlots.release();
          }
        });
      } catch (IOException e) {
        if (!closed) LOG.warn("discovery dns tcp accept: {}", e.toString());
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
        byte[] answer = answers.answer(msg, len, true);
        if (answer == null) return;
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("discovery dns tcp connection ended: {}", e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      LOG.debug("closing discovery dns tcp: {}", e.toString());
    }
    threads.forEach(Thread::interrupt);
  }
}
