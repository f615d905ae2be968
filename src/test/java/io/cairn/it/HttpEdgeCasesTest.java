package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP API's edges as Consul draws them, spoken to directly with the JDK's client: index
 * headers, blocking semantics, flag spellings, errors and their status codes, path decoding.
 */
class HttpEdgeCasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_KV_VALUE = 512 * 1024;

  private static TestAgent agent;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  // --- small HTTP helpers: paths are given raw, exactly as they go on the wire ---

  private static HttpRequest request(String method, String rawPath, BodyPublisher body) {
    return HttpRequest.newBuilder(agent.uri(rawPath)).timeout(Duration.ofSeconds(30)).method(method, body).build();
  }

  private static HttpResponse<String> send(String method, String rawPath, String body) {
    BodyPublisher p = body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body);
    return send(request(method, rawPath, p));
  }

  private static HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get(String rawPath) {
    return send("GET", rawPath, null);
  }

  private static HttpResponse<String> put(String rawPath, String body) {
    return send("PUT", rawPath, body);
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long index(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow(
        () -> new AssertionError("no X-Consul-Index on " + r.request().method() + " " + r.uri())));
  }

  private static String kvValue(String rawKeyPath) {
    HttpResponse<String> r = get("/v1/kv/" + rawKeyPath + "?raw");
    assertThat(r.statusCode()).as("GET %s", rawKeyPath).isEqualTo(200);
    return r.body();
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  private static void assertPutOk(String rawPath, String body) {
    HttpResponse<String> r = put(rawPath, body);
    assertThat(r.statusCode()).as("PUT %s: %s", rawPath, r.body()).isEqualTo(200);
  }

  // --- index headers ---

  @Test
  void manyLargeValuesAtOnceAreSplitAcrossLogEntriesAndAllStored() throws Exception {
    // 24 values of the 512 KB limit, written at once, encode to ~16 MB: more than one Raft log
    // entry may hold. They must all be stored, and the server must go on accepting writes.
    String big = "b".repeat(512 * 1024 - 8);
    List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      int n = i;
      puts.add(TestAgent.async(() -> put("/v1/kv/large/" + n, big + n)));
    }
    for (int i = 0; i < 24; i++) {
      HttpResponse<String> r = puts.get(i).get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as("put large/%d: %s", i, r.body()).isEqualTo(200);
    }
    for (int i = 0; i < 24; i += 7) assertThat(get("/v1/kv/large/" + i + "?raw").body()).isEqualTo(big + i);
    assertPutOk("/v1/kv/large/after", "small");
  }

  @Test
  void aTransactionTooLargeForOneLogEntryIsRefusedWithAReason() {
    // 11 sets of 512 KB in one transaction (a 7.7 MB body, under the 8 MB the API reads): more
    // once encoded than one log entry holds.
    String value = Base64.getEncoder().encodeToString(new byte[512 * 1024 - 8]);
    StringBuilder ops = new StringBuilder("[");
    for (int i = 0; i < 11; i++) {
      if (i > 0) ops.append(',');
      ops.append("{\"KV\":{\"Verb\":\"set\",\"Key\":\"txbig/").append(i).append("\",\"Value\":\"").append(value).append("\"}}");
    }
    HttpResponse<String> r = put("/v1/txn", ops.append(']').toString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("write too large");
    assertThat(get("/v1/kv/txbig/0").statusCode()).isEqualTo(404);
    assertPutOk("/v1/kv/txbig/after", "small");
  }

  @Test
  void readsCarryAPositiveXConsulIndexEvenAKvMiss() {
    assertPutOk("/v1/kv/idx/present", "v");
    HttpResponse<String> miss = get("/v1/kv/idx/absent");
    assertThat(miss.statusCode()).isEqualTo(404);
    assertThat(index(miss)).isPositive();
    assertThat(miss.headers().firstValue("X-Consul-KnownLeader")).contains("true");

    for (String path : List.of("/v1/kv/idx/present", "/v1/kv/idx/?recurse", "/v1/kv/idx/?keys", "/v1/catalog/nodes",
        "/v1/catalog/services", "/v1/catalog/service/nothing", "/v1/catalog/node/" + TestAgent.NODE,
        "/v1/health/service/nothing", "/v1/health/checks/nothing", "/v1/health/state/any",
        "/v1/health/node/" + TestAgent.NODE)) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(index(r)).as(path).isPositive();
    }
  }

  // --- blocking queries ---

  @Test
  void blockingGetWithNoChangeReturnsAfterTheWaitWithTheSameIndex() {
    assertPutOk("/v1/kv/block/idle", "v1");
    long n = index(get("/v1/kv/block/idle"));

    long started = System.nanoTime();
    HttpResponse<String> r = get("/v1/kv/block/idle?index=" + n + "&wait=1s");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(index(r)).isEqualTo(n);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void blockingGetIsNotWokenByAWriteToAnotherKey() throws Exception {
    assertPutOk("/v1/kv/block/quiet", "v1");
    long n = index(get("/v1/kv/block/quiet"));

    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync(request("GET", "/v1/kv/block/quiet?index=" + n + "&wait=1s", BodyPublishers.noBody()),
            BodyHandlers.ofString());
    CompletableFuture<Void> write = TestAgent.later(Duration.ofMillis(300), () -> assertPutOk("/v1/kv/block/noisy", "x"));

    HttpResponse<String> r = blocked.get(10, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    write.get(10, TimeUnit.SECONDS);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(json(r).get(0).get("Key").asText()).isEqualTo("block/quiet");
  }

  @Test
  void blockingGetIsWokenByAWriteToItsKey() throws Exception {
    assertPutOk("/v1/kv/block/busy", "v1");
    long n = index(get("/v1/kv/block/busy"));

    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync(request("GET", "/v1/kv/block/busy?index=" + n + "&wait=20s", BodyPublishers.noBody()),
            BodyHandlers.ofString());
    TestAgent.later(Duration.ofMillis(300), () -> assertPutOk("/v1/kv/block/busy", "v2"));

    HttpResponse<String> r = blocked.get(10, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(index(r)).isGreaterThan(n);
    String value = new String(Base64.getDecoder().decode(json(r).get(0).get("Value").asText()), StandardCharsets.UTF_8);
    assertThat(value).isEqualTo("v2");
    assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void waitWithoutAUnitIsABadRequest() {
    assertPutOk("/v1/kv/params/k", "v");
    HttpResponse<String> r = get("/v1/kv/params/k?index=1&wait=10");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).containsIgnoringCase("wait");
  }

  @Test
  void nonNumericIndexIsABadRequest() {
    assertPutOk("/v1/kv/params/k", "v");
    HttpResponse<String> r = get("/v1/kv/params/k?index=abc");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).containsIgnoringCase("index");
  }

  // --- flag spellings ---

  @ParameterizedTest
  @ValueSource(strings = {"?recurse", "?recurse=", "?recurse=true"})
  void everySpellingOfRecurseRecurses(String query) {
    assertPutOk("/v1/kv/rec/a", "1");
    assertPutOk("/v1/kv/rec/b/c", "2");

    HttpResponse<String> r = get("/v1/kv/rec/" + query);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(texts(json(r), "Key")).containsExactly("rec/a", "rec/b/c");
  }

  // --- request bodies ---

  @Test
  void malformedJsonToServiceRegisterIsA400WithOneLineOfText() {
    for (String body : List.of("{\"Name\": \"bad-json\",\n  \"Port\": ", "{\"Name\": \"bad-json\" \"Port\": 1}", "not json")) {
      HttpResponse<String> r = put("/v1/agent/service/register", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
      assertThat(r.body().strip()).as(body).isNotEmpty().doesNotContain("\n");
      assertThat(r.body()).as(body).startsWith("Request decode failed");
    }
    assertThat(fieldNames(json(get("/v1/agent/services")))).doesNotContain("bad-json");
    assertThat(fieldNames(json(get("/v1/catalog/services")))).doesNotContain("bad-json");
  }

  @Test
  void fieldNamesInARegistrationAreCaseInsensitive() {
    assertPutOk("/v1/agent/service/register", "{\"name\":\"x\",\"check\":{\"ttl\":\"15s\"}}");

    JsonNode services = json(get("/v1/agent/services"));
    assertThat(fieldNames(services)).contains("x");
    assertThat(services.get("x").get("Service").asText()).isEqualTo("x");
    JsonNode check = json(get("/v1/agent/checks")).get("service:x");
    assertThat(check).isNotNull();
    assertThat(check.get("ServiceID").asText()).isEqualTo("x");
    assertThat(check.get("Type").asText()).isEqualTo("ttl");
    assertThat(check.get("Status").asText()).isEqualTo("critical");
    // And it is a real TTL check: passing it works.
    assertThat(put("/v1/agent/check/pass/service:x", null).statusCode()).isEqualTo(200);
    assertThat(json(get("/v1/agent/checks")).get("service:x").get("Status").asText()).isEqualTo("passing");
  }

  @Test
  void valueOverTheKvLimitIsA413AndLeavesTheKeyAlone() {
    assertPutOk("/v1/kv/big/k", "original");
    byte[] tooBig = new byte[MAX_KV_VALUE + 1];
    Arrays.fill(tooBig, (byte) 'a');

    HttpResponse<String> r = send(request("PUT", "/v1/kv/big/k", BodyPublishers.ofByteArray(tooBig)));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(kvValue("big/k")).isEqualTo("original");
  }

  @Test
  void valueOfExactlyTheKvLimitIsAccepted() {
    byte[] atLimit = new byte[MAX_KV_VALUE];
    Arrays.fill(atLimit, (byte) 'b');
    HttpResponse<String> r = send(request("PUT", "/v1/kv/big/exact", BodyPublishers.ofByteArray(atLimit)));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(kvValue("big/exact")).hasSize(MAX_KV_VALUE);
  }

  // --- methods ---

  @Test
  void getOnCheckPassWorksLikePutForLegacyClients() {
    assertPutOk("/v1/agent/check/register", "{\"ID\":\"legacy-ttl\",\"Name\":\"legacy\",\"TTL\":\"30s\"}");
    assertThat(json(get("/v1/agent/checks")).get("legacy-ttl").get("Status").asText()).isEqualTo("critical");

    HttpResponse<String> r = get("/v1/agent/check/pass/legacy-ttl?note=via%20get");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode check = json(get("/v1/agent/checks")).get("legacy-ttl");
    assertThat(check.get("Status").asText()).isEqualTo("passing");
    assertThat(check.get("Output").asText()).isEqualTo("via get");
  }

  @Test
  void wrongMethodIsA405() {
    assertThat(send("POST", "/v1/agent/self", "{}").statusCode()).isEqualTo(405);
    assertThat(send("DELETE", "/v1/agent/self", null).statusCode()).isEqualTo(405);
    assertThat(send("PUT", "/v1/catalog/nodes", "{}").statusCode()).isEqualTo(405);
    assertThat(send("PATCH", "/v1/kv/methods/k", "v").statusCode()).isEqualTo(405);
    assertThat(send("GET", "/v1/agent/service/register", null).statusCode()).isEqualTo(405);
  }

  @Test
  void postOnKvIsA405() {
    HttpResponse<String> r = send("POST", "/v1/kv/methods/posted", "v");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(get("/v1/kv/methods/posted").statusCode()).isEqualTo(404);
  }

  @Test
  void methodNotAllowedNamesTheAllowedMethods() {
    HttpResponse<String> r = send("POST", "/v1/agent/self", "{}");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));
  }

  @Test
  void optionsAnswersWithTheAllowedMethods() {
    HttpResponse<String> r = send("OPTIONS", "/v1/agent/self", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("OPTIONS").contains("GET"));
  }

  // --- paths ---

  @Test
  void percentEncodedSlashesInAKeyAreSlashes() {
    assertPutOk("/v1/kv/a%2Fb%2Fc", "encoded");

    HttpResponse<String> r = get("/v1/kv/a/b/c");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get(0).get("Key").asText()).isEqualTo("a/b/c");
    assertThat(kvValue("a%2Fb%2Fc")).isEqualTo("encoded");
    assertThat(texts(json(get("/v1/kv/a/?recurse")), "Key")).contains("a/b/c");
    assertThat(json(get("/v1/kv/a/b/?keys")).toString()).contains("\"a/b/c\"");
  }

  @Test
  void getOfTheEmptyKeyIsABadRequest() {
    HttpResponse<String> r = get("/v1/kv/");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Missing key name");
  }

  // --- datacenters ---

  @Test
  void theAgentsOwnDatacenterIsServed() {
    assertPutOk("/v1/kv/dc/k?dc=dc1", "v");
    assertThat(get("/v1/kv/dc/k?dc=dc1").statusCode()).isEqualTo(200);
    HttpResponse<String> nodes = get("/v1/catalog/nodes?dc=dc1");
    assertThat(nodes.statusCode()).isEqualTo(200);
    assertThat(texts(json(nodes), "Node")).contains(TestAgent.NODE);
    assertThat(get("/v1/health/service/consul?dc=dc1").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownDatacenterIsA500NoPathToDatacenter() {
    for (HttpResponse<String> r : List.of(get("/v1/catalog/nodes?dc=nope"), get("/v1/kv/dc/k?dc=nope"),
        put("/v1/kv/dc/k?dc=nope", "v"), get("/v1/health/service/x?dc=nope"))) {
      assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(500);
      assertThat(r.body()).as(r.uri().toString()).contains("No path to datacenter");
    }
  }

  // --- catalog ---

  @Test
  void catalogDeregisterOfANodeRemovesItsServicesAndChecks() {
    assertPutOk("/v1/catalog/register", """
        {"Node": "edge-ext", "Address": "5.6.7.8",
         "Service": {"ID": "edge-1", "Service": "edge-svc", "Port": 1234},
         "Checks": [{"CheckID": "edge-svc-check", "Name": "svc", "Status": "passing", "ServiceID": "edge-1"},
                    {"CheckID": "edge-node-check", "Name": "node", "Status": "passing"}]}
        """);
    assertThat(texts(json(get("/v1/catalog/service/edge-svc")), "ServiceID")).containsExactly("edge-1");
    assertThat(texts(json(get("/v1/health/node/edge-ext")), "CheckID")).containsExactlyInAnyOrder("edge-svc-check", "edge-node-check");
    assertThat(json(get("/v1/health/service/edge-svc?passing")).size()).isEqualTo(1);

    HttpResponse<String> r = put("/v1/catalog/deregister", "{\"Node\": \"edge-ext\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().strip()).isEqualTo("true");

    assertThat(get("/v1/catalog/node/edge-ext").body().strip()).isEqualTo("null");
    assertThat(texts(json(get("/v1/catalog/nodes")), "Node")).doesNotContain("edge-ext");
    assertThat(json(get("/v1/catalog/service/edge-svc"))).isEmpty();
    assertThat(fieldNames(json(get("/v1/catalog/services")))).doesNotContain("edge-svc");
    assertThat(json(get("/v1/health/node/edge-ext"))).isEmpty();
    assertThat(json(get("/v1/health/checks/edge-svc"))).isEmpty();
    assertThat(texts(json(get("/v1/health/state/any")), "CheckID")).doesNotContain("edge-svc-check", "edge-node-check");
  }

  @Test
  void aCatalogRegisteredNodeTakesTheAgentsDatacenter() {
    assertPutOk("/v1/catalog/register", "{\"Node\": \"edge-dc\", \"Address\": \"5.6.7.10\", \"Service\": {\"Service\": \"dc-svc\"}}");
    assertThat(json(get("/v1/catalog/node/edge-dc")).get("Node").get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(json(get("/v1/catalog/service/dc-svc")).get(0).get("Datacenter").asText()).isEqualTo("dc1");
  }

  @Test
  void catalogRegisterWithoutAServiceIdUsesTheServiceName() {
    assertPutOk("/v1/catalog/register", "{\"Node\": \"edge-noid\", \"Address\": \"5.6.7.11\", \"Service\": {\"Service\": \"noid-svc\"}}");
    assertThat(texts(json(get("/v1/catalog/service/noid-svc")), "ServiceID")).containsExactly("noid-svc");
  }

  @Test
  void catalogRegisterWithoutAnAddressIsABadRequest() {
    HttpResponse<String> r = put("/v1/catalog/register", "{\"Node\": \"edge-noaddr\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(texts(json(get("/v1/catalog/nodes")), "Node")).doesNotContain("edge-noaddr");
  }

  @Test
  void blockingCatalogServicesIsWokenByAnAgentRegistration() throws Exception {
    long n = index(get("/v1/catalog/services"));
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> blocked =
        http.sendAsync(request("GET", "/v1/catalog/services?index=" + n + "&wait=20s", BodyPublishers.noBody()),
            BodyHandlers.ofString());
    TestAgent.later(Duration.ofMillis(300), () -> assertPutOk("/v1/agent/service/register", "{\"Name\":\"woken-svc\"}"));

    HttpResponse<String> r = blocked.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(index(r)).isGreaterThan(n);
    assertThat(fieldNames(json(r))).contains("woken-svc");
  }

  @Test
  void catalogDeregisterOfAServiceKeepsTheNode() {
    assertPutOk("/v1/catalog/register", """
        {"Node": "edge-keep", "Address": "5.6.7.9",
         "Service": {"ID": "keep-1", "Service": "keep-svc", "Port": 1},
         "Check": {"CheckID": "keep-check", "Name": "k", "Status": "passing", "ServiceID": "keep-1"}}
        """);
    assertPutOk("/v1/catalog/deregister", "{\"Node\": \"edge-keep\", \"ServiceID\": \"keep-1\"}");

    JsonNode node = json(get("/v1/catalog/node/edge-keep"));
    assertThat(node.get("Node").get("Node").asText()).isEqualTo("edge-keep");
    assertThat(fieldNames(node.get("Services"))).isEmpty();
    assertThat(json(get("/v1/health/node/edge-keep"))).isEmpty();
  }

  @Test
  void anAgentServiceReachesTheCatalogWithItsChecks() {
    assertPutOk("/v1/agent/service/register", "{\"ID\":\"sync-1\",\"Name\":\"sync\",\"Port\":1,\"Check\":{\"TTL\":\"30s\"}}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(texts(json(get("/v1/catalog/service/sync")), "ServiceID")).containsExactly("sync-1");
      assertThat(texts(json(get("/v1/health/checks/sync")), "CheckID")).containsExactly("service:sync-1");
    });
    assertPutOk("/v1/agent/service/deregister/sync-1", null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(json(get("/v1/catalog/service/sync"))).isEmpty();
      assertThat(json(get("/v1/health/checks/sync"))).isEmpty();
    });
  }

  @Test
  void agentLocalHealthAnswersWithTheStatusAsTheCode() {
    put("/v1/agent/service/register", "{\"Name\":\"lb\",\"ID\":\"lb1\",\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}");
    HttpResponse<String> ok = get("/v1/agent/health/service/id/lb1");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).path("AggregatedStatus").asText()).isEqualTo("passing");
    put("/v1/agent/check/warn/service:lb1", "");
    assertThat(get("/v1/agent/health/service/name/lb").statusCode()).isEqualTo(429);
    put("/v1/agent/check/fail/service:lb1", "");
    HttpResponse<String> text = get("/v1/agent/health/service/name/lb?format=text");
    assertThat(text.statusCode()).isEqualTo(503);
    assertThat(text.body()).isEqualTo("critical");
    assertThat(get("/v1/agent/health/service/id/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsComeAsJsonOrPrometheusText() {
    HttpResponse<String> json = get("/v1/agent/metrics");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json(json).path("Gauges").findValuesAsText("Name")).contains("consul.raft.applied_index", "consul.kvs.entries");
    HttpResponse<String> prom = get("/v1/agent/metrics?format=prometheus");
    assertThat(prom.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(prom.body()).containsPattern("(?m)^consul_server_isLeader 1$").contains("# TYPE consul_kvs_entries gauge");
  }

  @Test
  void effectiveConsistencySaysHowTheReadWasServed() {
    assertThat(get("/v1/catalog/nodes").headers().firstValue("X-Consul-Effective-Consistency")).contains("leader");
    assertThat(get("/v1/catalog/nodes?stale").headers().firstValue("X-Consul-Effective-Consistency")).contains("stale");
    assertThat(get("/v1/catalog/nodes?consistent").headers().firstValue("X-Consul-Effective-Consistency")).contains("consistent");
  }

  @Test
  void hostInfoMetricsStreamAndEndpointsNotServedYetSaySo() throws Exception {
    JsonNode host = json(get("/v1/agent/host"));
    assertThat(host.path("Memory").path("total").asLong()).isPositive();
    assertThat(host.path("CPU")).isNotEmpty();
    assertThat(host.path("Host").path("hostname").asText()).isNotEmpty();
    assertThat(host.has("Errors")).isTrue();
    HttpResponse<String> token = get("/v1/agent/token/default");
    assertThat(token.statusCode()).isEqualTo(501);
    assertThat(token.body()).contains("ACLs");
    assertThat(get("/v1/agent/connect/ca/roots").statusCode()).isEqualTo(501);
    // The stream's first summary comes at once; then every 10 s until the client leaves.
    java.net.http.HttpResponse<java.io.InputStream> stream = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + agent.port() + "/v1/agent/metrics/stream")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reader.readLine());
      assertThat(first.path("Gauges").findValuesAsText("Name")).contains("consul.agent.services");
    }
  }

  @Test
  void aFilterIsRefusedWhereConsulTakesNoneAndAnEmptyOneIsNone() {
    HttpResponse<String> r = get("/v1/session/list?filter=Name%20%3D%3D%20web");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("filter");
    assertThat(get("/v1/catalog/services?filter=ServiceName%20%3D%3D%20web").statusCode()).isEqualTo(200);
    assertThat(get("/v1/catalog/services?filter=").statusCode()).isEqualTo(200);
  }

  @Test
  void autopilotSettingsAreReplacedWholeCheckedAndSetByIndex() throws Exception {
    // The leader stores its configured settings at its first autopilot tick.
    await().atMost(Duration.ofSeconds(10)).until(() ->
        JSON.readTree(send("GET", "/v1/operator/autopilot/configuration", null).body()).path("ModifyIndex").asLong() > 0);
    JsonNode before = JSON.readTree(send("GET", "/v1/operator/autopilot/configuration", null).body());
    assertThat(before.path("LastContactThreshold").asText()).isEqualTo("200ms");
    assertThat(before.path("ServerStabilizationTime").asText()).isEqualTo("10s");
    long index = before.path("ModifyIndex").asLong();

    HttpResponse<String> stale = send("PUT", "/v1/operator/autopilot/configuration?cas=" + (index + 1), before.toString());
    assertThat(stale.body().trim()).as("check-and-set against another index").isEqualTo("false");
    HttpResponse<String> neg = send("PUT", "/v1/operator/autopilot/configuration", "{\"MaxTrailingLogs\": -1}");
    assertThat(neg.statusCode()).isEqualTo(400);
    assertThat(neg.body()).contains("MaxTrailingLogs");
    HttpResponse<String> garbled = send("PUT", "/v1/operator/autopilot/configuration", "{\"LastContactThreshold\": \"soon\"}");
    assertThat(garbled.statusCode()).isEqualTo(400);
    assertThat(garbled.body()).startsWith("Error parsing autopilot config").contains("LastContactThreshold");
    assertThat(send("PUT", "/v1/operator/autopilot/configuration?cas=x", "{}").statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(send("GET", "/v1/operator/autopilot/configuration", null).body()).path("ModifyIndex").asLong())
        .as("refused writes changed nothing").isEqualTo(index);

    HttpResponse<String> set = send("PUT", "/v1/operator/autopilot/configuration?cas=" + index,
        "{\"CleanupDeadServers\": true, \"LastContactThreshold\": \"1s\", \"MaxTrailingLogs\": 400, \"ServerStabilizationTime\": 5000000000}");
    assertThat(set.body().trim()).isEqualTo("true");
    JsonNode after = JSON.readTree(send("GET", "/v1/operator/autopilot/configuration", null).body());
    assertThat(after.path("LastContactThreshold").asText()).isEqualTo("1s");
    assertThat(after.path("ServerStabilizationTime").asText()).as("nanoseconds, as Go's Duration").isEqualTo("5s");
    assertThat(after.path("MaxTrailingLogs").asLong()).isEqualTo(400);
    assertThat(after.path("MinQuorum").asLong()).as("left out: its zero value, as Consul's").isZero();
    assertThat(after.path("CreateIndex").asLong()).isEqualTo(before.path("CreateIndex").asLong());
    assertThat(after.path("ModifyIndex").asLong()).isGreaterThan(index);

    HttpResponse<String> health = send("GET", "/v1/operator/autopilot/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode h = JSON.readTree(health.body());
    assertThat(h.path("Healthy").asBoolean()).isTrue();
    assertThat(h.path("FailureTolerance").asInt()).isZero();
    assertThat(h.path("Servers")).singleElement().satisfies(s -> {
      assertThat(s.path("Leader").asBoolean()).isTrue();
      assertThat(s.path("SerfStatus").asText()).isEqualTo("alive");
      assertThat(s.path("LastContact").asText()).isEqualTo("0s");
    });
    JsonNode state = JSON.readTree(send("GET", "/v1/operator/autopilot/state", null).body());
    assertThat(state.path("Voters")).hasSize(1);
    assertThat(state.path("Servers").path(state.path("Leader").asText()).path("Status").asText()).isEqualTo("leader");
  }

  @Test
  void aLoneServerHasNobodyToHandLeadershipToAndUsageCountsTheCatalog() throws Exception {
    HttpResponse<String> t = send("POST", "/v1/operator/raft/transfer-leader", null);
    assertThat(t.statusCode()).isEqualTo(400);
    assertThat(t.body()).contains("only voter");
    send("PUT", "/v1/agent/service/register", "{\"Name\":\"usage-web\",\"ID\":\"usage-web-1\",\"Port\":80}");
    send("PUT", "/v1/agent/service/register", "{\"Name\":\"usage-web\",\"ID\":\"usage-web-2\",\"Port\":81}");
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/v1/catalog/service/usage-web", null).body().contains("usage-web-2"));
    JsonNode usage = JSON.readTree(send("GET", "/v1/operator/usage", null).body()).path("Usage").path("dc1");
    JsonNode services = JSON.readTree(send("GET", "/v1/catalog/services", null).body());
    assertThat(usage.path("Services").asInt()).isEqualTo(services.size());
    assertThat(usage.path("Nodes").asInt()).isEqualTo(JSON.readTree(send("GET", "/v1/catalog/nodes", null).body()).size());
    assertThat(usage.path("ServiceInstances").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(usage.path("BillableServiceInstances").asInt()).as("fewer than all: Consul's own is not billed")
        .isLessThan(usage.path("ServiceInstances").asInt());
    assertThat(usage.path("ConnectServiceInstances").path("connect-proxy").asInt()).isZero();
    send("PUT", "/v1/agent/service/deregister/usage-web-1", null);
    send("PUT", "/v1/agent/service/deregister/usage-web-2", null);
  }

  @Test
  void nodeMetaNarrowsHealthStateAndServiceChecks() throws Exception {
    for (String[] n : new String[][] {{"meta-a", "r1"}, {"meta-b", "r2"}}) {
      assertThat(send("PUT", "/v1/catalog/register", "{\"Node\":\"" + n[0] + "\",\"Address\":\"10.7.0.1\",\"NodeMeta\":{\"rack\":\""
          + n[1] + "\"},\"Service\":{\"ID\":\"metasvc-" + n[0] + "\",\"Service\":\"metasvc\",\"Port\":1},"
          + "\"Check\":{\"CheckID\":\"metachk\",\"Name\":\"m\",\"Status\":\"warning\",\"ServiceID\":\"metasvc-" + n[0] + "\"}}")
          .statusCode()).isEqualTo(200);
    }
    JsonNode state = JSON.readTree(send("GET", "/v1/health/state/warning?node-meta=rack:r1", null).body());
    assertThat(state).extracting(c -> c.path("Node").asText()).containsExactly("meta-a");
    JsonNode checks = JSON.readTree(send("GET", "/v1/health/checks/metasvc?node-meta=rack:r2", null).body());
    assertThat(checks).extracting(c -> c.path("Node").asText()).containsExactly("meta-b");
    assertThat(JSON.readTree(send("GET", "/v1/health/checks/metasvc", null).body())).hasSize(2);
    assertThat(send("GET", "/v1/health/state/any?node-meta=norack", null).statusCode()).isEqualTo(400);
    for (String n : new String[] {"meta-a", "meta-b"}) send("PUT", "/v1/catalog/deregister", "{\"Node\":\"" + n + "\"}");
  }
}
