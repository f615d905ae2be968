package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ?filter=} on every endpoint Consul filters, against a real agent: the selectors are
 * Consul's per endpoint, a bad expression is a 400 that names it and where, and a filtered
 * blocking query wakes for a change it can see, not for one the filter drops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestAgent agent;

  @BeforeAll
  void start() throws Exception {
    agent = TestAgent.start();
    register("""
        {"Node":"db-1","Address":"10.2.0.1","NodeMeta":{"rack":"r1"},
         "Service":{"ID":"pg","Service":"postgres","Tags":["primary"],"Port":5432,"Meta":{"version":"15"}},
         "Check":{"CheckID":"pg-up","ServiceID":"pg","Status":"passing"}}""");
    register("""
        {"Node":"db-2","Address":"10.2.0.2","NodeMeta":{"rack":"r2"},
         "Service":{"ID":"pg","Service":"postgres","Tags":["replica"],"Port":5432,"Meta":{"version":"14"}},
         "Check":{"CheckID":"pg-up","ServiceID":"pg","Status":"critical"}}""");
    register("""
        {"Node":"web-1","Address":"10.2.0.3","NodeMeta":{"rack":"r1"},
         "Service":{"ID":"web","Service":"web","Tags":["v2"],"Port":8080}}""");
    assertThat(agent.call("PUT", "/v1/agent/service/register",
        "{\"Name\":\"local-api\",\"ID\":\"api-1\",\"Port\":9000,\"Tags\":[\"blue\"],\"Check\":{\"TTL\":\"30s\"}}").statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() {
    agent.close();
  }

  @Test
  void catalogNodesByMetaAndAddress() throws Exception {
    assertThat(names(get("/v1/catalog/nodes", "Meta.rack == r1"), "Node")).contains("db-1", "web-1").doesNotContain("db-2");
    assertThat(names(get("/v1/catalog/nodes", "Address matches \"^10\\\\.2\\\\.0\\\\.2$\""), "Node")).containsExactly("db-2");
  }

  @Test
  void catalogServiceRowsAndTheServicesMap() throws Exception {
    assertThat(names(get("/v1/catalog/service/postgres", "ServiceMeta.version == \"15\""), "Node")).containsExactly("db-1");
    assertThat(names(get("/v1/catalog/service/postgres", "replica in ServiceTags and NodeMeta.rack == r2"), "Node"))
        .containsExactly("db-2");
    JsonNode services = get("/v1/catalog/services", "NodeMeta.rack == r1");
    assertThat(fieldNames(services)).contains("postgres", "web").doesNotContain("consul");
    assertThat(services.get("postgres").toString()).isEqualTo("[\"primary\"]");
  }

  @Test
  void catalogNodeServicesArePicked() throws Exception {
    assertThat(fieldNames(get("/v1/catalog/node/db-1", "Port == 1").get("Services"))).isEmpty();
    assertThat(fieldNames(get("/v1/catalog/node/db-1", "Service == postgres").get("Services"))).containsExactly("pg");
    assertThat(get("/v1/catalog/node-services/db-1", "Tags contains primary").get("Services")).hasSize(1);
  }

  @Test
  void healthEndpoints() throws Exception {
    JsonNode entries = get("/v1/health/service/postgres", "Checks.Status == critical");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).at("/Node/Node").asText()).isEqualTo("db-2");
    assertThat(get("/v1/health/service/postgres", "all Checks as c { c.Status == passing } and Node.Meta.rack == r1"))
        .hasSize(1);
    assertThat(names(get("/v1/health/state/any", "ServiceName == postgres and Status != passing"), "Node"))
        .containsExactly("db-2");
    assertThat(get("/v1/health/checks/postgres", "Node == \"db-1\"")).hasSize(1);
    assertThat(names(get("/v1/health/node/db-2", "CheckID == \"pg-up\""), "Status")).containsExactly("critical");
  }

  @Test
  void agentEndpoints() throws Exception {
    assertThat(fieldNames(get("/v1/agent/services", "Tags contains blue"))).containsExactly("api-1");
    assertThat(fieldNames(get("/v1/agent/services", "Port == 1"))).isEmpty();
    assertThat(fieldNames(get("/v1/agent/checks", "ServiceID == \"api-1\""))).hasSize(1);
    assertThat(get("/v1/agent/members", "Status == 1")).hasSize(1);
    assertThat(get("/v1/agent/members", "Status == 3")).isEmpty();
  }

  @Test
  void badExpressionsAre400sThatSayWhere() throws Exception {
    HttpResponse<String> unknown = call("/v1/health/service/postgres", "Service.Tgs contains x");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("\"Service.Tgs\"", "Tgs", "character 1");
    // The same selector is valid on one endpoint and not on another, as in Consul.
    assertThat(call("/v1/catalog/service/postgres", "Service.Tags contains x").statusCode()).isEqualTo(400);
    HttpResponse<String> syntax = call("/v1/catalog/nodes", "Node == a or");
    assertThat(syntax.statusCode()).isEqualTo(400);
    assertThat(syntax.body()).contains("character 13");
    assertThat(call("/v1/agent/services", "Port == eighty").body()).contains("not a int");
    // go-bexpr's bare words are letters, digits, "_" and "/": the message says to quote the rest.
    assertThat(call("/v1/catalog/nodes", "Node == db-1").body()).contains("quote");
    // Where Consul takes no filter, it is refused rather than ignored.
    assertThat(call("/v1/kv/?recurse", "Key == a").statusCode()).isEqualTo(400);
  }

  @Test
  void aFilteredBlockingQueryWakesOnlyForWhatItCanSee() throws Exception {
    String filter = "ServiceMeta.version == \"15\"";
    HttpResponse<String> first = call("/v1/catalog/service/postgres", filter);
    long start = index(first);
    // A client's watch loop: block on the last index; count the answers that brought nothing new.
    java.util.concurrent.atomic.AtomicInteger unchanged = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<HttpResponse<String>> seen = TestAgent.async(() -> {
      try {
        long index = start;
        while (true) {
          HttpResponse<String> r = call("/v1/catalog/service/postgres", filter, "&index=" + index + "&wait=60s");
          if (!r.body().equals(first.body())) return r;
          unchanged.incrementAndGet();
          index = index(r);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Writes the filter drops: each moves the service's index, none changes the filtered answer.
    for (int i = 0; i < 5; i++) {
      register("{\"Node\":\"db-2\",\"Address\":\"10.2.0.2\",\"NodeMeta\":{\"rack\":\"r2\"},\"Service\":{\"ID\":\"pg\","
          + "\"Service\":\"postgres\",\"Tags\":[\"replica\"],\"Port\":" + (6000 + i) + ",\"Meta\":{\"version\":\"14\"}}}");
    }
    assertThat(index(call("/v1/catalog/service/postgres", filter))).isGreaterThan(start);
    register("{\"Node\":\"db-3\",\"Address\":\"10.2.0.9\",\"Service\":{\"ID\":\"pg\",\"Service\":\"postgres\","
        + "\"Port\":5432,\"Meta\":{\"version\":\"15\"}}}");
    HttpResponse<String> woken = seen.get(20, TimeUnit.SECONDS);
    assertThat(index(woken)).isGreaterThan(start);
    assertThat(names(JSON.readTree(woken.body()), "Node")).containsExactly("db-1", "db-3");
    // Five dropped writes, and the loop woke at most once for nothing: only when its first
    // request arrived after some of them (its index was stale), never once per write.
    assertThat(unchanged.get()).isLessThanOrEqualTo(1);
    register("{\"Node\":\"db-3\",\"Address\":\"10.2.0.9\",\"Service\":{\"ID\":\"pg\",\"Service\":\"postgres\","
        + "\"Port\":5432,\"Meta\":{\"version\":\"16\"}}}");
  }

  private void register(String body) throws Exception {
    HttpResponse<String> r = agent.call("PUT", "/v1/catalog/register", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private HttpResponse<String> call(String path, String filter) throws Exception {
    return call(path, filter, "");
  }

  private HttpResponse<String> call(String path, String filter, String more) throws Exception {
    String sep = path.contains("?") ? "&" : "?";
    return agent.call("GET", path + sep + "filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + more, null);
  }

  private JsonNode get(String path, String filter) throws Exception {
    HttpResponse<String> r = call(path, filter);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static long index(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
  }
}
