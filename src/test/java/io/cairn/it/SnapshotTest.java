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
}
