package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Image;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import io.cairn.state.StateStore;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A restore's records are checked one by one (what they refer to is state/ImageCheckTest's). Images are a real store's, broken one field at a
 * time through their JSON form, so the test does not depend on the image's constructor.
 */
class RestoreValidationTest {
  private static ObjectNode realImage() {
    StateStore store = new StateStore();
    HealthCheck serf = new HealthCheck("", "serfHealth", "Serf", CheckStatus.PASSING, null, null, null, null, null, null, null, null, 0, 0);
    HealthCheck webCheck = new HealthCheck("", "web-check", "web", CheckStatus.PASSING, null, null, "web1", null, null, null, null, null, 0, 0);
    store.apply(1, new Command.CatalogRegister("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), false,
        new ServiceInstance("", "web1", "web", List.of("v1"), "", 80, Map.of(), false, 1, 1, 0, 0), List.of(serf, webCheck)));
    store.apply(2, new Command.SessionCreate(new Session("s1", "lock", "n1", List.of("serfHealth"), List.of(), 0, null, "", 0, 0)));
    store.apply(3, new Command.KvSet("a/b", "v".getBytes(), 0, null, "s1", null));
    store.apply(4, new Command.KvSet("c", "w".getBytes(), 0, null, null, null));
    return Wire.JSON.valueToTree(store.image());
  }

  private static Image read(ObjectNode json) throws Exception {
    return Wire.JSON.readerFor(Image.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
  }

  private static void refused(Consumer<ObjectNode> breakIt, String expected) throws Exception {
    ObjectNode json = realImage();
    breakIt.accept(json);
    Image img = read(json);
    assertThatThrownBy(() -> RestoreValidation.records(img)).isInstanceOf(ApiException.class)
        .hasMessageStartingWith("Invalid snapshot: ").hasMessageContaining(expected);
  }

  private static ObjectNode first(ObjectNode json, String list) {
    return (ObjectNode) json.get(list).get(0);
  }

  @Test
  void aRealStoresImagePasses() throws Exception {
    assertThatCode(() -> RestoreValidation.records(read(realImage()))).doesNotThrowAnyException();
  }

  @Test
  void nodesNeedANameAndAnAddress() throws Exception {
    refused(j -> first(j, "nodes").putNull("name"), "nodes[0].name is missing");
    refused(j -> first(j, "nodes").put("address", ""), "has no address");
  }

  @Test
  void servicesAndChecksNeedTheirNamesAndANode() throws Exception {
    refused(j -> first(j, "services").putNull("id"), "services[0].id is missing");
    refused(j -> first(j, "services").put("name", ""), "services[0].name is missing");
    refused(j -> first(j, "checks").putNull("node"), "checks[0].node is missing");
  }

  @Test
  void whatTheCatalogKeepsAsJsonIsAJsonObject() throws Exception {
    refused(j -> first(j, "services").put("proxy", "{\"DestinationServiceName\":"), "services[0].proxy is not JSON");
    refused(j -> first(j, "services").put("connect", "[true]"), "services[0].connect is not a JSON object");
    refused(j -> first(j, "checks").put("definition", "HTTP"), "checks[0].definition is not JSON");
    ObjectNode fine = realImage();
    first(fine, "services").put("proxy", "{\"DestinationServiceName\":\"web\"}");
    assertThatCode(() -> RestoreValidation.records(read(fine))).doesNotThrowAnyException();
  }

  @Test
  void keysAreNonEmptyWithoutNulAndWithinLimits() throws Exception {
    refused(j -> first(j, "kv").putNull("key"), "kv[0].key is missing");
    refused(j -> first(j, "kv").put("key", "x\u0000y"), "NUL");
    refused(j -> first(j, "kv").put("key", "k".repeat(KvApi.MAX_KEY_BYTES + 1)), "longer than");
    refused(j -> first(j, "kv").put("value", new byte[KvApi.MAX_VALUE_BYTES + 1]), "byte limit");
  }

  @Test
  void sessionsHaveANodeAndAKnownBehavior() throws Exception {
    refused(j -> ((ObjectNode) j.get("sessions").get("s1")).putNull("node"), "session \"s1\" has no node");
    refused(j -> ((ObjectNode) j.get("sessions").get("s1")).put("behavior", "explode"), "unknown behavior");
    refused(j -> ((ObjectNode) j.get("sessions").get("s1")).put("ttl", "soon"), "invalid TTL");
  }
}
