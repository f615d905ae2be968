package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /v1/txn with Node, Service and Check operations beside KV ones, as Consul's: all applied or
 * none, results in the order of the operations, failures named by operation index, and blocking
 * reads of the catalog woken by what a transaction wrote.
 */
class TxnCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestAgent agent;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    return agent.call(method, path, body);
  }

  private static JsonNode txn(int status, String ops) throws Exception {
    HttpResponse<String> r = send("PUT", "/v1/txn", ops);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  @Test
  void nodeServiceCheckAndKvOperationsApplyTogetherInOrder() throws Exception {
    long before = Long.parseLong(send("GET", "/v1/catalog/service/tx-web", null).headers().firstValue("X-Consul-Index").orElseThrow());
    CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(
        agent.uri("/v1/catalog/service/tx-web?index=" + before + "&wait=30s")).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode r = txn(200, """
        [{"Node": {"Verb": "set", "Node": {"Node": "tx-1", "Address": "10.9.0.1", "Meta": {"rack": "r9"}}}},
         {"Service": {"Verb": "set", "Node": "tx-1", "Service": {"ID": "tx-web-1", "Service": "tx-web", "Port": 8080, "Tags": ["a"]}}},
         {"KV": {"Verb": "set", "Key": "tx/marker", "Value": "eA=="}},
         {"Check": {"Verb": "set", "Check": {"Node": "tx-1", "CheckID": "tx-web-alive", "Name": "alive", "Status": "passing",
                    "ServiceID": "tx-web-1"}}},
         {"Node": {"Verb": "get", "Node": {"Node": "tx-1"}}}]
        """);
    JsonNode results = r.path("Results");
    assertThat(results).hasSize(5);
    assertThat(results.get(0).path("Node").path("Address").asText()).isEqualTo("10.9.0.1");
    assertThat(results.get(1).path("Service").path("Service").asText()).isEqualTo("tx-web");
    assertThat(results.get(2).path("KV").path("Key").asText()).isEqualTo("tx/marker");
    assertThat(results.get(3).path("Check").path("CheckID").asText()).isEqualTo("tx-web-alive");
    assertThat(results.get(3).path("Check").path("ServiceName").asText()).isEqualTo("tx-web");
    assertThat(results.get(4).path("Node").path("Meta").path("rack").asText()).isEqualTo("r9");
    assertThat(r.path("Errors").isNull()).isTrue();

    HttpResponse<String> woke = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(woke.body()).as("a blocking read of the service woke for the transaction").contains("tx-web-1");
    JsonNode healthy = JSON.readTree(send("GET", "/v1/health/service/tx-web?passing", null).body());
    assertThat(healthy).singleElement().satisfies(e -> assertThat(e.path("Node").path("Node").asText()).isEqualTo("tx-1"));

    // cas against the index the service has: applies; against a stale one: refused, nothing changes.
    long svcIndex = results.get(1).path("Service").path("ModifyIndex").asLong();
    JsonNode stale = txn(409, """
        [{"KV": {"Verb": "set", "Key": "tx/should-not-exist", "Value": "eA=="}},
         {"Service": {"Verb": "cas", "Node": "tx-1", "Service": {"ID": "tx-web-1", "Service": "tx-web", "Port": 9090, "ModifyIndex": %d}}}]
        """.formatted(svcIndex + 100));
    assertThat(stale.path("Errors").get(0).path("OpIndex").asInt()).isEqualTo(1);
    assertThat(stale.path("Errors").get(0).path("What").asText()).contains("index is stale");
    assertThat(send("GET", "/v1/kv/tx/should-not-exist", null).statusCode()).as("all or nothing").isEqualTo(404);
    JsonNode moved = txn(200, """
        [{"Service": {"Verb": "cas", "Node": "tx-1", "Service": {"ID": "tx-web-1", "Service": "tx-web", "Port": 9090, "ModifyIndex": %d}}}]
        """.formatted(svcIndex));
    assertThat(moved.path("Results").get(0).path("Service").path("Port").asInt()).isEqualTo(9090);

    // Deleting the node takes its service and check with it; a get of the check then fails.
    txn(200, "[{\"Node\": {\"Verb\": \"delete\", \"Node\": {\"Node\": \"tx-1\"}}}]");
    assertThat(JSON.readTree(send("GET", "/v1/catalog/service/tx-web", null).body())).isEmpty();
    JsonNode gone = txn(409, "[{\"Check\": {\"Verb\": \"get\", \"Check\": {\"Node\": \"tx-1\", \"CheckID\": \"tx-web-alive\"}}}]");
    assertThat(gone.path("Errors").get(0).path("What").asText()).contains("doesn't exist");
  }

  @Test
  void operationsThatCannotApplyAreRefusedByIndexAndChangeNothing() throws Exception {
    JsonNode noNode = txn(409, """
        [{"KV": {"Verb": "set", "Key": "tx2/a", "Value": "eA=="}},
         {"Service": {"Verb": "set", "Node": "nowhere", "Service": {"Service": "lost", "Port": 1}}}]
        """);
    assertThat(noNode.path("Errors").get(0).path("OpIndex").asInt()).isEqualTo(1);
    assertThat(noNode.path("Errors").get(0).path("What").asText()).contains("Missing node registration");
    assertThat(send("GET", "/v1/kv/tx2/a", null).statusCode()).isEqualTo(404);

    JsonNode badVerb = txn(409, "[{\"Node\": {\"Verb\": \"frobnicate\", \"Node\": {\"Node\": \"x\", \"Address\": \"1.2.3.4\"}}}]");
    assertThat(badVerb.path("Errors").get(0).path("What").asText()).contains("unknown Node verb");

    JsonNode checkWithoutService = txn(409, """
        [{"Node": {"Verb": "set", "Node": {"Node": "tx-2", "Address": "10.9.0.2"}}},
         {"Check": {"Verb": "set", "Check": {"Node": "tx-2", "CheckID": "c", "ServiceID": "none", "Status": "passing"}}}]
        """);
    assertThat(checkWithoutService.path("Errors").get(0).path("OpIndex").asInt()).isEqualTo(1);
    assertThat(send("GET", "/v1/catalog/node/tx-2", null).body()).as("the node of a refused transaction").isIn("null", "");

    assertThat(send("PUT", "/v1/txn", "[{\"Node\": {\"Verb\": \"set\", \"Node\": {\"Node\": \"y\", \"ModifyIndex\": -1}}}]")
        .statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/v1/txn", "[{\"Nope\": {}}]").statusCode()).isEqualTo(400);
  }
}
