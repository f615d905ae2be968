package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cairn kv export` then `kv import` against a real agent: 10,000 keys round-trip byte for byte; a bad file writes nothing. */
class KvExportImportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private TestAgent agent;

  @BeforeEach
  void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private JsonNode all() throws Exception {
    return JSON.readTree(agent.call("GET", "/v1/kv/data/?recurse", null).body());
  }

  @Test
  void tenThousandKeysRoundTripByteForByte() throws Exception {
    Random random = new Random(42);
    for (int batch = 0; batch < 10_000 / 64 + 1; batch++) {
      ArrayNode ops = JSON.createArrayNode();
      for (int i = batch * 64; i < Math.min(10_000, (batch + 1) * 64); i++) {
        byte[] value = new byte[random.nextInt(40)];
        random.nextBytes(value);
        var kv = ops.addObject().putObject("KV");
        kv.put("Verb", "set").put("Key", "data/k" + i + (i % 7 == 0 ? "/sub dir" : "")).put("Flags", i % 3)
            .put("Value", Base64.getEncoder().encodeToString(value));
      }
      if (!ops.isEmpty()) assertThat(agent.call("PUT", "/v1/txn", ops.toString()).statusCode()).isEqualTo(200);
    }
    JsonNode before = all();
    assertThat(before.size()).isEqualTo(10_000);
    String http = "127.0.0.1:" + agent.port();
    AgentProcess.Result exported = AgentProcess.run("kv", "export", "-http-addr", http, "data/");
    assertThat(exported.exitCode()).isZero();
    Path file = dir.resolve("export.json");
    Files.writeString(file, exported.stdout());

    Files.writeString(dir.resolve("bad.json"), "[{\"key\":\"data/x\",\"value\":\"AA==\"},{\"value\":\"AA==\"}]");
    agent.call("DELETE", "/v1/kv/data/?recurse", null);
    AgentProcess.Result bad = AgentProcess.run("kv", "import", "-http-addr", http, "@" + dir.resolve("bad.json"));
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr().strip().lines()).hasSize(1);
    assertThat(agent.call("GET", "/v1/kv/data/?recurse", null).statusCode()).as("nothing written").isEqualTo(404);

    AgentProcess.Result imported = AgentProcess.run("kv", "import", "-http-addr", http, "@" + file);
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    JsonNode after = all();
    assertThat(after.size()).isEqualTo(10_000);
    for (int i = 0; i < before.size(); i++) {
      assertThat(after.get(i).get("Key")).isEqualTo(before.get(i).get("Key"));
      assertThat(after.get(i).get("Value")).isEqualTo(before.get(i).get("Value"));
      assertThat(after.get(i).get("Flags")).isEqualTo(before.get(i).get("Flags"));
    }
  }
}
