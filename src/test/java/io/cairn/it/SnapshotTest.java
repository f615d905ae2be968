package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cairn snapshot save` on one agent and `restore` on a fresh one give the same KV and catalog. */
class SnapshotTest {

  static HttpResponse<String> call(TestAgent a, String method, String path, String body) throws Exception {
    return a.call(method, path, body);
  }

  static int cli(String... args) {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return Main.run(out, out, args);
  }

  @Test
  void saveOnOneAgentAndRestoreOnAFreshOneGivesTheSameState(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("backup.snap");
    String source;
    String sourceCatalog;
    try (TestAgent a = TestAgent.start()) {
      call(a, "PUT", "/v1/kv/app/config", "v1");
      call(a, "PUT", "/v1/kv/app/flags?flags=42", "on");
      call(a, "PUT", "/v1/catalog/register", "{\"Node\":\"db1\",\"Address\":\"10.0.0.9\",\"Service\":{\"Service\":\"pg\",\"Port\":5432}}");
      source = call(a, "GET", "/v1/kv/?recurse", null).body();
      sourceCatalog = call(a, "GET", "/v1/catalog/service/pg", null).body();
      assertThat(cli("snapshot", "save", "-http-addr", "127.0.0.1:" + a.port(), file.toString())).isZero();
    }
    assertThat(Files.size(file)).isPositive();
    try (TestAgent b = TestAgent.start()) {
      call(b, "PUT", "/v1/kv/only-on-b", "x");
      assertThat(cli("snapshot", "restore", "-http-addr", "127.0.0.1:" + b.port(), file.toString())).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> call(b, "GET", "/v1/kv/only-on-b", null).statusCode() == 404);
      String restored = call(b, "GET", "/v1/kv/?recurse", null).body();
      assertThat(restored).isEqualTo(source);
      assertThat(call(b, "GET", "/v1/catalog/service/pg", null).body()).isEqualTo(sourceCatalog);
    }
  }

  @Test
  void garbageIsRefusedAndNothingChanges(@TempDir Path dir) throws Exception {
    try (TestAgent a = TestAgent.start()) {
      call(a, "PUT", "/v1/kv/keep", "me");
      HttpResponse<String> r = call(a, "PUT", "/v1/snapshot", "not a snapshot");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("Not a Cairn snapshot");
      assertThat(call(a, "GET", "/v1/kv/keep?raw", null).body()).isEqualTo("me");
    }
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private static byte[] save(TestAgent a) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(java.net.http.HttpRequest.newBuilder(a.uri("/v1/snapshot")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static HttpResponse<String> restore(TestAgent a, byte[] snapshot) throws Exception {
    return HTTP.send(java.net.http.HttpRequest.newBuilder(a.uri("/v1/snapshot"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(snapshot)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Larger than one Raft entry may be (7 MB): it travels in parts, and arrives whole. */
  @Test
  void aStoreLargerThanOneLogEntryRestoresInParts() throws Exception {
    byte[] snapshot;
    String source;
    java.util.Random rnd = new java.util.Random(7);
    try (TestAgent a = TestAgent.start()) {
      for (int i = 0; i < 24; i++) {
        byte[] value = new byte[300 * 1024];
        rnd.nextBytes(value);
        String text = java.util.Base64.getEncoder().encodeToString(value).substring(0, 400 * 1024);
        assertThat(call(a, "PUT", "/v1/kv/big/" + i, text).statusCode()).isEqualTo(200);
      }
      source = call(a, "GET", "/v1/kv/big/?recurse", null).body();
      snapshot = save(a);
    }
    assertThat(snapshot.length).isGreaterThan(8 * 1024 * 1024);
    try (TestAgent b = TestAgent.start()) {
      call(b, "PUT", "/v1/kv/only-on-b", "x");
      HttpResponse<String> r = restore(b, snapshot);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(call(b, "GET", "/v1/kv/only-on-b", null).statusCode()).isEqualTo(404);
      assertThat(call(b, "GET", "/v1/kv/big/?recurse", null).body()).isEqualTo(source);
    }
  }

  /** A backup cut off midway has sent some parts already: they are dropped, nothing changes. */
  @Test
  void aBackupCutOffMidwayChangesNothing() throws Exception {
    byte[] snapshot;
    java.util.Random rnd = new java.util.Random(8);
    try (TestAgent a = TestAgent.start()) {
      for (int i = 0; i < 12; i++) {
        byte[] value = new byte[300 * 1024];
        rnd.nextBytes(value);
        call(a, "PUT", "/v1/kv/big/" + i, java.util.Base64.getEncoder().encodeToString(value));
      }
      snapshot = save(a);
    }
    try (TestAgent b = TestAgent.start()) {
      call(b, "PUT", "/v1/kv/keep", "me");
      HttpResponse<String> r = restore(b, java.util.Arrays.copyOf(snapshot, snapshot.length * 3 / 4));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(call(b, "GET", "/v1/kv/keep?raw", null).body()).isEqualTo("me");
      assertThat(call(b, "GET", "/v1/kv/big/?keys", null).statusCode()).isEqualTo(404);
      // And a whole one afterwards still restores.
      assertThat(restore(b, snapshot).statusCode()).isEqualTo(200);
      assertThat(call(b, "GET", "/v1/kv/big/0", null).statusCode()).isEqualTo(200);
    }
  }
}
