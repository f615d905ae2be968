package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cairn.agent.Agent;
import io.cairn.agent.ConfigBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real dev agent started in this JVM on a free port. */
class CliTest {
  private static final String NODE = "cli-test-node";
  private static final String DC = "cli-dc";
  private static Agent agent;
  private static String httpAddr;

  @TempDir Path dir;

  @BeforeAll
  static void startAgent() throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = freePort();
    b.dnsPort = 0;
    b.nodeName = NODE;
    b.datacenter = DC;
    agent = Agent.start(b.build(), () -> {});
    // Without a scheme on purpose: host:port must be accepted as http.
    httpAddr = "127.0.0.1:" + agent.httpAddress().getPort();
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) agent.close();
  }

  /** What one command line printed and returned. */
  record Run(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run cairn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A client command against the test agent. */
  private static Run client(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("-http-addr");
    all.add(httpAddr);
    return cairn(all.toArray(String[]::new));
  }

  private static void assertOk(Run r) {
    assertThat(r.err()).as("stderr").isEmpty();
    assertThat(r.exit()).as("exit code").isZero();
  }

  private static void assertSingleErrorLine(Run r, String prefix) {
    assertThat(r.exit()).as("exit code").isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0)).startsWith(prefix);
  }

  private static long modifyIndex(String key) {
    Run r = client("kv", "get", "-detailed", key);
    assertOk(r);
    String line = r.outLines().stream().filter(l -> l.startsWith("ModifyIndex")).findFirst().orElseThrow();
    return Long.parseLong(line.substring("ModifyIndex".length()).strip());
  }

  @Test
  void kvPutGetDeleteRoundTripsAKeyWithSlashesAndOddCharacters() {
    String key = "app/config/db url?x=1#frag";
    Run put = client("kv", "put", key, "postgres://db:5432");
    assertOk(put);
    assertThat(put.out()).isEqualTo("Success! Data written to: " + key + "\n");

    Run get = client("kv", "get", key);
    assertOk(get);
    assertThat(get.out()).isEqualTo("postgres://db:5432\n");
    assertThat(client("kv", "get", "app/config").exit()).as("a prefix is not a key").isEqualTo(1);

    Run delete = client("kv", "delete", key);
    assertOk(delete);
    assertThat(delete.out()).isEqualTo("Success! Deleted key: " + key + "\n");
    Run gone = client("kv", "get", key);
    assertSingleErrorLine(gone, "Error! ");
    assertThat(gone.err()).as("consul's line, which scripts match on").isEqualTo("Error! No key exists at: " + key + "\n");
  }

  @Test
  void kvPutReadsTheValueFromAFileAndStoresFlags() throws IOException {
    Path file = dir.resolve("value.txt");
    Files.writeString(file, "from a file");
    assertOk(client("kv", "put", "-flags=42", "files/one", "@" + file));

    Run detailed = client("kv", "get", "-detailed", "files/one");
    assertOk(detailed);
    assertThat(detailed.outLines()).contains("Flags            42", "Key              files/one",
        "Session          -", "Value            from a file");
  }

  @Test
  void flagsAreParsedAsGoParsesThem() {
    // A value that starts with a dash is a value once the flags have ended.
    assertOk(cairn("kv", "put", "-http-addr=" + httpAddr, "go/neg", "-5"));
    assertThat(client("kv", "get", "go/neg").out()).isEqualTo("-5\n");
    // Go's flag package takes --flag as -flag.
    assertOk(cairn("kv", "put", "--http-addr=" + httpAddr, "--flags=44", "go/dash", "v"));
    assertThat(client("kv", "get", "-detailed", "go/dash").outLines()).contains("Flags            44");
    // A flags value above 2^63 is a uint64; a negative one is refused, as Go's uint64 flag refuses it.
    assertOk(client("kv", "put", "-flags=18446744073709551615", "go/max", "v"));
    assertThat(client("kv", "get", "-detailed", "go/max").outLines()).contains("Flags            18446744073709551615");
    assertSingleErrorLine(client("kv", "put", "-flags=-1", "go/bad", "v"), "Error: invalid value \"-1\" for flag -flags");
    assertSingleErrorLine(client("kv", "put", "-base64", "go/bad", "!!!notb64"), "Error: Cannot base 64 decode data");
    assertThat(client("kv", "get", "go/bad").exit()).as("nothing written").isEqualTo(1);
    Run version = cairn("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("Cairn v");
  }

  @Test
  void kvExportIsLaidOutAsGoIndentsItAndFlagsAboveTwoToTheSixtyThreeRoundTrip() throws IOException {
    assertThat(client("kv", "export", "nothing-here/").out()).isEqualTo("[]\n");
    assertOk(client("kv", "put", "-flags=18446744073709551615", "exp/a", "x"));
    Run export = client("kv", "export", "exp/");
    assertThat(export.out()).isEqualTo("[\n\t{\n\t\t\"key\": \"exp/a\",\n\t\t\"flags\": 18446744073709551615,\n\t\t\"value\": \"eA==\"\n\t}\n]\n");
    Path file = dir.resolve("export.json");
    Files.writeString(file, export.out().replace("exp/a", "exp/b"));
    assertOk(client("kv", "import", "@" + file));
    assertThat(client("kv", "get", "-detailed", "exp/b").outLines()).contains("Flags            18446744073709551615");
  }

  @Test
  void casWriteSucceedsAtTheCurrentIndexAndFailsOnAStaleOne() {
    assertOk(client("kv", "put", "cas/key", "v1"));
    long index = modifyIndex("cas/key");

    Run first = client("kv", "put", "-cas", "-modify-index=" + index, "cas/key", "v2");
    assertOk(first);
    assertThat(first.out()).isEqualTo("Success! Data written to: cas/key\n");

    Run stale = client("kv", "put", "-cas", "-modify-index=" + index, "cas/key", "v3");
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.out()).isEmpty();
    assertThat(stale.errLines()).containsExactly("Error! Did not write to cas/key: CAS failed");
    assertThat(client("kv", "get", "cas/key").out()).isEqualTo("v2\n");
  }

  @Test
  void casDeleteRemovesTheKeyOnlyAtItsCurrentIndex() {
    assertOk(client("kv", "put", "casdel/key", "v"));
    long index = modifyIndex("casdel/key");

    Run stale = client("kv", "delete", "-cas", "-modify-index=" + (index - 1), "casdel/key");
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.errLines()).containsExactly("Error! Did not delete key casdel/key: CAS failed");

    assertOk(client("kv", "delete", "-cas", "-modify-index=" + index, "casdel/key"));
    assertThat(client("kv", "get", "casdel/key").exit()).isEqualTo(1);
  }

  @Test
  void casWithoutModifyIndexIsRefused() {
    Run r = client("kv", "put", "-cas", "cas/none", "v");
    assertSingleErrorLine(r, "Must specify -modify-index with -cas!");  // consul's line, without a prefix
  }

  @Test
  void recurseAndKeysListWhatIsUnderAPrefix() {
    assertOk(client("kv", "put", "tree/a", "1"));
    assertOk(client("kv", "put", "tree/b/c", "2"));
    assertOk(client("kv", "put", "tree/b/d", "3"));

    Run recurse = client("kv", "get", "-recurse", "tree/");
    assertOk(recurse);
    assertThat(recurse.outLines()).containsExactly("tree/a:1", "tree/b/c:2", "tree/b/d:3");

    Run keys = client("kv", "get", "-keys", "tree/");
    assertOk(keys);
    assertThat(keys.outLines()).containsExactly("tree/a", "tree/b/");

    Run allKeys = client("kv", "get", "-keys", "-separator=", "tree/");
    assertThat(allKeys.outLines()).containsExactly("tree/a", "tree/b/c", "tree/b/d");

    Run deleted = client("kv", "delete", "-recurse", "tree/b/");
    assertOk(deleted);
    assertThat(deleted.out()).isEqualTo("Success! Deleted keys with prefix: tree/b/\n");
    assertThat(client("kv", "get", "-recurse", "tree/").outLines()).containsExactly("tree/a:1");
  }

  @Test
  void anHclServiceRegisteredThroughTheCliAppearsInTheCatalog() throws IOException {
    Path file = dir.resolve("web.hcl");
    Files.writeString(file, """
        service {
          name = "web"
          id   = "web-1"
          port = 8080
          tags = ["v1", "primary"]
        }
        """);
    Run register = client("services", "register", file.toString());
    assertOk(register);
    assertThat(register.out()).isEqualTo("Registered service: web\n");

    // The agent syncs its services to the catalog in the background.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client("catalog", "services").outLines()).contains("web"));
    Run tags = client("catalog", "services", "-tags");
    assertOk(tags);
    assertThat(tags.outLines()).anySatisfy(l -> assertThat(l).matches("web\\s+primary,v1"));

    Run deregister = client("services", "deregister", "web-1");
    assertOk(deregister);
    assertThat(deregister.out()).isEqualTo("Deregistered service: web-1\n");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client("catalog", "services").outLines()).doesNotContain("web"));
  }

  @Test
  void aServiceRegisteredFromFlagsIsDeregisteredByItsJsonFile() throws IOException {
    Run register = client("services", "register", "-name", "api", "-id", "api-1", "-port", "9000", "-tag", "a", "-tag", "b");
    assertOk(register);
    assertThat(register.out()).isEqualTo("Registered service: api\n");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client("catalog", "services", "-tags").outLines()).anySatisfy(l -> assertThat(l).matches("api\\s+a,b")));

    Path file = dir.resolve("api.json");
    Files.writeString(file, "{\"service\": {\"name\": \"api\", \"id\": \"api-1\"}}");
    Run deregister = client("services", "deregister", file.toString());
    assertOk(deregister);
    assertThat(deregister.out()).isEqualTo("Deregistered service: api-1\n");
  }

  @Test
  void catalogListsTheAgentsNodeAndDatacenter() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Run nodes = client("catalog", "nodes");
      assertOk(nodes);
      assertThat(nodes.outLines().get(0)).matches("Node\\s+ID\\s+Address\\s+DC");
      assertThat(nodes.outLines()).anySatisfy(l -> assertThat(l).startsWith(NODE).contains("127.0.0.1").endsWith(DC));
    });
    Run filtered = client("catalog", "nodes", "-filter", "Node == \"" + NODE + "\"");
    assertOk(filtered);
    assertThat(filtered.outLines()).hasSize(2);
    Run none = client("catalog", "nodes", "-filter", "Meta.rack == nowhere");
    assertThat(none.exit()).isZero();
    assertThat(none.err()).contains("No nodes match the given query");
    Run bad = client("catalog", "nodes", "-filter", "Nod == x");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("Selector \"Nod\" is not valid");
    Run dcs = client("catalog", "datacenters");
    assertOk(dcs);
    assertThat(dcs.outLines()).containsExactly(DC);
  }

  /** The archive holds the agent, its members, each interval's metrics and thread dump, the log and an index; tar reads it. */
  @Test
  void debugWritesAnArchiveTarReads(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("bundle");
    Run r = client("debug", "-duration", "1s", "-interval", "1s", "-output", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Saved debug archive: " + out + ".tar.gz");
    Process tar = new ProcessBuilder("tar", "tzf", out + ".tar.gz").redirectErrorStream(true).start();
    List<String> entries = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(tar.waitFor()).isZero();
    assertThat(entries).contains("bundle/agent.json", "bundle/members.json", "bundle/index.json")
        .anyMatch(e -> e.endsWith("/metrics.json")).anyMatch(e -> e.endsWith("/threads.txt"));
    assertThat(out).doesNotExist();
    assertSingleErrorLine(client("debug", "-duration", "1s", "-interval", "0s"), "Error: -interval must be at least 1s");
    assertSingleErrorLine(client("debug", "-capture", "heap"), "Error: Unknown -capture target \"heap\"");
  }

  @Test
  void membersShowsTheNodeAliveAsAServer() {
    Run r = client("members");
    assertOk(r);
    assertThat(r.outLines().get(0)).matches("Node\\s+Address\\s+Status\\s+Type\\s+Build\\s+Protocol\\s+DC");
    assertThat(r.outLines()).hasSize(2);
    assertThat(r.outLines().get(1).split("\\s+")).containsExactly(NODE, "127.0.0.1:" + 8301, "alive", "server",
        Agent.VERSION, "2", DC);
    Run detailed = client("members", "-detailed", "-status=^alive$");
    assertOk(detailed);
    assertThat(detailed.outLines().get(0)).matches("Node\\s+Address\\s+Status\\s+Tags");
    assertThat(detailed.outLines().get(1)).contains("alive").contains("dc=" + DC).contains("role=consul");
    assertThat(client("members", "-status=failed").exit()).as("none matches: consul exits 2").isEqualTo(2);
  }

  @Test
  void infoShowsSectionsWithTheDatacenter() {
    Run r = client("info");
    assertOk(r);
    assertThat(r.outLines()).contains("agent:", "consul:", "\tdatacenter = " + DC, "\tnode_name = " + NODE);
    assertThat(r.outLines()).allSatisfy(l -> assertThat(l).matches("[a-z_]+:|\t\\S+ = .*"));
  }

  @Test
  void reloadIsAcknowledged() {
    Run r = client("reload");
    assertOk(r);
    assertThat(r.out()).isEqualTo("Configuration reload triggered\n");
  }

  @Test
  void anUnreachableAgentGivesExitOneAndASingleErrorLine() throws IOException {
    Run r = cairn("members", "-http-addr", "127.0.0.1:" + freePort());
    assertSingleErrorLine(r, "Error: ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anHttpErrorReportsTheStatusAndTheAgentsReason() {
    Run r = client("catalog", "nodes", "-datacenter", "nowhere");
    assertSingleErrorLine(r, "Error: ");
    assertThat(r.err()).contains("500").contains("No path to datacenter");
  }

  @Test
  void aMissingSubcommandIsAUsageError() {
    assertThat(cairn("kv").exit()).isEqualTo(1);
  }

  @Test
  void tokenAndDatacenterAreSentWithEveryRequest() throws IOException {
    AtomicReference<String> token = new AtomicReference<>();
    AtomicReference<URI> uri = new AtomicReference<>();
    HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", ex -> {
      token.set(ex.getRequestHeaders().getFirst("X-Consul-Token"));
      uri.set(ex.getRequestURI());
      byte[] body = "[\"dc9\"]".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    stub.start();
    try {
      Run r = cairn("catalog", "datacenters", "-token", "s3cret", "-datacenter", "dc9",
          "-http-addr", "http://127.0.0.1:" + stub.getAddress().getPort());
      assertOk(r);
      assertThat(token.get()).isEqualTo("s3cret");
      assertThat(uri.get().getPath()).isEqualTo("/v1/catalog/datacenters");
      assertThat(uri.get().getQuery()).isEqualTo("dc=dc9");
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, "from-a-file\n");
      assertOk(cairn("catalog", "datacenters", "-token-file", tokenFile.toString(), "-stale",
          "-http-addr", "http://127.0.0.1:" + stub.getAddress().getPort()));
      assertThat(token.get()).isEqualTo("from-a-file");
      assertThat(uri.get().getQuery()).isEqualTo("stale=");
    } finally {
      stub.stop(0);
    }
  }

  @Test
  void theAgentAddressComesFromTheFlagThenCairnThenConsulEnvironment() {
    Map<String, String> env = Map.of("CAIRN_HTTP_ADDR", "cairn:1", "CONSUL_HTTP_ADDR", "consul:2");
    assertThat(ApiOptions.agentAddress("flag:3", env)).hasToString("http://flag:3");
    assertThat(ApiOptions.agentAddress(null, env)).hasToString("http://cairn:1");
    assertThat(ApiOptions.agentAddress(null, Map.of("CONSUL_HTTP_ADDR", "https://consul:2/"))).hasToString("https://consul:2");
    assertThat(ApiOptions.agentAddress(null, Map.of())).hasToString("http://127.0.0.1:8500");
    assertThat(ApiOptions.agentAddress("consul:2", Map.of("CONSUL_HTTP_SSL", "true"))).hasToString("https://consul:2");
  }

  @Test
  void keyPathsAreEncodedPerSegmentKeepingSlashes() {
    assertThat(ApiClient.encodePath("a b/c?d/é/")).isEqualTo("a%20b/c%3Fd/%C3%A9/");
  }

  @Test
  void validateLoadsAConsulConfigDirAndPrintsEachWarningOnce() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("consul.d"));
    Files.writeString(conf.resolve("10-server.hcl"), "server = true\nbootstrap = true\ndata_dir = \""
        + dir.resolve("data") + "\"\ntelemetry { prometheus_retention_time = \"24h\" }\n");
    Files.writeString(conf.resolve("20-ports.json"),
        "{\"ports\": {\"grpc\": 8502, \"grpc_tls\": 8503}, \"telemetry\": {\"prometheus_retention_time\": \"1h\"}}");
    Run r = cairn("validate", conf.toString());
    assertThat(r.exit()).as("exit code").isZero();
    assertThat(r.out()).isEqualTo("Configuration is valid!\n");
    assertThat(r.errLines()).map(l -> l.replaceAll(" has no effect in Cairn.*", "")).containsExactly(
        "config key 'telemetry.prometheus_retention_time'", "config key 'ports.grpc'", "config key 'ports.grpc_tls'");
    assertThat(dir.resolve("data")).as("validate starts nothing and writes nothing").doesNotExist();

    Run quiet = cairn("validate", "-quiet", conf.resolve("10-server.hcl").toString(), conf.resolve("20-ports.json").toString());
    assertOk(quiet);
    assertThat(quiet.out()).isEmpty();
  }

  @Test
  void validateRefusesAConfigAsTheAgentWouldInOneLine() throws IOException {
    Path hardened = dir.resolve("secure.json");
    Files.writeString(hardened, "{\"server\": true, \"bootstrap\": true, \"data_dir\": \"/opt/consul\", "
        + "\"acl\": {\"enabled\": true, \"default_policy\": \"deny\"}, \"verify_incoming\": true}");
    for (String[] args : new String[][] {{"validate", hardened.toString()}, {"validate", "-quiet", hardened.toString()}}) {
      Run r = cairn(args);
      assertSingleErrorLine(r, "Config validation failed: " + hardened + ": refusing config key 'acl.enabled': ");
      assertThat(r.err()).contains("also refused: 'verify_incoming'");
      assertThat(r.out()).isEmpty();
    }
    // A client told of no server is valid, as in Consul: it waits for 'cairn join'.
    Path client = dir.resolve("client.hcl");
    Files.writeString(client, "datacenter = \"dc1\"\n");
    Run lone = cairn("validate", client.toString());
    assertThat(lone.exit()).isZero();
    assertThat(lone.out()).contains("Configuration is valid!");
    Path typo = dir.resolve("typo.hcl");
    Files.writeString(typo, "server = true\nbootstrap = true\ntelemetry { prometheus_retention = \"1h\" }\n");
    assertSingleErrorLine(cairn("validate", typo.toString()),
        "Config validation failed: " + typo + ": unknown config key 'telemetry.prometheus_retention'");
  }

  @Test
  void validateNeedsAPathThatExists() {
    assertSingleErrorLine(cairn("validate"), "Must specify at least one config file or directory");
    Run missing = cairn("validate", dir.resolve("missing.hcl").toString());
    assertSingleErrorLine(missing, "Config validation failed: ");
    assertThat(missing.err()).contains("missing.hcl");
  }

  @Test
  void validateReadsFilesWithoutAnExtensionInTheFormatGiven() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("formatted"));
    Files.writeString(conf.resolve("agent.conf"), "datacenter = \"east\"\nnode_name = \"n1\"\n");
    assertOk(cairn("validate", "-config-format=hcl", conf.toString()));
    assertThat(cairn("validate", "-config-format=json", conf.toString()).exit()).as("HCL read as JSON").isEqualTo(1);
    assertSingleErrorLine(cairn("validate", "-config-format=yaml", conf.toString()),
        "Config validation failed: -config-format must be either 'hcl' or 'json'");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String httpGet(String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + httpAddr + path))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void eventFiresWithItsPayloadAndFiltersAndTheAgentListsItWhenTheFiltersMatchIt() throws Exception {
    assertOk(client("services", "register", "-name", "evsvc", "-id", "evsvc-1", "-tag", "blue", "-port", "9002"));
    Run fired = client("event", "-name", "deploy-ev", "-node", "^" + NODE + "$", "-service", "^evsvc$", "-tag", "^blue$", "v42");
    assertOk(fired);
    assertThat(fired.out()).matches("Event ID: [0-9a-f-]{36}\n");
    String id = fired.out().strip().substring("Event ID: ".length());
    String listed = httpGet("/v1/event/list?name=deploy-ev");
    assertThat(listed).contains("\"ID\":\"" + id + "\"", "\"NodeFilter\":\"^" + NODE + "$\"", "\"ServiceFilter\":\"^evsvc$\"",
        "\"TagFilter\":\"^blue$\"", "\"Payload\":\"" + java.util.Base64.getEncoder().encodeToString("v42".getBytes()) + "\"");

    // A filter that does not match this agent: the event is fired, but this agent does not list it.
    Run elsewhere = client("event", "-name", "deploy-ev", "-service", "^nosuchservice$");
    assertOk(elsewhere);
    String otherId = elsewhere.out().strip().substring("Event ID: ".length());
    assertThat(httpGet("/v1/event/list?name=deploy-ev")).contains(id).doesNotContain(otherId);
  }

  @Test
  void eventRefusesReservedNamesBadFiltersAndATagWithoutAService() {
    Run reserved = client("event", "-name", "_internal");
    assertSingleErrorLine(reserved, "Error: ");
    assertThat(reserved.err()).contains("_internal", "reserved");
    assertSingleErrorLine(client("event", "-name", "x", "-tag", "a"), "Error: Cannot provide tag filter without service filter.");
    assertSingleErrorLine(client("event", "-name", "x", "-node", "("), "Error: Failed to compile node filter regexp: ");
    assertSingleErrorLine(client("event"), "Error: Event name must be specified");
    assertSingleErrorLine(client("event", "-name", "x", "one", "two"), "Error: unexpected argument two");
  }

  @Test
  void maintTakesAServiceOutOfAnswersListsItAndPutsItBack() throws Exception {
    assertOk(client("services", "register", "-name", "mweb", "-id", "mweb-1", "-port", "9001"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(httpGet("/v1/health/service/mweb?passing")).contains("mweb-1"));
    Run on = client("maint", "-enable", "-service", "mweb-1", "-reason", "upgrading");
    assertOk(on);
    assertThat(on.out()).isEqualTo("Service maintenance is now enabled for \"mweb-1\"\n");
    assertThat(client("maint").out()).contains("Service:\n  ID:     mweb-1\n  Reason: upgrading\n\n");
    assertThat(httpGet("/v1/agent/checks")).contains("\"_service_maintenance:mweb-1\"");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(httpGet("/v1/health/service/mweb?passing")).isEqualTo("[]"));

    Run off = client("maint", "-disable", "-service", "mweb-1");
    assertOk(off);
    assertThat(off.out()).isEqualTo("Service maintenance is now disabled for \"mweb-1\"\n");
    assertThat(client("maint").out()).doesNotContain("mweb-1");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(httpGet("/v1/health/service/mweb?passing")).contains("mweb-1"));
  }

  @Test
  void nodeMaintenanceTakesEveryServiceOfTheNodeOutOfAnswersUntilDisabled() throws Exception {
    assertOk(client("services", "register", "-name", "nweb", "-id", "nweb-1", "-port", "9003"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(httpGet("/v1/health/service/nweb?passing")).contains("nweb-1"));
    try {
      Run on = client("maint", "-enable");
      assertOk(on);
      assertThat(on.out()).isEqualTo("Node maintenance is now enabled\n");
      assertThat(client("maint").out()).startsWith("Node:\n  Name:   " + NODE + "\n  Reason: Maintenance mode is enabled for this node");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(httpGet("/v1/health/service/nweb?passing")).isEqualTo("[]"));
    } finally {
      Run off = client("maint", "-disable");
      assertOk(off);
      assertThat(off.out()).isEqualTo("Node maintenance is now disabled\n");
    }
    assertThat(client("maint").out()).doesNotContain("Node:");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(httpGet("/v1/health/service/nweb?passing")).contains("nweb-1"));
  }

  @Test
  void maintRefusesConflictingFlagsAndAnUnknownService() {
    assertSingleErrorLine(client("maint", "-enable", "-disable"), "Error: Only one of -enable or -disable may be provided");
    assertSingleErrorLine(client("maint", "-reason", "x"), "Error: Reason may only be provided with -enable");
    assertSingleErrorLine(client("maint", "-service", "x"), "Error: Service requires either -enable or -disable");
    Run unknown = client("maint", "-enable", "-service", "no-such-service");
    assertSingleErrorLine(unknown, "Error: ");
    assertThat(unknown.err()).contains("no-such-service");
  }

  /** A new session on the test agent, by the HTTP API (the CLI has no session command). */
  private static String newSession() throws Exception {
    String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://" + httpAddr + "/v1/session/create")).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    String id = body.replaceAll("(?s).*\"ID\"\\s*:\\s*\"([^\"]+)\".*", "$1").strip();
    assertThat(id).as("session create answered %s", body).matches("[0-9a-f-]{36}");
    return id;
  }

  @Test
  void kvPutAcquiresAndReleasesWithASession() throws Exception {
    String session = newSession();
    String other = newSession();
    Run held = client("kv", "put", "-acquire", "-session", session, "locks/db", "me");
    assertOk(held);
    assertThat(held.out()).isEqualTo("Success! Lock acquired on: locks/db\n");
    assertThat(httpGet("/v1/kv/locks/db")).contains("\"Session\":\"" + session + "\"", "\"LockIndex\":1");

    Run taken = client("kv", "put", "-acquire", "-session", other, "locks/db", "them");
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.errLines()).containsExactly("Error! Did not acquire lock");
    Run notHolder = client("kv", "put", "-release", "-session", other, "locks/db");
    assertThat(notHolder.exit()).isEqualTo(1);
    assertThat(notHolder.errLines()).containsExactly("Error! Did not release lock");
    assertThat(client("kv", "get", "locks/db").out()).isEqualTo("me\n");

    Run released = client("kv", "put", "-release", "-session", session, "locks/db");
    assertOk(released);
    assertThat(released.out()).isEqualTo("Success! Lock released on: locks/db\n");
    assertThat(httpGet("/v1/kv/locks/db")).doesNotContain("\"Session\"");
    assertOk(client("kv", "put", "-acquire", "-session", other, "locks/db", "them"));
    assertThat(client("kv", "get", "locks/db").out()).isEqualTo("them\n");
  }

  @Test
  void kvPutSessionRulesAreConsuls() throws Exception {
    assertSingleErrorLine(client("kv", "put", "-acquire", "locks/rules"), "Error! Missing -session (required with -acquire and -release)");
    assertSingleErrorLine(client("kv", "put", "-release", "locks/rules"), "Error! Missing -session (required with -acquire and -release)");
    String session = newSession();
    assertSingleErrorLine(client("kv", "put", "-acquire", "-release", "-session", session, "locks/rules"), "Error: Cannot specify both");
    // Consul takes -session on a plain put and writes without a lock: so do we.
    Run plain = client("kv", "put", "-session", session, "locks/rules", "x");
    assertOk(plain);
    assertThat(plain.out()).isEqualTo("Success! Data written to: locks/rules\n");
    assertThat(httpGet("/v1/kv/locks/rules")).doesNotContain("\"Session\"");
  }

  @Test
  void kvGetDetailedIsConsulsAlignedTableAndRecurseDetailedSeparatesEntriesByABlankLine() throws Exception {
    String session = newSession();
    assertOk(client("kv", "put", "-acquire", "-session", session, "dt/locked", "held"));
    assertOk(client("kv", "put", "-flags", "7", "dt/plain", "p"));

    List<String> locked = client("kv", "get", "-detailed", "dt/locked").outLines();
    assertThat(locked).hasSize(7);
    assertThat(locked.get(0)).matches("CreateIndex      [1-9][0-9]*");
    assertThat(locked.subList(1, 4)).containsExactly("Flags            0", "Key              dt/locked", "LockIndex        1");
    assertThat(locked.get(4)).matches("ModifyIndex      [1-9][0-9]*");
    assertThat(locked.subList(5, 7)).containsExactly("Session          " + session, "Value            held");

    List<String> both = client("kv", "get", "-recurse", "-detailed", "dt/").outLines();
    assertThat(both).hasSize(15);
    assertThat(both.get(2)).isEqualTo("Key              dt/locked");
    assertThat(both.get(7)).isEmpty();
    assertThat(both.subList(9, 15)).contains("Flags            7", "Key              dt/plain", "Session          -");
    assertThat(both.get(14)).isEqualTo("Value            p");

    assertThat(client("kv", "get", "-detailed", "-base64", "dt/plain").outLines()).last().isEqualTo("Value            cA==");
    assertThat(client("kv", "get", "-recurse", "-base64", "dt/").outLines()).containsExactly("dt/locked:aGVsZA==", "dt/plain:cA==");
    assertThat(client("kv", "get", "-keys").outLines()).contains("dt/");
    assertThat(client("kv", "get", "-keys", "-separator", "l", "dt/").outLines()).containsExactly("dt/l", "dt/pl");
    assertThat(client("kv", "get", "/dt/plain").out()).as("a leading slash is dropped").isEqualTo("p\n");
    assertSingleErrorLine(client("kv", "get"), "Error! Missing KEY argument");
  }
}
