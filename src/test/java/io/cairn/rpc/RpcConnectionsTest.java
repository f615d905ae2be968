package io.cairn.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RPC client's HTTP/1.1 handling against a plain socket server that answers as told: kept
 * alive or closed, Content-Length or chunked.
 */
class RpcConnectionsTest {
  private final RpcConnections connections = new RpcConnections();
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private ServerSocket server;

  /** Serves each connection: reads requests, answers {@code answer.apply(n)} for the n-th one (0-based). */
  private String serve(Function<Integer, String> answer, boolean closeAfterEach) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger n = new AtomicInteger();
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.incrementAndGet();
          Thread.ofVirtual().start(() -> handle(s, answer, n, closeAfterEach));
        } catch (IOException e) {
          return;
        }
      }
    });
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void handle(Socket s, Function<Integer, String> answer, AtomicInteger n, boolean closeAfterEach) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      while (true) {
        String requestLine = in.readLine();
        if (requestLine == null) return;
        int length = 0;
        for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
          if (h.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(h.substring(15).strip());
        }
        char[] body = new char[length];
        int off = 0;
        for (int got; off < length && (got = in.read(body, off, length - off)) >= 0; ) off += got;
        requests.add(requestLine + " " + new String(body));
        out.write(answer.apply(n.getAndIncrement()).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (closeAfterEach) return;
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) server.close();
  }

  private static String withLength(int status, String body) {
    return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void keptAliveConnectionsCarryOneCallAfterAnother() throws Exception {
    String addr = serve(i -> withLength(200, "{\"n\":" + i + "}"), false);
    for (int i = 0; i < 5; i++) {
      RpcConnections.Answer a = connections.post(addr, "/rpc/x", "{}".getBytes(), Map.of("X-Test", "1"), Duration.ofSeconds(5));
      assertThat(a.status()).isEqualTo(200);
      assertThat(new String(a.body())).isEqualTo("{\"n\":" + i + "}");
    }
    assertThat(accepted).hasValue(1);
    assertThat(requests).first().isEqualTo("POST /rpc/x HTTP/1.1 {}");
  }

  @Test
  void chunkedAnswersAreJoined() throws Exception {
    String addr = serve(i -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\n\r\n", false);
    assertThat(new String(connections.post(addr, "/rpc/x", new byte[0], Map.of(), Duration.ofSeconds(5)).body()))
        .isEqualTo("{\"a\":1}");
    assertThat(new String(connections.post(addr, "/rpc/x", new byte[0], Map.of(), Duration.ofSeconds(5)).body()))
        .isEqualTo("{\"a\":1}");
    assertThat(accepted).hasValue(1);
  }

  @Test
  void aConnectionTheServerClosedWhileIdleIsReplacedOnce() throws Exception {
    // The server closes every connection after one answer without saying so: the second call
    // finds its kept-alive socket dead and must go through on a new one.
    String addr = serve(i -> withLength(200, "\"" + i + "\""), true);
    assertThat(new String(connections.post(addr, "/a", new byte[0], Map.of(), Duration.ofSeconds(5)).body())).isEqualTo("\"0\"");
    assertThat(new String(connections.post(addr, "/b", new byte[0], Map.of(), Duration.ofSeconds(5)).body())).isEqualTo("\"1\"");
    assertThat(accepted).hasValue(2);
  }

  @Test
  void noServerAndNoAnswerAreOneLineIoErrors() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> connections.post("127.0.0.1:" + port, "/x", new byte[0], Map.of(), Duration.ofSeconds(2)))
        .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + port);
    String silent = serve(i -> "", false);
    assertThatThrownBy(() -> connections.post(silent, "/x", new byte[0], Map.of(), Duration.ofMillis(300)))
        .isInstanceOf(IOException.class).hasMessageContaining("no answer within 300 ms");
    assertThatThrownBy(() -> connections.post("nonsense", "/x", new byte[0], Map.of(), Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class).hasMessageContaining("bad server address");
  }

  @Test
  void rpcClientMapsStatusesToItsExceptions() throws Exception {
    String addr = serve(i -> switch (i) {
      case 0 -> withLength(503, "{\"error\":\"No cluster leader\"}");
      case 1 -> withLength(404, "{\"error\":\"no such RPC\"}");
      default -> withLength(500, "{\"error\":\"boom\"}");
    }, false);
    RpcClient rpc = new RpcClient();
    assertThatThrownBy(() -> rpc.post(addr, "/rpc/a", Map.of(), Map.class, Duration.ofSeconds(5), false))
        .isInstanceOf(RpcClient.NoLeaderIOException.class);
    assertThatThrownBy(() -> rpc.post(addr, "/rpc/b", Map.of(), Map.class, Duration.ofSeconds(5), true))
        .isInstanceOf(RpcClient.NoSuchRpcException.class);
    assertThatThrownBy(() -> rpc.post(addr, "/rpc/c", Map.of(), Map.class, Duration.ofSeconds(5), false))
        .isInstanceOf(IOException.class).hasMessageContaining("500").hasMessageContaining("boom");
  }
}
