package io.cairn.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What an image's records refer to must be there as a whole: a real store's image, broken one
 * reference at a time through its JSON form, is refused, and a restore of it changes nothing.
 */
class ImageCheckTest {
  private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static ObjectNode realImage() {
    StateStore store = new StateStore();
    HealthCheck serf = new HealthCheck("", "serfHealth", "Serf", CheckStatus.PASSING, null, null, null, null, null, null, null, null, 0, 0);
    HealthCheck webCheck = new HealthCheck("", "web-check", "web", CheckStatus.PASSING, null, null, "web1", null, null, null, null, null, 0, 0);
    store.apply(1, new Command.CatalogRegister("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), false,
        new ServiceInstance("", "web1", "web", List.of("v1"), "", 80, Map.of(), false, 1, 1, 0, 0), List.of(serf, webCheck)));
    store.apply(2, new Command.SessionCreate(new Session("s1", "lock", "n1", List.of("serfHealth"), List.of(), 0, null, "", 0, 0)));
    store.apply(3, new Command.KvSet("a/b", "v".getBytes(StandardCharsets.UTF_8), 0, null, "s1", null));
    return JSON.valueToTree(store.image());
  }

  private static ObjectNode first(ObjectNode json, String list) {
    return (ObjectNode) json.get(list).get(0);
  }

  private static void refused(Consumer<ObjectNode> breakIt, String expected) throws Exception {
    ObjectNode json = realImage();
    breakIt.accept(json);
    Image img = JSON.treeToValue(json, Image.class);
    assertThat(ImageCheck.problem(img)).contains(expected);
    StateStore target = new StateStore();
    target.apply(1, new Command.KvSet("keep", new byte[] {1}, 0, null));
    assertThat(target.apply(2, new Command.Restore(img)).getFirst().error()).startsWith("Invalid snapshot: ").contains(expected);
    assertThat(target.kvGet(new WatchSet(), "keep").value()).isPresent();
  }

  @Test
  void aRealStoresImageHasNoProblem() throws Exception {
    assertThat(ImageCheck.problem(JSON.treeToValue(realImage(), Image.class))).isNull();
  }

  @Test
  void nodesServicesAndChecksAppearOnce() throws Exception {
    refused(j -> ((ArrayNode) j.get("nodes")).add(first(j, "nodes").deepCopy()), "node \"n1\" appears twice");
    refused(j -> ((ArrayNode) j.get("services")).add(first(j, "services").deepCopy()), "appears twice on node \"n1\"");
    refused(j -> ((ArrayNode) j.get("checks")).add(first(j, "checks").deepCopy()), "appears twice on node \"n1\"");
  }

  @Test
  void servicesChecksAndSessionsAreOnNodesThatExist() throws Exception {
    refused(j -> first(j, "services").put("node", "ghost"), "service \"web1\" is on an unknown node");
    refused(j -> first(j, "checks").put("node", "ghost"), "is on an unknown node");
    refused(j -> first(j, "checks").put("serviceId", "ghost"), "unknown service \"ghost\"");
    refused(j -> ((ObjectNode) j.get("sessions").get("s1")).put("node", "ghost"), "session \"s1\" is on an unknown node");
  }

  @Test
  void locksAreHeldBySessionsThatExist() throws Exception {
    refused(j -> ((ObjectNode) j.get("sessions")).removeAll(), "locked by an unknown session \"s1\"");
  }

  @Test
  void aServicesTaggedAddressesAreComplete() throws Exception {
    refused(j -> first(j, "services").putObject("taggedAddresses").putNull("wan"), "service \"web1\" has an empty tagged address");
  }
}
