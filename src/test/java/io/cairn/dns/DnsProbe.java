package io.cairn.dns;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A UDP client for tests that keeps many queries in flight from one socket: it sends queries
 * with ids of its choosing and collects every answer by id as it arrives, on a thread of its own.
 */
public final class DnsProbe implements AutoCloseable {
  /** How many queries {@link #askAll} keeps in flight: well within the socket buffers, so none is lost. */
  private static final int WINDOW = 50;

  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final Map<Integer, Message> answers = new ConcurrentHashMap<>();

  public DnsProbe(int port) throws IOException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    Thread.ofVirtual().name("dns-probe").start(this::read);
  }

  /** One question: a name and a type. */
  public record Question(String name, int type) {}

  public void send(int id, Question q) {
    try {
      Message m = Message.newQuery(Record.newRecord(Name.fromString(q.name()), q.type(), DClass.IN));
      m.getHeader().setID(id);
      byte[] wire = m.toWire();
      socket.send(new DatagramPacket(wire, wire.length, server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answers received so far, by query id. */
  public Map<Integer, Message> answers() {
    return answers;
  }

  /**
   * Asks question {@code i} of the list with id {@code firstId + i}, {@link #WINDOW} at a time,
   * and returns once every one is answered; fails past {@code atMost}.
   */
  public void askAll(int firstId, List<Question> questions, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    for (int from = 0; from < questions.size(); from += WINDOW) {
      int to = Math.min(questions.size(), from + WINDOW);
      for (int i = from; i < to; i++) send(firstId + i, questions.get(i));
      List<Integer> ids = IntStream.range(firstId + from, firstId + to).boxed().toList();
      await().atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).pollInterval(Duration.ofMillis(1))
          .until(() -> answers.keySet().containsAll(ids));
    }
  }

  private void read() {
    byte[] buf = new byte[65535];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message m = new Message(Arrays.copyOf(buf, p.getLength()));
        answers.put(m.getHeader().getID(), m);
      } catch (IOException e) {
        // closed (the loop ends), or an undecodable answer: the test sees it missing
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
