package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `cairn discovery` as a real process, asked over HTTP and by `dig`: the two agree, a PUT
 * drives DNS at once, a restart keeps what was registered, bad input changes nothing, and the
 * rate limit holds one client back while another is served.
 */
class DiscoveryProcessTest {
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static Path dataDir;
  static int httpPort;
  static int dnsPort;
  static AgentProcess service;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("cairn-discovery-");
    httpPort = TestAgent.freePort();
    dnsPort = freeUdpAndTcpPort();
    service = startService(dataDir, httpPort, dnsPort, "-entry-ttl", "1h");
  }

  @AfterAll
  static void stop() throws IOException {
    if (service != null) service.close();
  }

  static AgentProcess startService(Path dir, int httpPort, int dnsPort, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("discovery", "-bind", "127.0.0.1", "-http-port", Integer.toString(httpPort),
        "-dns-port", Integer.toString(dnsPort), "-data-dir", dir.toString(), "-rate-limit", "50", "-rate-burst", "100"));
    args.addAll(Arrays.asList(more));
    AgentProcess p = AgentProcess.start(args.toArray(String[]::new));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      assertThat(p.process.isAlive()).as("discovery process alive; log: %s", p.logText()).isTrue();
      try {
        return request("GET", httpPort, "/health", null).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
    return p;
  }

  /** A port free for both UDP and TCP on 127.0.0.1. */
  static int freeUdpAndTcpPort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket t = new ServerSocket()) {
        t.bind(new InetSocketAddress("127.0.0.1", 0));
        try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", t.getLocalPort()))) {
          return t.getLocalPort();
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP");
  }

  static HttpResponse<String> request(String method, int port, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (body != null) b.header("Content-Type", body.startsWith("[") || body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return request(method, httpPort, path, body);
  }

  static String newToken() throws Exception {
    HttpResponse<String> r = call("GET", "/new", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    return r.body().strip();
  }

  static List<String> dig(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort), "+time=2", "+tries=1"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("dig finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void httpAndDigAgree() throws Exception {
    String t = newToken();
    assertThat(call("PUT", "/" + t, "[\"127.0.0.11:8300\", \"127.0.0.12:8301\"]").statusCode()).isEqualTo(200);
    assertThat(call("POST", "/" + t, "{\"address\": \"127.0.0.13\", \"port\": 8302}").statusCode()).isEqualTo(200);
    assertThat(call("POST", "/" + t, "address=127.0.0.14").statusCode()).isEqualTo(200);
    HttpResponse<String> get = call("GET", "/" + t, null);
    assertThat(get.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(get.body()).isEqualTo("[\"127.0.0.11:8300\",\"127.0.0.12:8301\",\"127.0.0.13:8302\",\"127.0.0.14:8300\"]");

    assertThat(dig("+short", t + ".service.discovery", "A"))
        .containsExactly("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14");
    assertThat(dig("+short", "_" + t + "._tcp.service.discovery", "SRV")).containsExactly(
        "1 1 8300 7f00000b.addr.discovery.", "1 1 8301 7f00000c.addr.discovery.",
        "1 1 8302 7f00000d.addr.discovery.", "1 1 8300 7f00000e.addr.discovery.");
    assertThat(dig("+short", "7f00000c.addr.discovery", "A")).containsExactly("127.0.0.12");
    assertThat(dig("+tcp", "+short", t + ".service.discovery", "A")).hasSize(4);
    assertThat(String.join("\n", dig("0123456789abcdef0123456789abcdef.service.discovery"))).contains("status: NXDOMAIN");
    assertThat(String.join("\n", dig("example.com"))).contains("status: REFUSED");
  }

  @Test
  void aPutListDrivesDnsAtOnce() throws Exception {
    String t = newToken();
    call("PUT", "/" + t, "[\"127.0.1.1\", \"127.0.1.2\"]");
    assertThat(dig("+short", t + ".service.discovery")).containsExactly("127.0.1.1", "127.0.1.2");
    call("PUT", "/" + t, "[\"127.0.1.3\"]");
    assertThat(dig("+short", t + ".service.discovery")).containsExactly("127.0.1.3");
    call("PUT", "/" + t, "[]");
    assertThat(dig("+short", t + ".service.discovery")).isEmpty();
    assertThat(String.join("\n", dig(t + ".service.discovery"))).contains("status: NOERROR");
  }

  /** The README's delegation: dnsmasq forwards the domain, and a PUT changes what it answers at once (TTL 0). */
  @Test
  void dnsmasqDelegatingTheDomainFollowsAPutAtOnce() throws Exception {
    String t = newToken();
    call("PUT", "/" + t, "[\"127.0.6.1\", \"127.0.6.2:8301\"]");
    int port = freeUdpAndTcpPort();
    Process dnsmasq = new ProcessBuilder("dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--server=/discovery/127.0.0.1#" + dnsPort)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> !DnsTest.digAt(port, "+short", t + ".service.discovery").isEmpty());
      assertThat(DnsTest.digAt(port, "+short", t + ".service.discovery")).containsExactly("127.0.6.1", "127.0.6.2");
      assertThat(DnsTest.digAt(port, "+short", "_" + t + "._tcp.service.discovery", "SRV"))
          .containsExactly("1 1 8300 7f000601.addr.discovery.", "1 1 8301 7f000602.addr.discovery.");
      call("PUT", "/" + t, "[\"127.0.6.3\"]");
      assertThat(DnsTest.digAt(port, "+short", t + ".service.discovery")).containsExactly("127.0.6.3");
    } finally {
      dnsmasq.destroy();
      dnsmasq.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badTokensAddressesAndBodiesAreRefusedAndNothingChanges() throws Exception {
    String t = newToken();
    call("PUT", "/" + t, "[\"127.0.2.1\"]");
    String before = call("GET", "/" + t, null).body();
    String[][] bad = {
        {"GET", "/xyz", null},
        {"GET", "/" + t + "0", null},
        {"PUT", "/" + t, "[\"127.0.2.1\", \"not a host\"]"},
        {"PUT", "/" + t, "{\"servers\": []}"},
        {"PUT", "/" + t, "[\"127.0.2.1:0\"]"},
        {"PUT", "/" + t, "not json"},
        {"POST", "/" + t, "{\"address\": \"127.0.2.300\"}"},
        {"POST", "/" + t, "{\"address\": \"127.0.2.9\", \"port\": 70000}"},
        {"DELETE", "/" + t + "/bad_host", null},
    };
    for (String[] b : bad) {
      HttpResponse<String> r = call(b[0], b[1], b[2]);
      assertThat(r.statusCode()).as(String.join(" ", Arrays.stream(b).map(String::valueOf).toList())).isEqualTo(400);
      assertThat(r.body().strip()).doesNotContain("\n").isNotEmpty();
    }
    HttpResponse<String> huge = call("PUT", "/" + t, "[\"" + "a".repeat(70_000) + "\"]");
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(call("GET", "/" + t, null).body()).isEqualTo(before);
    assertThat(call("GET", "/" + "0".repeat(32), null).statusCode()).isEqualTo(404);
  }

  @Test
  void aRestartKeepsRegistrations() throws Exception {
    String t = newToken();
    call("PUT", "/" + t, "[\"127.0.3.1\", \"srv.example.com:8301\"]");
    call("POST", "/" + t, "{\"address\": \"127.0.3.2\"}");
    String before = call("GET", "/" + t, null).body();
    service.signal("TERM");
    assertThat(service.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(service.process.exitValue()).isZero();
    service.close();
    service = startService(dataDir, httpPort, dnsPort, "-entry-ttl", "1h");
    assertThat(call("GET", "/" + t, null).body()).isEqualTo(before);
    assertThat(dig("+short", t + ".service.discovery")).containsExactly("127.0.3.1", "127.0.3.2");
    assertThat(dig("+short", "_" + t + "._tcp.service.discovery", "SRV")).contains("1 1 8301 srv.example.com.");
  }

  @Test
  void aSecondServiceOnTheSameDataDirectoryFailsToStart() throws Exception {
    AgentProcess.Result r = AgentProcess.run("discovery", "-bind", "127.0.0.1", "-http-port", "0", "-dns-port", "-1",
        "-data-dir", dataDir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("in use");
    assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theRateLimitHoldsOneClientBackAndServesAnother() throws Exception {
    String t = newToken();
    String path = "/" + t;
    int status = 0;
    String retryAfter = null;
    for (int i = 0; i < 400 && status != 429; i++) {
      String[] answer = rawGet("127.0.0.3", path);
      status = Integer.parseInt(answer[0]);
      retryAfter = answer[1];
    }
    assertThat(status).isEqualTo(429);
    assertThat(retryAfter).isNotNull().matches("[1-9][0-9]*");
    assertThat(rawGet("127.0.0.4", path)[0]).isEqualTo("200");
    assertThat(rawGet("127.0.0.3", "/health")[0]).isEqualTo("200");
  }

  /** A GET from a chosen source address (any 127/8 address is this machine): status and Retry-After. */
  static String[] rawGet(String from, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      s.connect(new InetSocketAddress("127.0.0.1", httpPort), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      String status = text.substring(9, 12);
      String retry = text.lines().filter(l -> l.toLowerCase().startsWith("retry-after:")).map(l -> l.substring(12).strip())
          .findFirst().orElse(null);
      return new String[] {status, retry};
    }
  }

  @Test
  void aServerThatStopsPostingLeavesTheAnswers() throws Exception {
    Path dir = Files.createTempDirectory("cairn-discovery-ttl-");
    int port = TestAgent.freePort();
    try (AgentProcess short_ = startService(dir, port, -1, "-entry-ttl", "2s")) {
      String t = request("GET", port, "/new", null).body().strip();
      request("POST", port, "/" + t, "{\"address\": \"127.0.4.1\"}");
      request("PUT", port, "/" + t, "[\"127.0.4.2\"]");
      assertThat(request("GET", port, "/" + t, null).body()).isEqualTo("[\"127.0.4.2:8300\",\"127.0.4.1:8300\"]");
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> request("GET", port, "/" + t, null).body().equals("[\"127.0.4.2:8300\"]"));
    }
  }

  @Test
  void servesHttpsWithAPemCertificateAndKey() throws Exception {
    Path dir = Files.createTempDirectory("cairn-discovery-tls-");
    io.cairn.discovery.PemFixtures.selfSigned(dir);
    int port = TestAgent.freePort();
    List<String> args = List.of("discovery", "-bind", "127.0.0.1", "-http-port", Integer.toString(port), "-dns-port", "-1",
        "-data-dir", dir.resolve("data").toString(), "-tls-cert", dir.resolve("cert.pem").toString(),
        "-tls-key", dir.resolve("key.pem").toString());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("discovery", java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(dir.resolve("cert.pem"))));
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    URI base = URI.create("https://127.0.0.1:" + port);
    try (AgentProcess p = AgentProcess.start(args.toArray(String[]::new))) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> {
            assertThat(p.process.isAlive()).as("discovery process alive; log: %s", p.logText()).isTrue();
            return https.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode() == 200;
          });
      String t = https.send(HttpRequest.newBuilder(base.resolve("/new")).build(), HttpResponse.BodyHandlers.ofString()).body().strip();
      https.send(HttpRequest.newBuilder(base.resolve("/" + t)).PUT(HttpRequest.BodyPublishers.ofString("[\"127.0.5.1\"]")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(https.send(HttpRequest.newBuilder(base.resolve("/" + t)).build(), HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("[\"127.0.5.1:8300\"]");
      // Plain HTTP on the HTTPS port gets no answer it could take for one.
      assertThatPlainHttpIsNotServed(port);
    }
  }

  static void assertThatPlainHttpIsNotServed(int port) throws Exception {
    try {
      HttpResponse<String> r = request("GET", port, "/health", null);
      assertThat(r.statusCode()).isNotEqualTo(200);
    } catch (IOException expected) {
      // the TLS server closed the connection: fine
    }
  }
}
