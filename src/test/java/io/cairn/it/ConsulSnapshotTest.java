package io.cairn.it;

import static io.cairn.it.ConsulSnapshotFixture.struct;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving from Consul in one step: a snapshot in Consul's format (written by the test from the
 * documented layout, {@link ConsulSnapshotFixture}) restored into a running agent through
 * {@code PUT /v1/snapshot}, as {@code consul snapshot restore} and {@code cairn snapshot restore}
 * send it; and corrupt ones refused before anything changes.
 */
class ConsulSnapshotTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SESSION = "adf4238a-882b-9ddc-4a9d-5b6758e4159e";
  private static final String QUERY = "8f246b77-f3e1-ff88-5b48-8ec93abf3e05";
  private static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
    return agent.upload(method, path, body);
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> r = send("GET", path, null);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }

  /** What a small Consul cluster holds: a database node and its service, a Consul server, KV, a lock, a query. */
  static ConsulSnapshotFixture consulState() {
    var f = new ConsulSnapshotFixture(120);
    var node = struct("Datacenter", "dc1", "ID", "6a1b2c3d-0000-4000-8000-000000000001", "Node", "db-1",
        "Address", "10.1.0.5", "TaggedAddresses", struct("lan", "10.1.0.5", "wan", "198.51.100.5"),
        "NodeMeta", struct("rack", "r1"), "Service", null, "Check", null, "SkipNodeUpdate", false);
    f.record(0, node);
    var withService = new java.util.LinkedHashMap<>(node);
    withService.put("Service", struct("Kind", "", "ID", "mysql-1", "Service", "mysql", "Tags", List.of("primary", "v8"),
        "Address", "10.1.0.5", "Meta", struct("version", "8.0"), "Port", 3306L,
        "Weights", struct("Passing", 3L, "Warning", 1L), "EnableTagOverride", false, "CreateIndex", 15L, "ModifyIndex", 15L));
    f.record(0, withService);
    var serf = new java.util.LinkedHashMap<>(node);
    serf.put("Check", struct("Node", "db-1", "CheckID", "serfHealth", "Name", "Serf Health Status", "Status", "passing",
        "Notes", "", "Output", "Agent alive and reachable", "ServiceID", "", "ServiceName", "", "ServiceTags", List.of(),
        "Type", "", "Definition", struct(), "CreateIndex", 12L, "ModifyIndex", 12L));
    f.record(0, serf);
    var tcp = new java.util.LinkedHashMap<>(node);
    tcp.put("Check", struct("Node", "db-1", "CheckID", "mysql-tcp", "Name", "MySQL port", "Status", "critical",
        "Notes", "", "Output", "dial tcp: connection refused", "ServiceID", "mysql-1", "ServiceName", "mysql",
        "ServiceTags", List.of("primary", "v8"), "Type", "tcp",
        "Definition", struct("TCP", "10.1.0.5:3306", "Interval", 10_000_000_000L, "Timeout", 1_000_000_000L),
        "CreateIndex", 16L, "ModifyIndex", 30L));
    f.record(0, tcp);
    // A Consul server: its node comes over, its "consul" service does not.
    var server = struct("Datacenter", "dc1", "ID", "6a1b2c3d-0000-4000-8000-000000000002", "Node", "consul-1",
        "Address", "10.1.0.2", "TaggedAddresses", struct(), "NodeMeta", struct(), "Service", null, "Check", null);
    f.record(0, server);
    var consulService = new java.util.LinkedHashMap<>(server);
    consulService.put("Service", struct("ID", "consul", "Service", "consul", "Tags", List.of(), "Port", 8300L));
    f.record(0, consulService);
    f.record(6, List.of(struct("Node", "db-1", "Segment", "", "Coord",
        struct("Vec", List.of(0.1, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), "Error", 1.5, "Adjustment", 0.0, "Height", 1.0e-5))));
    f.record(3, struct("ID", SESSION, "Name", "db-lock", "Node", "db-1", "NodeChecks", List.of("serfHealth"),
        "ServiceChecks", null, "LockDelay", 15_000_000_000L, "Behavior", "release", "TTL", "",
        "CreateIndex", 40L, "ModifyIndex", 40L));
    f.record(17, struct("AccessorID", "a1", "SecretID", "s1", "Description", "ops",
        "CreateTime", new ConsulSnapshotFixture.Ext(-1, new byte[12])));
    f.record(2, struct("LockIndex", 0L, "Key", "app/config", "Flags", 42L, "Value", "max_conn=100".getBytes(StandardCharsets.UTF_8),
        "Session", "", "CreateIndex", 50L, "ModifyIndex", 60L));
    f.record(2, struct("LockIndex", 1L, "Key", "app/leader", "Flags", 0L, "Value", "db-1".getBytes(StandardCharsets.UTF_8),
        "Session", SESSION, "CreateIndex", 70L, "ModifyIndex", 70L));
    f.record(5, struct("Key", "app/retired", "CreateIndex", 0L, "ModifyIndex", 80L));
    f.record(7, struct("ID", QUERY, "Name", "db", "Session", "", "Token", "",
        "Template", struct("Type", "", "Regexp", "", "RemoveEmptyTags", false),
        "Service", struct("Service", "mysql", "Failover", struct("NearestN", 0L, "Datacenters", List.of()),
            "OnlyPassing", true, "IgnoreCheckIDs", List.of(), "Near", "", "Tags", List.of("primary"), "NodeMeta", struct(),
            "ServiceMeta", struct()),
        "DNS", struct("TTL", "10s"), "CreateIndex", 90L, "ModifyIndex", 90L));
    f.record(9, struct("CleanupDeadServers", true, "LastContactThreshold", 500_000_000L, "MaxTrailingLogs", 300L,
        "MinQuorum", 3L, "ServerStabilizationTime", 20_000_000_000L, "RedundancyZoneTag", "", "DisableUpgradeMigration", false,
        "UpgradeVersionTag", "", "CreateIndex", 5L, "ModifyIndex", 5L));
    f.record(16, struct("Key", "kvs", "Value", 80L));
    return f;
  }

  @Test
  void aConsulSnapshotRestoresItsKvCatalogSessionsAndQueriesAndSaysWhatItLeftOut() throws Exception {
    HttpResponse<String> r = send("PUT", "/v1/snapshot", consulState().archive());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode report = JSON.readTree(r.body());
    assertThat(report.path("Imported").path("kv").asInt()).isEqualTo(2);
    assertThat(report.path("Imported").path("services").asInt()).isEqualTo(1);
    assertThat(report.path("Imported").path("checks").asInt()).isEqualTo(2);
    assertThat(report.path("Imported").path("locks released").asInt()).isEqualTo(1);
    assertThat(report.path("NotImported").path("ACLToken").asText()).startsWith("1: ").contains("ACL");
    assertThat(report.path("NotImported").path("CoordinateBatchUpdate").asText()).startsWith("1: ");
    assertThat(report.path("NotImported").path("Index").asText()).startsWith("1: ");
    assertThat(report.path("NotImported").path("consul service").asText()).startsWith("1: ");

    assertThat(get("/v1/kv/app/config?raw")).isEqualTo("max_conn=100");
    JsonNode config = JSON.readTree(get("/v1/kv/app/config")).get(0);
    assertThat(config.path("Flags").asLong()).isEqualTo(42);
    JsonNode leader = JSON.readTree(get("/v1/kv/app/leader")).get(0);
    assertThat(leader.has("Session")).as("a lock of the old cluster comes in free: %s", leader).isFalse();
    assertThat(new String(java.util.Base64.getDecoder().decode(leader.path("Value").asText()), StandardCharsets.UTF_8)).isEqualTo("db-1");

    JsonNode mysql = JSON.readTree(get("/v1/catalog/service/mysql")).get(0);
    assertThat(mysql.path("Node").asText()).isEqualTo("db-1");
    assertThat(mysql.path("Address").asText()).isEqualTo("10.1.0.5");
    assertThat(mysql.path("NodeMeta").path("rack").asText()).isEqualTo("r1");
    assertThat(mysql.path("TaggedAddresses").path("wan").asText()).isEqualTo("198.51.100.5");
    assertThat(mysql.path("ServicePort").asInt()).isEqualTo(3306);
    assertThat(mysql.path("ServiceTags")).extracting(JsonNode::asText).containsExactly("primary", "v8");
    assertThat(mysql.path("ServiceMeta").path("version").asText()).isEqualTo("8.0");
    assertThat(mysql.path("ServiceWeights").path("Passing").asInt()).isEqualTo(3);
    JsonNode checks = JSON.readTree(get("/v1/health/checks/mysql"));
    assertThat(checks).singleElement().satisfies(c -> {
      assertThat(c.path("CheckID").asText()).isEqualTo("mysql-tcp");
      assertThat(c.path("Status").asText()).isEqualTo("critical");
      assertThat(c.path("ServiceName").asText()).isEqualTo("mysql");
      assertThat(c.path("Definition").path("Interval").asText()).isEqualTo("10s");
    });
    assertThat(JSON.readTree(get("/v1/health/service/mysql?passing"))).as("critical: not handed out").isEmpty();
    assertThat(get("/v1/catalog/nodes")).contains("\"consul-1\"");
    assertThat(JSON.readTree(get("/v1/catalog/service/consul")).toString()).doesNotContain("consul-1");

    JsonNode session = JSON.readTree(get("/v1/session/info/" + SESSION)).get(0);
    assertThat(session.path("Name").asText()).isEqualTo("db-lock");
    assertThat(session.path("LockDelay").asLong()).isEqualTo(15_000_000_000L);
    JsonNode query = JSON.readTree(get("/v1/query/" + QUERY)).get(0);
    assertThat(query.path("Name").asText()).isEqualTo("db");
    assertThat(query.path("Service").path("OnlyPassing").asBoolean()).isTrue();
    JsonNode autopilot = JSON.readTree(get("/v1/operator/autopilot/configuration"));
    assertThat(autopilot.path("ServerStabilizationTime").asText()).isEqualTo("20s");
    assertThat(autopilot.path("MinQuorum").asInt()).isEqualTo(3);
  }

  @Test
  void aCorruptOrTruncatedConsulSnapshotIsRefusedAndChangesNothing() throws Exception {
    assertThat(send("PUT", "/v1/kv/guard", "before".getBytes(StandardCharsets.UTF_8)).body()).isEqualTo("true");
    ConsulSnapshotFixture good = consulState();
    byte[] meta = "{\"Version\":1,\"Index\":120}".getBytes(StandardCharsets.UTF_8);
    byte[] state = good.stateBin();
    byte[] altered = state.clone();
    altered[altered.length / 2] ^= 0x01;
    String sums = ConsulSnapshotFixture.sha(meta) + "  meta.json\n" + ConsulSnapshotFixture.sha(state) + "  state.bin\n";
    byte[] whole = good.archive();
    byte[] garbled = new ConsulSnapshotFixture(1).raw(0x02, 0xc1).stateBin();

    List<Object[]> cases = List.of(
        new Object[] {"a changed byte", ConsulSnapshotFixture.archive(meta, altered, sums), "checksum mismatch for state.bin"},
        new Object[] {"no SHA256SUMS", ConsulSnapshotFixture.archive(meta, state, ""), "SHA256SUMS missing"},
        new Object[] {"cut short", Arrays.copyOf(whole, whole.length / 2), ""},
        new Object[] {"not MessagePack", ConsulSnapshotFixture.archive(meta, garbled, null), "starts no MessagePack value"});
    for (Object[] c : cases) {
      HttpResponse<String> r = send("PUT", "/v1/snapshot", (byte[]) c[1]);
      assertThat(r.statusCode()).as("%s: %s", c[0], r.body()).isEqualTo(400);
      assertThat(r.body()).as((String) c[0]).contains((String) c[2]);
      assertThat(get("/v1/kv/guard?raw")).as("after %s, the state is unchanged", c[0]).isEqualTo("before");
    }
  }

  @Test
  void inspectShowsWhatEitherKindOfSnapshotHoldsWithoutAnAgent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path consulFile = dir.resolve("consul.snap");
    java.nio.file.Files.write(consulFile, consulState().archive());
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    int code = io.cairn.cli.Main.run(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), "snapshot", "inspect", consulFile.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text).contains("2-120-1733390000000").containsPattern("Index\\s+120").containsPattern("Register\\s+6 ")
        .containsPattern("KVS\\s+2 ").containsPattern("ACLToken\\s+1 ").contains("Total");

    java.nio.file.Path cairnFile = dir.resolve("cairn.snap");
    HttpResponse<byte[]> saved = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(agent.uri("/v1/snapshot")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    java.nio.file.Files.write(cairnFile, saved.body());
    out.reset();
    code = io.cairn.cli.Main.run(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), "snapshot", "inspect", cairnFile.toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("cairn-snapshot/1").containsPattern("kv\\s+\\d+").containsPattern("nodes\\s+\\d+");

    java.nio.file.Path junk = dir.resolve("junk.snap");
    java.nio.file.Files.writeString(junk, "not a snapshot");
    err.reset();
    code = io.cairn.cli.Main.run(new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), "snapshot", "inspect", junk.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("Error:").contains("gzip").doesNotContain("\n");
  }
}
