package io.cairn.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand over a socket, for requests no well-behaved client sends: lying
 * lengths, truncated chunks, stalled bodies, raw bytes in paths. One request per connection.
 */
final class RawHttp {
  /** What came back: status 0 when the server closed the connection without answering. */
  record Answer(int status, Map<String, String> headers, String body, Duration took) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** The server did not answer (or finish answering) within the deadline. */
  static final class NoAnswer extends IOException {
    NoAnswer(String message) {
      super(message);
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code request} as is and reads one answer within {@code deadline}. With
   * {@code closeAfterSending} the client then shuts its sending side, as one that gives up half
   * way does.
   */
  static Answer exchange(InetSocketAddress to, byte[] request, boolean closeAfterSending, Duration deadline) throws IOException {
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    try (Socket s = new Socket()) {
      s.connect(to, (int) deadline.toMillis());
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        if (closeAfterSending) s.shutdownOutput();
      } catch (IOException refusedMidway) {
        // The server may answer and close before taking the whole request (a refused length).
      }
      Reader in = new Reader(s, end);
      String head;
      int status;
      do {  // an interim answer (100 Continue) comes before the real one
        head = in.head();
        if (head == null) return new Answer(0, Map.of(), "", Duration.ofNanos(System.nanoTime() - start));
        status = Integer.parseInt(head.split("\r\n", 2)[0].split(" ", 3)[1]);
      } while (status >= 100 && status < 200);
      String[] lines = head.split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
      byte[] body;
      boolean toHead = request.length >= 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
      if (toHead || status == 204 || status == 304) body = new byte[0];
      else if (headers.containsKey("content-length")) body = in.exactly(Integer.parseInt(headers.get("content-length")));
      else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = in.chunked();
      else body = in.rest();
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  static Answer exchange(InetSocketAddress to, String request, Duration deadline) throws IOException {
    return exchange(to, request.getBytes(StandardCharsets.UTF_8), false, deadline);
  }

  /** Reads from the socket, each read bounded by what is left of the deadline. */
  private static final class Reader {
    private final Socket socket;
    private final InputStream in;
    private final long end;

    Reader(Socket socket, long end) throws IOException {
      this.socket = socket;
      this.in = new java.io.BufferedInputStream(socket.getInputStream());
      this.end = end;
    }

    private int read() throws IOException {
      long left = (end - System.nanoTime()) / 1_000_000;
      if (left <= 0) throw new NoAnswer("no answer within the deadline");
      socket.setSoTimeout((int) Math.max(1, left));
      try {
        return in.read();
      } catch (SocketTimeoutException e) {
        throw new NoAnswer("no answer within the deadline");
      } catch (IOException reset) {
        return -1;  // a reset after the server gave up on us reads as the end
      }
    }

    /** The status line and headers, or null when the connection ends before any byte. */
    String head() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c; (c = read()) >= 0; ) {
        b.write(c);
        int n = b.size();
        if (n >= 4 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          return b.toString(StandardCharsets.ISO_8859_1).substring(0, n - 4);
        }
      }
      if (b.size() == 0) return null;
      throw new NoAnswer("the answer ended inside its headers: " + b.toString(StandardCharsets.ISO_8859_1));
    }

    byte[] exactly(int n) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(n);
      for (int c; b.size() < n && (c = read()) >= 0; ) b.write(c);
      return b.toByteArray();
    }

    byte[] rest() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c; (c = read()) >= 0; ) b.write(c);
      return b.toByteArray();
    }

    byte[] chunked() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (n == 0) {
          line();
          return b.toByteArray();
        }
        b.writeBytes(exactly(n));
        line();
      }
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c; (c = read()) >= 0 && c != '\n'; ) if (c != '\r') s.append((char) c);
      return s.toString();
    }
  }
}
