package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** /v1/query against a real agent: stored, listed, executed, explained, templated, asked by real dig, and refused when malformed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreparedQueryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestAgent agent;

  @BeforeAll
  void start() throws Exception {
    agent = TestAgent.start();
    for (int i = 1; i <= 3; i++) {
      String status = i == 3 ? "critical" : "passing";
      call("PUT", "/v1/catalog/register", "{\"Node\":\"db" + i + "\",\"Address\":\"10.3.0." + i + "\",\"Service\":{\"Service\":\"mysql-customer\","
          + "\"Tags\":[\"" + (i == 1 ? "primary" : "replica") + "\"],\"Port\":3306},\"Check\":{\"CheckID\":\"up\",\"ServiceID\":\"mysql-customer\","
          + "\"Status\":\"" + status + "\"}}", 200);
    }
  }

  @AfterAll
  void stop() {
    agent.close();
  }

  private HttpResponse<String> call(String method, String path, String body, int status) throws Exception {
    HttpResponse<String> r = agent.call(method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
    return r;
  }

  private JsonNode json(String method, String path, String body) throws Exception {
    return JSON.readTree(call(method, path, body, 200).body());
  }

  @Test
  void createListExecuteUpdateDelete() throws Exception {
    String id = json("POST", "/v1/query", "{\"Name\":\"customer-db\",\"Service\":{\"Service\":\"mysql-customer\","
        + "\"Tags\":[\"!replica\"]},\"DNS\":{\"TTL\":\"7s\"}}").get("ID").asText();
    JsonNode listed = json("GET", "/v1/query", null);
    assertThat(listed.findValuesAsText("ID")).contains(id);
    JsonNode one = json("GET", "/v1/query/" + id, null).get(0);
    assertThat(one.get("Name").asText()).isEqualTo("customer-db");
    assertThat(one.at("/Service/Tags/0").asText()).isEqualTo("!replica");
    assertThat(one.get("ModifyIndex").asLong()).isPositive();

    JsonNode ran = json("GET", "/v1/query/customer-db/execute", null);
    assertThat(ran.get("Service").asText()).isEqualTo("mysql-customer");
    assertThat(ran.get("Datacenter").asText()).isEqualTo(agent.agent().self().datacenter());
    assertThat(ran.get("Failovers").asInt()).isZero();
    assertThat(ran.at("/DNS/TTL").asText()).isEqualTo("7s");
    assertThat(ran.get("Nodes").findValuesAsText("Node")).contains("db1").doesNotContain("db2", "db3");
    assertThat(json("GET", "/v1/query/" + id + "/execute", null).get("Nodes")).hasSize(1);

    call("PUT", "/v1/query/" + id, "{\"Name\":\"customer-db\",\"Service\":{\"Service\":\"mysql-customer\"}}", 200);
    JsonNode all = json("GET", "/v1/query/customer-db/execute?limit=5", null).get("Nodes");
    assertThat(names(all)).containsExactlyInAnyOrder("db1", "db2");  // db3 is critical
    assertThat(json("GET", "/v1/query/customer-db/execute?limit=1", null).get("Nodes")).hasSize(1);
    assertThat(names(json("GET", "/v1/query/customer-db/execute?near=db2", null).get("Nodes")).get(0)).isEqualTo("db2");

    call("DELETE", "/v1/query/" + id, null, 200);
    call("GET", "/v1/query/" + id, null, 404);
    call("GET", "/v1/query/customer-db/execute", null, 404);
  }

  @Test
  void aTemplateAnswersEveryNameItPrefixesAndExplainShowsItRendered() throws Exception {
    String id = json("POST", "/v1/query", "{\"Name\":\"geo-db-\",\"Template\":{\"Type\":\"name_prefix_match\","
        + "\"Regexp\":\"^geo-db-(.*?)-([^\\\\-]+?)$\"},\"Service\":{\"Service\":\"mysql-${match(1)}\",\"Tags\":[\"${match(2)}\"]}}")
        .get("ID").asText();
    JsonNode ran = json("GET", "/v1/query/geo-db-customer-primary/execute", null);
    assertThat(ran.get("Service").asText()).isEqualTo("mysql-customer");
    assertThat(names(ran.get("Nodes"))).containsExactly("db1");
    JsonNode explained = json("GET", "/v1/query/geo-db-customer-replica/explain", null).get("Query");
    assertThat(explained.at("/Service/Service").asText()).isEqualTo("mysql-customer");
    assertThat(explained.at("/Service/Tags/0").asText()).isEqualTo("replica");

    // Real dig: the query by name, A and SRV, with the query's own records.
    assertThat(dig("geo-db-customer-primary.query.consul", "A", "+short")).containsExactly("10.3.0.1");
    assertThat(String.join("\n", dig("geo-db-customer-replica.query.consul", "SRV"))).contains("3306");
    assertThat(String.join("\n", dig("geo-db-nothing-none.query.consul", "A"))).contains("status: NXDOMAIN");
    assertThat(String.join("\n", dig("geo-db-customer-primary.query.nowhere.consul", "A"))).contains("status: NXDOMAIN");
    call("DELETE", "/v1/query/" + id, null, 200);
  }

  @Test
  void aQueryBoundToASessionGoesWithIt() throws Exception {
    String session = json("PUT", "/v1/session/create", "{\"Name\":\"owner\"}").get("ID").asText();
    String id = json("POST", "/v1/query", "{\"Name\":\"owned\",\"Session\":\"" + session + "\",\"Service\":{\"Service\":\"x\"}}")
        .get("ID").asText();
    call("GET", "/v1/query/" + id, null, 200);
    call("PUT", "/v1/session/destroy/" + session, null, 200);
    call("GET", "/v1/query/" + id, null, 404);
  }

  @Test
  void malformedQueriesAre400sAndNothingIsStored() throws Exception {
    int before = json("GET", "/v1/query", null).size();
    assertThat(call("POST", "/v1/query", "{\"Service\":{}}", 400).body()).contains("Must provide a Service name to query");
    assertThat(call("POST", "/v1/query", "{\"Service\":{\"Service\":\"a\",\"Failover\":{\"NearestN\":-2}}}", 400).body())
        .contains("Bad NearestN");
    assertThat(call("POST", "/v1/query", "{\"Name\":\"t\",\"Template\":{\"Type\":\"name_prefix_match\",\"Regexp\":\"([\"},"
        + "\"Service\":{\"Service\":\"a\"}}", 400).body()).contains("Bad Regexp");
    assertThat(call("POST", "/v1/query", "{\"Service\":{\"Service\":\"a\"},\"Session\":\"no-such-session\"}", 400).body())
        .contains("invalid session");
    assertThat(call("POST", "/v1/query", "not json", 400).body()).isNotEmpty();
    json("POST", "/v1/query", "{\"Name\":\"taken\",\"Service\":{\"Service\":\"a\"}}");
    assertThat(call("POST", "/v1/query", "{\"Name\":\"taken\",\"Service\":{\"Service\":\"b\"}}", 400).body()).contains("already exists");
    assertThat(json("GET", "/v1/query", null)).hasSize(before + 1);
  }

  private static List<String> names(JsonNode nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.at("/Node/Node").asText()));
    return out;
  }

  private List<String> dig(String name, String type, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(agent.agent().dnsPort()), "+time=2",
        "+tries=1", name, type));
    cmd.addAll(List.of(more));
    List<String> out = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(lines).isNotEmpty();
      out.clear();
      out.addAll(lines);
    });
    return out;
  }
}
