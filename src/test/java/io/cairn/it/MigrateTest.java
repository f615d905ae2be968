package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cairn migrate -from}: a running Consul's KV and externally registered catalog entries
 * copied over both HTTP APIs. The source here is another agent serving Consul's API (no Consul
 * binary can run here); what the command reads is only that API.
 */
class MigrateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestAgent consul;
  private static TestAgent cairn;

  @BeforeAll
  static void start() throws Exception {
    consul = TestAgent.start();
    cairn = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (consul != null) consul.close();
    if (cairn != null) cairn.close();
  }

  private static HttpResponse<String> send(TestAgent a, String method, String path, String body) throws Exception {
    return a.call(method, path, body);
  }

  private record Run(int code, String out, String err) {}

  private static Run migrate(String... extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = new String[4 + extra.length];
    args[0] = "migrate";
    args[1] = "-from=" + consul.uri("").toString();
    args[2] = "-http-addr";
    args[3] = cairn.uri("").toString();
    System.arraycopy(extra, 0, args, 4, extra.length);
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void kvAndExternalNodesComeOverOnceAndASecondRunWritesNothing() throws Exception {
    assertThat(send(consul, "PUT", "/v1/kv/app/db/url?flags=7", "postgres://db:5432").body()).isEqualTo("true");
    assertThat(send(consul, "PUT", "/v1/kv/app/pool", "20").body()).isEqualTo("true");
    assertThat(send(consul, "PUT", "/v1/kv/app/empty", "").body()).isEqualTo("true");
    assertThat(send(cairn, "PUT", "/v1/kv/app/pool", "20").body()).as("already there as Consul has it").isEqualTo("true");
    assertThat(send(consul, "PUT", "/v1/catalog/register", """
        {"Node": "san-1", "Address": "10.2.0.9", "NodeMeta": {"external-node": "true"},
         "Service": {"ID": "iscsi-1", "Service": "iscsi", "Port": 3260, "Tags": ["fast"], "Meta": {"vendor": "x"}},
         "Checks": [{"CheckID": "iscsi-alive", "Name": "iSCSI", "Status": "passing", "ServiceID": "iscsi-1", "Output": "ok"},
                    {"CheckID": "san-power", "Name": "Power", "Status": "warning"}]}
        """).statusCode()).isEqualTo(200);

    Run dry = migrate("-dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("KV: 2 keys to copy, 1 already the same", "1 external nodes to copy");
    assertThat(send(cairn, "GET", "/v1/kv/app/db/url", null).statusCode()).as("a dry run writes nothing").isEqualTo(404);

    Run first = migrate();
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("KV: 2 keys copied, 1 already the same",
        "Catalog: 1 external nodes copied (1 services, 2 checks), 0 already the same; 1 agent nodes left to their agents");
    assertThat(send(cairn, "GET", "/v1/kv/app/db/url?raw", null).body()).isEqualTo("postgres://db:5432");
    JsonNode url = JSON.readTree(send(cairn, "GET", "/v1/kv/app/db/url", null).body()).get(0);
    assertThat(url.path("Flags").asLong()).isEqualTo(7);
    assertThat(send(cairn, "GET", "/v1/kv/app/empty?raw", null).statusCode()).isEqualTo(200);
    JsonNode iscsi = JSON.readTree(send(cairn, "GET", "/v1/catalog/service/iscsi", null).body()).get(0);
    assertThat(iscsi.path("Node").asText()).isEqualTo("san-1");
    assertThat(iscsi.path("Address").asText()).isEqualTo("10.2.0.9");
    assertThat(iscsi.path("ServicePort").asInt()).isEqualTo(3260);
    assertThat(iscsi.path("ServiceMeta").path("vendor").asText()).isEqualTo("x");
    JsonNode checks = JSON.readTree(send(cairn, "GET", "/v1/health/node/san-1", null).body());
    assertThat(checks).extracting(c -> c.path("CheckID").asText() + "=" + c.path("Status").asText())
        .containsExactlyInAnyOrder("iscsi-alive=passing", "san-power=warning");
    long kvIndex = url.path("ModifyIndex").asLong();

    Run second = migrate();
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).contains("KV: 0 keys copied, 3 already the same", "0 external nodes copied", "1 already the same");
    assertThat(JSON.readTree(send(cairn, "GET", "/v1/kv/app/db/url", null).body()).get(0).path("ModifyIndex").asLong())
        .as("a second run rewrites nothing").isEqualTo(kvIndex);
  }

  @Test
  void anUnreachableSourceIsOneLineAndExitOne() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
        "migrate", "-from", "127.0.0.1:1", "-http-addr", cairn.uri("").toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("Error:").doesNotContain("\n");
  }
}
