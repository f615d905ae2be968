package io.cairn.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.http.Definitions;
import io.cairn.http.Fields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker checks against a Docker Engine API served here on a Unix socket, as the daemon serves
 * it: an exec created in the container, started attached (its output in Docker's multiplexed
 * frames), its exit code read back. Containers: one healthy, one warning, one failing; an
 * unknown container is the daemon's 404.
 */
class DockerChecksTest {
  static Agent agent;
  static ServerSocketChannel daemon;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient http = HttpClient.newHttpClient();
  /** Container → exit code and output of whatever runs in it. */
  static final Map<String, Object[]> containers = Map.of("web-1", new Object[] {0, "all good\n"},
      "cache-1", new Object[] {1, "memory high\n"}, "db-1", new Object[] {2, "disk full\n"});
  static final Map<String, String> execs = new ConcurrentHashMap<>();
  static final Map<String, JsonNode> lastCmd = new ConcurrentHashMap<>();
  static final AtomicInteger ids = new AtomicInteger();
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    Path socket = dir.resolve("docker.sock");
    daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    daemon.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofVirtual().start(() -> {
      while (daemon.isOpen()) {
        try {
          SocketChannel ch = daemon.accept();
          Thread.ofVirtual().start(() -> serve(ch));
        } catch (IOException e) {
          return;
        }
      }
    });
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = AgentChecksTest.freePort();
    b.dnsPort = 0;
    b.nodeName = "docker-node";
    b.enableScriptChecks = true;
    agent = Agent.start(b.build(), () -> {});
    agent.checkRunners().dockerHost("unix://" + socket);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) agent.close();
    if (daemon != null) daemon.close();
  }

  /** One request of the Engine API, answered as dockerd answers it. */
  private static void serve(SocketChannel ch) {
    try (ch) {
      InputStream in = Channels.newInputStream(ch);
      OutputStream out = Channels.newOutputStream(ch);
      String[] request = line(in).split(" ");
      int length = 0;
      for (String h; !(h = line(in)).isEmpty(); ) {
        if (h.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
      }
      byte[] body = in.readNBytes(length);
      String path = request[1];
      String[] seg = path.split("/");
      if (request[0].equals("POST") && path.endsWith("/exec") && seg[1].equals("containers")) {
        String container = seg[2];
        if (!containers.containsKey(container)) {
          json(out, 404, "{\"message\":\"No such container: " + container + "\"}");
          return;
        }
        lastCmd.put(container, JSON.readTree(body).path("Cmd"));
        String id = "exec" + ids.incrementAndGet();
        execs.put(id, container);
        json(out, 201, "{\"Id\":\"" + id + "\"}");
      } else if (request[0].equals("POST") && path.endsWith("/start")) {
        Object[] c = containers.get(execs.get(seg[2]));
        byte[] text = ((String) c[1]).getBytes(StandardCharsets.UTF_8);
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(8).put((byte) 1).put(new byte[3]).putInt(text.length).array());
        out.write(text);
        out.flush();
      } else if (request[0].equals("GET") && path.endsWith("/json")) {
        Object[] c = containers.get(execs.get(seg[2]));
        json(out, 200, "{\"ExitCode\":" + c[0] + ",\"Running\":false}");
      } else {
        json(out, 404, "{\"message\":\"page not found\"}");
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void json(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n' && c >= 0; ) if (c != '\r') b.write(c);
    return b.toString(StandardCharsets.US_ASCII);
  }

  private static int register(String check) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + "/v1/agent/check/register"))
        .PUT(HttpRequest.BodyPublishers.ofString(check)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static JsonNode checks() throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpAddress().getPort()
        + "/v1/agent/checks")).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void dockerChecksRunTheirCommandInTheContainerAndReadItsExitCode() throws Exception {
    assertThat(register("{\"Name\":\"d-web\",\"DockerContainerID\":\"web-1\",\"Args\":[\"/bin/check\",\"--quick\"],\"Interval\":\"1s\"}"))
        .isEqualTo(200);
    assertThat(register("{\"Name\":\"d-cache\",\"DockerContainerID\":\"cache-1\",\"Shell\":\"/bin/bash\",\"Script\":\"free -m\","
        + "\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"d-db\",\"DockerContainerID\":\"db-1\",\"Args\":[\"df\"],\"Interval\":\"1s\"}")).isEqualTo(200);
    assertThat(register("{\"Name\":\"d-gone\",\"DockerContainerID\":\"gone-1\",\"Args\":[\"true\"],\"Interval\":\"1s\"}")).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      JsonNode c = checks();
      assertThat(c.path("d-web").path("Status").asText()).isEqualTo("passing");
      assertThat(c.path("d-web").path("Output").asText()).isEqualTo("all good\n");
      assertThat(c.path("d-cache").path("Status").asText()).isEqualTo("warning");
      assertThat(c.path("d-db").path("Status").asText()).isEqualTo("critical");
      assertThat(c.path("d-db").path("Output").asText()).isEqualTo("disk full\n");
      assertThat(c.path("d-gone").path("Status").asText()).isEqualTo("critical");
      assertThat(c.path("d-gone").path("Output").asText()).contains("No such container: gone-1");
    });
    assertThat(lastCmd.get("web-1")).extracting(JsonNode::asText).containsExactly("/bin/check", "--quick");
    assertThat(lastCmd.get("cache-1")).extracting(JsonNode::asText).containsExactly("/bin/bash", "-c", "free -m");
    assertThat(checks().path("d-web").path("Type").asText()).isEqualTo("docker");
    for (String id : List.of("d-web", "d-cache", "d-db", "d-gone")) agent.local().removeCheck(id);
  }

  @Test
  void aDockerCheckNeedsScriptChecksEnabledAndSomethingToRun() throws Exception {
    JsonNode def = JSON.readTree("{\"Name\":\"d\",\"DockerContainerID\":\"web-1\",\"Args\":[\"true\"],\"Interval\":\"1s\"}");
    assertThatThrownBy(() -> Definitions.check(new Fields(def, "check"), null, null, null, false, false))
        .hasMessageContaining("enable_script_checks");
    assertThat(register("{\"Name\":\"d\",\"DockerContainerID\":\"web-1\",\"Interval\":\"1s\"}")).as("nothing to run").isEqualTo(400);
    assertThat(register("{\"Name\":\"d\",\"DockerContainerID\":\"web-1\",\"Args\":[\"true\"]}")).as("no interval").isEqualTo(400);
  }
}
