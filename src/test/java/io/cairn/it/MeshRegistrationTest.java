package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a registration carries for Consul's service mesh (Kind, Proxy, Connect, TaggedAddresses,
 * Locality, a check's Definition) comes back from every read that shows the service, in the shape
 * Consul writes there: its api structs on the agent's own endpoints (Proxy only for a proxy,
 * Connect only as Native, fields left out when empty), its catalog structs on the catalog and
 * health reads (Proxy and Connect always, Mode and an upstream's type and datacenter written even
 * when empty). The expected JSON below is that shape, worked out from Consul's Go structs.
 */
class MeshRegistrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestAgent agent;

  /** Registered through the agent, with an HTTP check the agent runs against itself. */
  private static final String PROXY_REGISTRATION = """
      {"Kind": "connect-proxy", "ID": "web-proxy-1", "Name": "web-proxy", "Address": "10.0.0.7", "Port": 21000,
       "TaggedAddresses": {"wan": {"Address": "198.51.100.7", "Port": 443}, "lan": {"address": "10.0.0.7", "port": 21000}},
       "Locality": {"Region": "eu-west-1", "Zone": "eu-west-1a"},
       "Proxy": {
         "DestinationServiceName": "web", "DestinationServiceID": "web-1",
         "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080, "Mode": "direct",
         "Config": {"protocol": "http", "connect_timeout_ms": 5000, "envoy_extra": {"b": [1, 2.0], "a": true}},
         "Upstreams": [
           {"DestinationType": "service", "DestinationName": "db", "Datacenter": "dc2", "LocalBindAddress": "127.0.0.1",
            "LocalBindPort": 9191, "Config": {"protocol": "tcp"}, "MeshGateway": {"Mode": "local"}},
           {"destination_type": "prepared_query", "destination_name": "cache-q", "local_bind_port": 9292},
           {"DestinationName": "queue", "LocalBindPort": 9393}],
         "MeshGateway": {"Mode": "local"},
         "Expose": {"Checks": true, "Paths": [{"Path": "/metrics", "LocalPathPort": 8080, "ListenerPort": 21500, "Protocol": "http"}]},
         "TransparentProxy": {"OutboundListenerPort": 15001},
         "Unknown": "ignored, as Go's decoder ignores it"},
       "Check": {"Name": "proxy alive", "HTTP": "%s", "Interval": "10s", "Timeout": "1s"}}""";

  /** The tagged addresses as every endpoint writes them: keys sorted, Address and Port. */
  private static final String TAGGED = """
      {"lan": {"Address": "10.0.0.7", "Port": 21000}, "wan": {"Address": "198.51.100.7", "Port": 443}}""";

  private static final String LOCALITY = """
      {"Region": "eu-west-1", "Zone": "eu-west-1a"}""";

  /** The catalog's structs.ConnectProxyConfig: Mode, MeshGateway, Expose and each upstream's type and datacenter always there. */
  private static final String CATALOG_PROXY = """
      {"TransparentProxy": {"OutboundListenerPort": 15001},
       "DestinationServiceName": "web", "DestinationServiceID": "web-1", "LocalServiceAddress": "127.0.0.1",
       "LocalServicePort": 8080, "Mode": "direct",
       "Config": {"connect_timeout_ms": 5000, "envoy_extra": {"a": true, "b": [1, 2]}, "protocol": "http"},
       "Upstreams": [
         {"DestinationType": "service", "DestinationName": "db", "Datacenter": "dc2", "LocalBindAddress": "127.0.0.1",
          "LocalBindPort": 9191, "Config": {"protocol": "tcp"}, "MeshGateway": {"Mode": "local"}},
         {"DestinationType": "prepared_query", "DestinationName": "cache-q", "Datacenter": "", "LocalBindPort": 9292,
          "MeshGateway": {}},
         {"DestinationType": "service", "DestinationName": "queue", "Datacenter": "", "LocalBindPort": 9393,
          "MeshGateway": {}}],
       "MeshGateway": {"Mode": "local"},
       "Expose": {"Checks": true, "Paths": [{"ListenerPort": 21500, "Path": "/metrics", "LocalPathPort": 8080, "Protocol": "http"}]}}""";

  /** The agent's api.AgentServiceConnectProxyConfig: what is empty is left out, but MeshGateway and Expose. */
  private static final String AGENT_PROXY = """
      {"DestinationServiceName": "web", "DestinationServiceID": "web-1", "LocalServiceAddress": "127.0.0.1",
       "LocalServicePort": 8080, "Mode": "direct", "TransparentProxy": {"OutboundListenerPort": 15001},
       "Config": {"connect_timeout_ms": 5000, "envoy_extra": {"a": true, "b": [1, 2]}, "protocol": "http"},
       "Upstreams": [
         {"DestinationType": "service", "DestinationName": "db", "Datacenter": "dc2", "LocalBindAddress": "127.0.0.1",
          "LocalBindPort": 9191, "Config": {"protocol": "tcp"}, "MeshGateway": {"Mode": "local"}},
         {"DestinationType": "prepared_query", "DestinationName": "cache-q", "LocalBindPort": 9292, "MeshGateway": {}},
         {"DestinationType": "service", "DestinationName": "queue", "LocalBindPort": 9393, "MeshGateway": {}}],
       "MeshGateway": {"Mode": "local"},
       "Expose": {"Checks": true, "Paths": [{"ListenerPort": 21500, "Path": "/metrics", "LocalPathPort": 8080, "Protocol": "http"}]}}""";

  /** A service without any of it, as the catalog writes one: Consul's zero structs. */
  private static final String EMPTY_CATALOG_PROXY = """
      {"Mode": "", "MeshGateway": {}, "Expose": {}}""";

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    String probe = "http://" + agent.host() + ":" + agent.port() + "/v1/agent/self";
    HttpResponse<String> r = agent.call("PUT", "/v1/agent/service/register", PROXY_REGISTRATION.formatted(probe));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    r = agent.call("PUT", "/v1/agent/service/register", "{\"Name\": \"native\", \"Port\": 8443, \"Connect\": {\"Native\": true}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = agent.call("GET", path, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** A read of the catalog, once anti-entropy has brought the agent's registration there. */
  private static JsonNode getSynced(String path) {
    return await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> get(path), n -> n.isArray() ? !n.isEmpty() : !n.isNull());
  }

  private static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void theAgentShowsItsProxyAsConsulsAgentDoes() throws Exception {
    for (JsonNode s : new JsonNode[] {get("/v1/agent/services").get("web-proxy-1"), get("/v1/agent/service/web-proxy-1")}) {
      assertThat(s.get("Kind").asText()).isEqualTo("connect-proxy");
      assertThat(s.get("TaggedAddresses")).isEqualTo(tree(TAGGED));
      assertThat(s.get("Locality")).isEqualTo(tree(LOCALITY));
      assertThat(s.get("Proxy")).isEqualTo(tree(AGENT_PROXY));
      assertThat(s.has("Connect")).as("Connect is written for a Connect-native service only").isFalse();
      assertThat(s.has("SocketPath")).isFalse();
    }
  }

  @Test
  void theCatalogShowsTheProxyAsConsulsCatalogDoes() throws Exception {
    JsonNode row = getSynced("/v1/catalog/service/web-proxy").get(0);
    assertThat(row.get("ServiceKind").asText()).isEqualTo("connect-proxy");
    assertThat(row.get("ServiceTaggedAddresses")).isEqualTo(tree(TAGGED));
    assertThat(row.get("ServiceLocality")).isEqualTo(tree(LOCALITY));
    assertThat(row.get("ServiceProxy")).isEqualTo(tree(CATALOG_PROXY));
    assertThat(row.get("ServiceConnect")).isEqualTo(tree("{}"));
    assertThat(row.get("ServiceSocketPath").asText()).isEmpty();

    JsonNode byNode = getSynced("/v1/catalog/node/" + TestAgent.NODE).get("Services").get("web-proxy-1");
    JsonNode listed = null;
    for (JsonNode s : getSynced("/v1/catalog/node-services/" + TestAgent.NODE).get("Services")) {
      if (s.get("ID").asText().equals("web-proxy-1")) listed = s;
    }
    assertThat(listed).isNotNull();
    for (JsonNode s : new JsonNode[] {byNode, listed}) {
      assertNodeService(s);
    }
  }

  @Test
  void healthShowsTheProxyAndItsCheckWithItsDefinition() throws Exception {
    JsonNode entry = getSynced("/v1/health/service/web-proxy").get(0);
    assertNodeService(entry.get("Service"));
    JsonNode check = null;
    for (JsonNode c : entry.get("Checks")) {
      if (c.get("CheckID").asText().equals("service:web-proxy-1")) check = c;
    }
    assertThat(check).as(entry.toString()).isNotNull();
    assertThat(check.get("Type").asText()).isEqualTo("http");
    // The Definition says what the check probes, as Consul's does, beside its timing.
    assertThat(check.get("Definition").get("HTTP").asText()).endsWith("/v1/agent/self");
    assertThat(check.get("Definition").get("Interval").asText()).isEqualTo("10s");
    assertThat(check.get("Definition").get("Timeout").asText()).isEqualTo("1s");
  }

  private static void assertNodeService(JsonNode s) throws Exception {
    assertThat(s.get("Kind").asText()).isEqualTo("connect-proxy");
    assertThat(s.get("TaggedAddresses")).isEqualTo(tree(TAGGED));
    assertThat(s.get("Locality")).isEqualTo(tree(LOCALITY));
    assertThat(s.get("Proxy")).isEqualTo(tree(CATALOG_PROXY));
    assertThat(s.get("Connect")).isEqualTo(tree("{}"));
  }

  @Test
  void aConnectNativeServiceSaysSoEverywhere() throws Exception {
    JsonNode mine = get("/v1/agent/service/native");
    assertThat(mine.get("Connect")).isEqualTo(tree("{\"Native\": true}"));
    assertThat(mine.has("Proxy")).as("the agent writes Proxy for proxies and gateways only").isFalse();
    assertThat(mine.has("Kind")).isFalse();
    JsonNode row = getSynced("/v1/catalog/service/native").get(0);
    assertThat(row.get("ServiceKind").asText()).isEmpty();
    assertThat(row.get("ServiceConnect")).isEqualTo(tree("{\"Native\": true}"));
    assertThat(row.get("ServiceProxy")).isEqualTo(tree(EMPTY_CATALOG_PROXY));
    assertThat(row.get("ServiceLocality").isNull()).isTrue();
    assertThat(row.has("ServiceTaggedAddresses")).isFalse();
    JsonNode health = getSynced("/v1/health/service/native").get(0).get("Service");
    assertThat(health.get("Connect")).isEqualTo(tree("{\"Native\": true}"));
    assertThat(health.get("Proxy")).isEqualTo(tree(EMPTY_CATALOG_PROXY));
  }

  @Test
  void aCatalogRegistrationKeepsItsServiceAndItsChecksDefinition() throws Exception {
    String body = """
        {"Node": "esm-node", "Address": "192.0.2.10",
         "Service": {"Kind": "connect-proxy", "ID": "api-proxy", "Service": "api-proxy", "Port": 21001,
           "TaggedAddresses": {"wan": {"Address": "198.51.100.10", "Port": 443}},
           "Proxy": {"DestinationServiceName": "api", "Upstreams": [{"DestinationName": "db", "LocalBindPort": 9191}]},
           "Connect": {"SidecarService": {"Port": 21002}}},
         "Check": {"CheckID": "api-proxy-http", "Name": "api proxy", "Status": "passing", "ServiceID": "api-proxy",
           "Definition": {"HTTP": "https://192.0.2.10:21001/health", "Header": {"X-Probe": ["esm"]}, "Method": "HEAD",
             "TLSSkipVerify": true, "Interval": "30s", "Timeout": "5s", "DeregisterCriticalServiceAfter": "10m"}}}""";
    HttpResponse<String> r = agent.call("PUT", "/v1/catalog/register", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    // Stored as sent: no upstream type defaulted (the agent's doing in Consul), the sidecar block kept.
    String proxy = """
        {"DestinationServiceName": "api", "Mode": "",
         "Upstreams": [{"DestinationType": "", "DestinationName": "db", "Datacenter": "", "LocalBindPort": 9191, "MeshGateway": {}}],
         "MeshGateway": {}, "Expose": {}}""";
    String connect = "{\"SidecarService\": {\"Port\": 21002}}";
    String definition = """
        {"Interval": "30s", "Timeout": "5s", "DeregisterCriticalServiceAfter": "10m0s",
         "HTTP": "https://192.0.2.10:21001/health", "TLSSkipVerify": true, "Header": {"X-Probe": ["esm"]}, "Method": "HEAD"}""";

    JsonNode row = get("/v1/catalog/service/api-proxy").get(0);
    assertThat(row.get("ServiceKind").asText()).isEqualTo("connect-proxy");
    assertThat(row.get("ServiceTaggedAddresses")).isEqualTo(tree("{\"wan\": {\"Address\": \"198.51.100.10\", \"Port\": 443}}"));
    assertThat(row.get("ServiceProxy")).isEqualTo(tree(proxy));
    assertThat(row.get("ServiceConnect")).isEqualTo(tree(connect));

    JsonNode entry = get("/v1/health/service/api-proxy").get(0);
    assertThat(entry.get("Service").get("Proxy")).isEqualTo(tree(proxy));
    assertThat(entry.get("Service").get("Connect")).isEqualTo(tree(connect));
    assertThat(entry.get("Checks").get(0).get("Definition")).isEqualTo(tree(definition));
    assertThat(get("/v1/health/checks/api-proxy").get(0).get("Definition")).isEqualTo(tree(definition));

    assertThat(get("/v1/catalog/node/esm-node").get("Services").get("api-proxy").get("Proxy")).isEqualTo(tree(proxy));
    assertThat(get("/v1/catalog/node-services/esm-node").get("Services").get(0).get("Kind").asText()).isEqualTo("connect-proxy");
    assertThat(get("/v1/catalog/node-services/no-such-node")).isEqualTo(tree("{\"Node\": null, \"Services\": null}"));
  }

  @Test
  void aProxyConsulWouldRefuseIsRefusedWithItsReason() throws Exception {
    HttpResponse<String> r = agent.call("PUT", "/v1/agent/service/register",
        "{\"Name\": \"lost-proxy\", \"Kind\": \"connect-proxy\", \"Port\": 21003}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("Validation failed: Proxy.DestinationServiceName must be non-empty for Connect proxy services");
    r = agent.call("PUT", "/v1/catalog/register",
        "{\"Node\": \"esm-node\", \"Address\": \"192.0.2.10\", \"Service\": {\"Service\": \"gw\", \"Kind\": \"mesh-gateway\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("Validation failed: Port must be non-zero for a mesh-gateway");
    assertThat(agent.call("GET", "/v1/agent/service/lost-proxy", null).statusCode()).isEqualTo(404);
  }
}
