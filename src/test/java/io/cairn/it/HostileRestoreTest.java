package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshot restores no agent wrote: a gzip bomb, and images whose records the state cannot hold.
 * Each must be refused before it reaches the Raft log, leaving the agent's state as it was and
 * the agent serving.
 */
class HostileRestoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    assertThat(agent.call("PUT", "/v1/kv/restore/keep", "me").body()).isEqualTo("true");
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static HttpResponse<String> restore(byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(agent.uri("/v1/snapshot")).timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ObjectNode savedSnapshot() throws Exception {
    byte[] gz = HTTP.send(HttpRequest.newBuilder(agent.uri("/v1/snapshot")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static byte[] gzip(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      for (byte[] p : parts) gz.write(p);
    }
    return out.toByteArray();
  }

  private static void assertStateUnchangedAndServing() throws Exception {
    assertThat(agent.call("GET", "/v1/kv/restore/keep?raw", null).body()).isEqualTo("me");
    assertThat(agent.call("PUT", "/v1/kv/restore/after", "ok").statusCode()).isEqualTo(200);
    assertThat(agent.call("GET", "/v1/kv/restore/after?raw", null).body()).isEqualTo("ok");
    assertThat(agent.call("GET", "/v1/status/leader", null).body()).isNotEqualTo("\"\"");
  }

  @Test
  void aGzipBombIsRefusedBeforeItIsInflated() throws Exception {
    // 256 MB of whitespace (JSON allows it before a value) then a valid snapshot: ~250 KB of gzip,
    // a thousand times smaller; a real backup inflates far less.
    ObjectNode doc = savedSnapshot();
    ((ObjectNode) doc.get("State")).putArray("kv");
    byte[] spaces = " ".repeat(16 * 1024 * 1024).getBytes(StandardCharsets.US_ASCII);
    byte[][] parts = new byte[17][];
    java.util.Arrays.fill(parts, 0, 16, spaces);
    parts[16] = JSON.writeValueAsBytes(doc);
    byte[] bomb = gzip(parts);
    assertThat(bomb.length).isLessThan(400_000);

    HttpResponse<String> r = restore(bomb);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    assertThat(r.body()).startsWith("Snapshot too large").doesNotContain("\n");
    assertStateUnchangedAndServing();
  }

  @Test
  void aRestoreOfWhatGetSnapshotSavedStillWorks() throws Exception {
    ObjectNode doc = savedSnapshot();
    HttpResponse<String> r = restore(gzip(JSON.writeValueAsBytes(doc)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertStateUnchangedAndServing();
  }

  @Test
  void aSnapshotWhoseGzipChecksumIsWrongIsRefused() throws Exception {
    byte[] gz = gzip(JSON.writeValueAsBytes(savedSnapshot()));
    gz[gz.length - 8] ^= 0x5a;  // the CRC-32 in the gzip trailer: the document itself still inflates
    HttpResponse<String> r = restore(gz);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).startsWith("Not a Cairn snapshot");
    assertStateUnchangedAndServing();
  }

  /** Breaks one record of a saved snapshot, as named by {@code fault}, and expects a 400 naming it. */
  @ParameterizedTest
  @ValueSource(strings = {"node-name-null", "node-name-empty", "node-address-null", "service-id-null", "service-name-null",
      "service-on-missing-node", "check-node-null", "check-on-missing-node", "check-for-missing-service",
      "kv-key-null", "kv-key-nul", "kv-key-too-long", "kv-value-too-large", "kv-locked-by-missing-session",
      "kv-duplicate-key", "kv-missing", "nodes-null", "kv-value-not-base64", "node-meta-null-value"})
  void aCraftedImageIsRefusedWith400AndNeverApplied(String fault) throws Exception {
    ObjectNode doc = savedSnapshot();
    ObjectNode state = (ObjectNode) doc.get("State");
    String node = state.get("nodes").get(0).get("name").asText();
    breakIt(fault, state, node);

    HttpResponse<String> r = restore(gzip(JSON.writeValueAsBytes(doc)));
    assertThat(r.statusCode()).as("%s: %s", fault, r.body()).isEqualTo(400);
    assertThat(r.body()).as(fault).startsWith("Invalid snapshot: ").doesNotContain("\n")
        .doesNotContainPattern("java\\.|io\\.cairn|com\\.fasterxml|Exception|jackson|`");
    assertStateUnchangedAndServing();
  }

  private static void breakIt(String fault, ObjectNode state, String node) {
    ArrayNode kv = (ArrayNode) state.get("kv");
    ObjectNode firstKv = (ObjectNode) kv.get(0);
    Consumer<ObjectNode> addService = s -> ((ArrayNode) state.get("services")).add(s);
    switch (fault) {
      case "node-name-null" -> ((ObjectNode) state.get("nodes").get(0)).putNull("name");
      case "node-name-empty" -> ((ObjectNode) state.get("nodes").get(0)).put("name", "");
      case "node-address-null" -> ((ObjectNode) state.get("nodes").get(0)).putNull("address");
      case "service-id-null" -> addService.accept(JSON.createObjectNode().put("node", node).putNull("id").put("name", "s"));
      case "service-name-null" -> addService.accept(JSON.createObjectNode().put("node", node).put("id", "s1").putNull("name"));
      case "service-on-missing-node" -> addService.accept(JSON.createObjectNode().put("node", "ghost").put("id", "s1").put("name", "s"));
      case "check-node-null" -> ((ObjectNode) state.get("checks").get(0)).putNull("node");
      case "check-on-missing-node" -> ((ObjectNode) state.get("checks").get(0)).put("node", "ghost");
      case "check-for-missing-service" -> ((ObjectNode) state.get("checks").get(0)).put("serviceId", "ghost-service");
      case "kv-key-null" -> firstKv.putNull("key");
      case "kv-key-nul" -> firstKv.put("key", "a\u0000b");
      case "kv-key-too-long" -> firstKv.put("key", "k".repeat(2000));
      case "kv-value-too-large" -> firstKv.put("value", java.util.Base64.getEncoder().encodeToString(new byte[600 * 1024]));
      case "kv-locked-by-missing-session" -> firstKv.put("session", "00000000-0000-0000-0000-000000000000");
      case "kv-duplicate-key" -> kv.add(firstKv.deepCopy());
      case "kv-missing" -> state.remove("kv");
      case "nodes-null" -> state.putNull("nodes");
      case "kv-value-not-base64" -> firstKv.put("value", "!!not base64!!");
      case "node-meta-null-value" -> ((ObjectNode) state.get("nodes").get(0)).putObject("meta").putNull("rack");
      default -> throw new IllegalArgumentException(fault);
    }
  }
}
