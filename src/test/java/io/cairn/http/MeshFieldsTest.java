package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.state.Locality;
import io.cairn.state.ServiceAddress;
import org.junit.jupiter.api.Test;

/**
 * How a registration's pass-through fields are read: canonical (the same registration, however
 * spelled, gives the same strings), as sparse as Consul's encoder leaves them, with the agent's
 * defaults only where Consul's agent applies them, and refused where Consul refuses them.
 */
class MeshFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MeshFields.Kept read(String json, MeshFields.Source source, int port) throws Exception {
    return MeshFields.read(new Fields(JSON.readTree(json), "service"), source, "svc", port);
  }

  private static MeshFields.Kept agent(String json) throws Exception {
    return read(json, MeshFields.Source.AGENT_API, 21000);
  }

  private static JsonNode tree(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void theSameProxyInAnySpellingIsTheSameString() throws Exception {
    MeshFields.Kept pascal = agent("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\","
        + "\"LocalServicePort\":8080,\"Upstreams\":[{\"DestinationName\":\"db\",\"LocalBindPort\":9191}],"
        + "\"Config\":{\"protocol\":\"http\",\"envoy_x\":{\"b\":1.0,\"a\":[2]}},\"MeshGateway\":{\"Mode\":\"local\"}}}");
    MeshFields.Kept snake = agent("{\"kind\":\"connect-proxy\",\"proxy\":{\"destination_service_name\":\"web\","
        + "\"local_service_port\":8080,\"upstreams\":{\"destination_name\":\"db\",\"local_bind_port\":9191},"
        + "\"config\":{\"envoy_x\":{\"a\":[2],\"b\":1},\"protocol\":\"http\"},\"mesh_gateway\":{\"mode\":\"local\"}}}");
    assertThat(snake).isEqualTo(pascal);
    assertThat(pascal.kind()).isEqualTo("connect-proxy");
    // Consul's field order; free-form keys sorted and numbers as Go's float64 writes them.
    assertThat(pascal.proxy()).isEqualTo("{\"DestinationServiceName\":\"web\",\"LocalServicePort\":8080,"
        + "\"Config\":{\"envoy_x\":{\"a\":[2],\"b\":1},\"protocol\":\"http\"},"
        + "\"Upstreams\":[{\"DestinationType\":\"service\",\"DestinationName\":\"db\",\"LocalBindPort\":9191}],"
        + "\"MeshGateway\":{\"Mode\":\"local\"}}");
  }

  @Test
  void zeroValuesAreLeftOutAndAnEmptyProxyIsNone() throws Exception {
    MeshFields.Kept k = agent("{\"Proxy\":{\"DestinationServiceID\":\"\",\"LocalServicePort\":0,\"Expose\":{\"Checks\":false},"
        + "\"Config\":{}},\"Connect\":{\"Native\":false},\"SocketPath\":\"\",\"Kind\":\"\"}");
    assertThat(k.proxy()).isNull();
    assertThat(k.connect()).isNull();
    assertThat(k.socketPath()).isEmpty();
    assertThat(k.kind()).isEmpty();
  }

  @Test
  void onlyTheAgentDefaultsAnUpstreamToAService() throws Exception {
    String body = "{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\","
        + "\"Upstreams\":[{\"DestinationName\":\"db\",\"LocalBindPort\":9191}]}}";
    assertThat(tree(agent(body).proxy()).at("/Upstreams/0/DestinationType").asText()).isEqualTo("service");
    assertThat(tree(read(body, MeshFields.Source.CATALOG_API, 21000).proxy()).at("/Upstreams/0").has("DestinationType")).isFalse();
  }

  @Test
  void taggedAddressesAndLocalityAreKept() throws Exception {
    MeshFields.Kept k = agent("{\"TaggedAddresses\":{\"wan\":{\"address\":\"198.51.100.1\",\"port\":443},"
        + "\"lan_ipv4\":{\"Address\":\"10.0.0.1\",\"Port\":80}},\"Locality\":{\"Region\":\"eu\"},\"SocketPath\":\"/s\"}");
    assertThat(k.taggedAddresses()).containsExactly(
        java.util.Map.entry("lan_ipv4", new ServiceAddress("10.0.0.1", 80)),
        java.util.Map.entry("wan", new ServiceAddress("198.51.100.1", 443)));
    assertThat(k.locality()).isEqualTo(new Locality("eu", ""));
    assertThat(k.socketPath()).isEqualTo("/s");
  }

  @Test
  void aConnectProxyIsCheckedAsConsulChecksIt() {
    assertThatThrownBy(() -> agent("{\"Kind\":\"connect-proxy\"}"))
        .hasMessage("Validation failed: Proxy.DestinationServiceName must be non-empty for Connect proxy services");
    assertThatThrownBy(() -> read("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\"}}",
        MeshFields.Source.CATALOG_API, 0)).hasMessage("Validation failed: Port or SocketPath must be set for a connect-proxy");
    assertThatThrownBy(() -> agent("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\"},"
        + "\"Connect\":{\"Native\":true}}")).hasMessageContaining("A Proxy cannot also be Connect Native");
    assertThatThrownBy(() -> agent("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\","
        + "\"Upstreams\":[{\"DestinationName\":\"db\"}]}}"))
        .hasMessageContaining("upstream local bind port or local socket path must be defined and nonzero");
    assertThatThrownBy(() -> agent("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\","
        + "\"Upstreams\":[{\"DestinationName\":\"db\",\"LocalBindPort\":1},{\"DestinationName\":\"cache\",\"LocalBindPort\":1}]}}"))
        .hasMessageContaining("\"127.0.0.1:1\" is specified twice");
    assertThatThrownBy(() -> agent("{\"Kind\":\"connect-proxy\",\"Proxy\":{\"DestinationServiceName\":\"web\","
        + "\"Upstreams\":[{\"DestinationType\":\"dns\",\"DestinationName\":\"db\",\"LocalBindPort\":1}]}}"))
        .hasMessageContaining("unknown upstream destination type: \"dns\"");
  }

  @Test
  void gatewaysNativeServicesAndSidecarsAreCheckedAsConsulChecksThem() {
    assertThatThrownBy(() -> read("{\"Kind\":\"mesh-gateway\"}", MeshFields.Source.AGENT_API, 0))
        .hasMessage("Validation failed: Port must be non-zero for a mesh-gateway");
    assertThatThrownBy(() -> agent("{\"Kind\":\"terminating-gateway\",\"Proxy\":{\"DestinationServiceName\":\"web\"}}"))
        .hasMessageContaining("The Proxy.DestinationServiceName configuration is invalid for a terminating-gateway");
    assertThatThrownBy(() -> read("{\"Connect\":{\"Native\":true}}", MeshFields.Source.AGENT_API, 0))
        .hasMessage("Validation failed: Port or SocketPath must be set for a Connect native service.");
    assertThatThrownBy(() -> agent("{\"Connect\":{\"SidecarService\":{\"ID\":\"mine\"}}}"))
        .hasMessageContaining("A SidecarService cannot specify an ID as this is managed by the agent");
  }

  @Test
  void theAgentChecksTheFamilyOfTheWellKnownTaggedAddresses() throws Exception {
    assertThatThrownBy(() -> agent("{\"TaggedAddresses\":{\"lan_ipv4\":{\"Address\":\"::1\"}}}"))
        .hasMessage("Validation failed: Service tagged address \"lan_ipv4\" must be a valid ipv4 address");
    assertThatThrownBy(() -> agent("{\"TaggedAddresses\":{\"lan_ipv6\":{\"Address\":\"10.0.0.1\"}}}"))
        .hasMessageContaining("\"lan_ipv6\" must be a valid ipv6 address");
    assertThat(agent("{\"TaggedAddresses\":{\"lan_ipv6\":{\"Address\":\"2001:db8::1\"},\"wan_ipv4\":{\"Address\":\"192.0.2.1\"}}}")
        .taggedAddresses()).hasSize(2);
    // The catalog stores what it is given, as Consul's does.
    assertThat(read("{\"TaggedAddresses\":{\"lan_ipv4\":{\"Address\":\"not-an-ip\"}}}", MeshFields.Source.CATALOG_API, 0)
        .taggedAddresses()).containsKey("lan_ipv4");
  }

  @Test
  void addressesAreToldApartAsGoTellsThem() {
    assertThat(MeshValidation.isIpv4("10.0.0.1")).isTrue();
    assertThat(MeshValidation.isIpv4("::ffff:10.0.0.1")).isTrue();
    assertThat(MeshValidation.isIpv4("2001:db8::1")).isFalse();
    assertThat(MeshValidation.isIpv4("fe80:0:0:0:0:0:0:1")).isFalse();
    assertThat(MeshValidation.isIpv4("::")).isFalse();
    for (String bad : new String[] {"010.0.0.1", "256.0.0.1", "1.2.3", "1::2::3", "1:2:3:4:5:6:7:8:9", "host", ""}) {
      assertThat(MeshValidation.isIpv4(bad)).as(bad).isNull();
    }
  }

  @Test
  void theAgentDropsASidecarServiceTheCatalogKeeps() throws Exception {
    String body = "{\"Connect\":{\"SidecarService\":{\"Port\":21000},\"Native\":false}}";
    assertThat(agent(body).connect()).isNull();
    assertThat(read(body, MeshFields.Source.CATALOG_API, 80).connect()).isEqualTo("{\"SidecarService\":{\"Port\":21000}}");
  }

  @Test
  void aConfigFileReadsAnUnknownKindAsTypicalAndRefusesUnknownKeys() throws Exception {
    assertThat(read("{\"kind\":\"frobnicator\"}", MeshFields.Source.CONFIG_FILE, 80).kind()).isNull();
    assertThat(agent("{\"Kind\":\"frobnicator\"}").kind()).isEqualTo("frobnicator");
    assertThatThrownBy(() -> read("{\"kind\":\"connect-proxy\",\"proxy\":{\"destination_service_name\":\"web\","
        + "\"upstreams\":[{\"destination_name\":\"db\",\"local_bind_port\":1,\"colour\":\"red\"}]}}",
        MeshFields.Source.CONFIG_FILE, 80)).hasMessageContaining("unknown key \"colour\"");
    // The API ignores what it does not know, as Go's decoder does.
    assertThat(agent("{\"Proxy\":{\"DestinationServiceName\":\"web\",\"Colour\":\"red\"}}").proxy())
        .isEqualTo("{\"DestinationServiceName\":\"web\"}");
  }

  @Test
  void aCatalogCheckDefinitionIsKeptAsConsulWritesIt() throws Exception {
    String def = CatalogCheckDefinition.read(new Fields(JSON.readTree("{\"http\":\"http://10.0.0.1/h\",\"interval\":\"90s\","
        + "\"Timeout\":2000000000,\"TTL\":\"15s\",\"Header\":{\"b\":[\"2\"],\"a\":\"1\"},\"TLSSkipVerify\":false,"
        + "\"Method\":\"\",\"DeregisterCriticalServiceAfter\":\"1h\"}"), "Definition"));
    assertThat(def).isEqualTo("{\"Interval\":\"1m30s\",\"Timeout\":\"2s\",\"DeregisterCriticalServiceAfter\":\"1h0m0s\","
        + "\"HTTP\":\"http://10.0.0.1/h\",\"Header\":{\"a\":[\"1\"],\"b\":[\"2\"]},\"TTL\":15000000000}");
    assertThat(CatalogCheckDefinition.read(new Fields(JSON.readTree("{\"Interval\":\"0s\",\"HTTP\":\"\"}"), "d"))).isNull();
    assertThatThrownBy(() -> CatalogCheckDefinition.read(new Fields(JSON.readTree("{\"Interval\":\"soon\"}"), "Definition")))
        .hasMessageContaining("Definition.Interval");
  }
}
