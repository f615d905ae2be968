package io.cairn.checks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The few calls of the Docker Engine API a Docker check makes, over the daemon's socket
 * ({@code DOCKER_HOST}: {@code unix:///var/run/docker.sock} by default, or {@code tcp://host:port}),
 * one HTTP/1.1 request per connection. No Docker library: three requests do not need one.
 */
final class DockerApi {
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  /** An answer: status and body (a hijacked stream's bytes, up to when the daemon closed it). */
  record Answer(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;

  DockerApi(String host) {
    this.host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
  }

  String host() {
    return host;
  }

  /** One request; the caller bounds its time by closing the returned connection's thread (see DockerProbe). */
  Answer call(String method, String path, String json) throws IOException {
    try (SocketChannel ch = open()) {
      OutputStream out = Channels.newOutputStream(ch);
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: Cairn health check\r\n"
          + (json == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return read(Channels.newInputStream(ch));
    }
  }

  private SocketChannel open() throws IOException {
    if (host.startsWith("unix://")) {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(Path.of(host.substring("unix://".length()))));
      return ch;
    }
    if (host.startsWith("tcp://")) {
      String hp = host.substring("tcp://".length());
      int colon = hp.lastIndexOf(':');
      if (colon <= 0) throw new IOException("DOCKER_HOST " + host + " has no port");
      return SocketChannel.open(new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
    }
    throw new IOException("DOCKER_HOST " + host + ": only unix:// and tcp:// are supported");
  }

  private static Answer read(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("not an HTTP answer from the Docker daemon: " + status);
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    for (String h; !(h = line(in)).isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon < 0) continue;
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      if (name.equals("content-length")) length = Long.parseLong(value);
      if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
        body.writeBytes(exactly(in, size));
        line(in);
      }
    } else if (length >= 0) {
      body.writeBytes(exactly(in, (int) Math.min(length, CheckResult.MAX_OUTPUT * 2L)));
    } else {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0 && body.size() < CheckResult.MAX_OUTPUT * 2; ) body.write(buf, 0, n);
    }
    return new Answer(code, body.toByteArray());
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) throw new IOException("the Docker daemon's answer ends early");
    return b;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) throw new IOException("the Docker daemon's answer ends early");
      if (b.size() > 16 * 1024) throw new IOException("a line of the Docker daemon's answer is too long");
      if (c != '\r') b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** The output of an exec: Docker's multiplexed frames (type, 3 zero bytes, 4-byte size), stdout and stderr as they came. */
  static String demultiplex(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i + 8 <= raw.length && raw[i] <= 2 && raw[i + 1] == 0 && raw[i + 2] == 0 && raw[i + 3] == 0) {
      int size = ((raw[i + 4] & 0xff) << 24) | ((raw[i + 5] & 0xff) << 16) | ((raw[i + 6] & 0xff) << 8) | (raw[i + 7] & 0xff);
      int end = Math.min(raw.length, i + 8 + size);
      out.write(raw, i + 8, end - i - 8);
      i = end;
    }
    if (i == 0) return new String(raw, StandardCharsets.UTF_8);  // a TTY exec: not multiplexed
    return out.toString(StandardCharsets.UTF_8);
  }
}
