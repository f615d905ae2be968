package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC and H2PING checks against a real HTTP/2 server built here (Jetty): the gRPC health
 * protocol answered by hand (SERVING, NOT_SERVING, an unknown service's NOT_FOUND), with prior
 * knowledge and over TLS with a self-signed certificate made by keytool.
 */
class Http2ChecksTest {
  static Agent agent;
  static Server server;
  static int h2c;
  static int tls;
  static final Map<String, Integer> serving = new ConcurrentHashMap<>();
  static final HttpClient http = HttpClient.newHttpClient();
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    serving.put("", 1);
    serving.put("web", 1);
    serving.put("batch", 2);
    Path keystore = dir.resolve("h2.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "h2", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "secret123", "-keypass", "secret123").redirectErrorStream(true).start();
    String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(said).isZero();

    server = new Server();
    HttpConfiguration plain = new HttpConfiguration();
    ServerConnector cleartext = new ServerConnector(server, new HTTP2CServerConnectionFactory(plain));
    cleartext.setHost("127.0.0.1");
    HttpConfiguration secure = new HttpConfiguration();
    secure.addCustomizer(new SecureRequestCustomizer(false));
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(secure);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
    alpn.setDefaultProtocol(h2.getProtocol());
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(keystore.toString());
    ssl.setKeyStorePassword("secret123");
    ServerConnector encrypted = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2);
    encrypted.setHost("127.0.0.1");
    server.addConnector(cleartext);
    server.addConnector(encrypted);
    server.setHandler(new GrpcHealth());
    server.start();
    h2c = cleartext.getLocalPort();
    tls = encrypted.getLocalPort();

    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = AgentChecksTest.freePort();
    b.dnsPort = 0;
    b.nodeName = "h2-node";
    agent = Agent.start(b.build(), () -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) agent.close();
    if (server != null) server.stop();
  }

  /** grpc.health.v1.Health/Check, as a gRPC server answers it. */
  static final class GrpcHealth extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (!request.getHttpURI().getPath().equals("/grpc.health.v1.Health/Check")) {
        Response.writeError(request, response, callback, 404);
        return true;
      }
      byte[] in;
      try (InputStream s = Content.Source.asInputStream(request)) {
        in = s.readAllBytes();
      }
      String service = "";
      if (in.length > 7 && in[5] == 0x0a) service = new String(in, 7, in[6], StandardCharsets.UTF_8);
      response.getHeaders().put("content-type", "application/grpc");
      Integer status = serving.get(service);
      if (status == null) {
        // A trailers-only answer, as grpc-go's health server gives for a service it does not know.
        response.getHeaders().put("grpc-status", "5");
        response.getHeaders().put("grpc-message", "unknown service");
        response.write(true, ByteBuffer.allocate(0), callback);
        return true;
      }
      response.setTrailersSupplier(() -> HttpFields.build().put("grpc-status", "0"));
      response.write(true, ByteBuffer.allocate(7).put((byte) 0).putInt(2).put((byte) 0x08).put((byte) (int) status).flip(), callback);
      return true;
    }
  }

  private static int register(String check) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + "/v1/agent/check/register"))
        .PUT(HttpRequest.BodyPublishers.ofString(check)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void grpcChecksSpeakTheHealthProtocolWithAndWithoutTls() throws Exception {
    String at = "127.0.0.1:" + h2c;
    assertThat(register("{\"Name\":\"grpc-web\",\"GRPC\":\"" + at + "/web\",\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-all\",\"GRPC\":\"" + at + "\",\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-batch\",\"GRPC\":\"" + at + "/batch\",\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-nosuch\",\"GRPC\":\"" + at + "/nosuch\",\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-tls\",\"GRPC\":\"127.0.0.1:" + tls + "/web\",\"GRPCUseTLS\":true,"
        + "\"TLSSkipVerify\":true,\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-tls-name\",\"GRPC\":\"127.0.0.1:" + tls + "/web\",\"GRPCUseTLS\":true,"
        + "\"TLSServerName\":\"no-such-name.example\",\"TLSSkipVerify\":false,\"Interval\":\"1s\",\"Timeout\":\"2s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"grpc-down\",\"GRPC\":\"127.0.0.1:" + closedPort() + "\",\"Interval\":\"1s\",\"Timeout\":\"1s\"}"))
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      String checks = get("/v1/agent/checks");
      assertThat(checks).containsPattern("\"grpc-web\".{0,300}\"Status\":\"passing\"");
      assertThat(checks).containsPattern("\"grpc-all\".{0,300}\"Status\":\"passing\"");
      assertThat(checks).containsPattern("\"grpc-batch\".{0,300}\"Status\":\"critical\".{0,100}NOT_SERVING");
      assertThat(checks).containsPattern("\"grpc-nosuch\".{0,300}\"Status\":\"critical\".{0,200}NotFound");
      assertThat(checks).containsPattern("\"grpc-tls\".{0,300}\"Status\":\"passing\"");
      assertThat(checks).containsPattern("\"grpc-tls-name\".{0,300}\"Status\":\"critical\"");
      assertThat(checks).containsPattern("\"grpc-down\".{0,300}\"Status\":\"critical\"");
    });
    serving.put("web", 2);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(get("/v1/agent/checks")).containsPattern("\"grpc-web\".{0,300}\"Status\":\"critical\""));
    serving.put("web", 1);
    assertThat(get("/v1/health/node/h2-node")).contains("\"GRPC\":\"" + at + "/web\"", "\"GRPCUseTLS\":false");
    assertThat(register("{\"Name\":\"bad\",\"GRPC\":\"no-port\",\"Interval\":\"1s\"}")).isEqualTo(400);
    assertThat(register("{\"Name\":\"bad\",\"GRPC\":\"" + at + "\"}")).as("no interval").isEqualTo(400);
    for (String id : List.of("grpc-web", "grpc-all", "grpc-batch", "grpc-nosuch", "grpc-tls", "grpc-tls-name", "grpc-down")) {
      agent.local().removeCheck(id);
    }
  }

  @Test
  void h2pingChecksPingOverTlsByDefaultAndOverCleartextWhenAsked() throws Exception {
    assertThat(register("{\"Name\":\"ping-h2c\",\"H2PING\":\"127.0.0.1:" + h2c + "\",\"H2PingUseTLS\":false,\"Interval\":\"1s\"}"))
        .isEqualTo(200);
    assertThat(register("{\"Name\":\"ping-tls\",\"H2PING\":\"127.0.0.1:" + tls + "\",\"TLSSkipVerify\":true,\"Interval\":\"1s\"}"))
        .isEqualTo(200);
    assertThat(register("{\"Name\":\"ping-untrusted\",\"H2PING\":\"127.0.0.1:" + tls + "\",\"Interval\":\"1s\",\"Timeout\":\"2s\"}"))
        .as("TLS by default, and a self-signed certificate is not trusted").isEqualTo(200);
    assertThat(register("{\"Name\":\"ping-down\",\"H2PING\":\"127.0.0.1:" + closedPort() + "\",\"H2PingUseTLS\":false,"
        + "\"Interval\":\"1s\",\"Timeout\":\"1s\"}")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      String checks = get("/v1/agent/checks");
      assertThat(checks).containsPattern("\"ping-h2c\".{0,300}\"Status\":\"passing\"");
      assertThat(checks).containsPattern("\"ping-tls\".{0,300}\"Status\":\"passing\"");
      assertThat(checks).containsPattern("\"ping-untrusted\".{0,300}\"Status\":\"critical\"");
      assertThat(checks).containsPattern("\"ping-down\".{0,300}\"Status\":\"critical\"");
    });
    assertThat(get("/v1/health/node/h2-node")).contains("\"H2PingUseTLS\":true");
    assertThat(register("{\"Name\":\"bad\",\"H2PING\":\"no-port\",\"Interval\":\"1s\"}")).isEqualTo(400);
    for (String id : List.of("ping-h2c", "ping-tls", "ping-untrusted", "ping-down")) agent.local().removeCheck(id);
  }
}
