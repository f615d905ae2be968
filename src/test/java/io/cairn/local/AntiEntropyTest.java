package io.cairn.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.checks.CheckDefinition;
import io.cairn.http.Definitions;
import io.cairn.http.Fields;
import io.cairn.checks.CheckType;
import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import io.cairn.state.ServiceInstance;
import io.cairn.state.StateStore;
import io.cairn.state.WatchSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The periodic full sync against a real state store: it writes what differs from the catalog
 * and nothing else, so an idle cluster's Raft log does not grow by a node's worth every minute.
 */
class AntiEntropyTest {
  private final StateStore store = new StateStore();
  private final List<Command> written = new ArrayList<>();
  private long index = 1;
  private LocalState local;
  private AntiEntropy sync;

  /** The catalog as a server's port reaches it, with every write counted. */
  private final CatalogPort port = new CatalogPort() {
    @Override
    public Outcome write(Command command) {
      written.add(command);
      return store.apply(++index, command).getFirst();
    }

    @Override
    public Optional<NodeServices> nodeServices(String node) {
      return store.nodeServices(new WatchSet(), node).value();
    }

    @Override
    public List<HealthCheck> nodeChecks(String node) {
      return store.nodeChecks(new WatchSet(), node).value();
    }
  };

  @BeforeEach
  void setUp() {
    NodeIdentity node = new NodeIdentity("id-1", "n1", "10.0.0.1", "dc1", Map.of(), Map.of("rack", "r1"));
    local = new LocalState(node, Clock.systemUTC(), Duration.ofMinutes(5));
    local.attach(null, () -> {});
    ServiceInstance server = new ServiceInstance("", "consul", "consul", List.of(), "", 8300, Map.of(), false, 1, 1, 0, 0);
    sync = new AntiEntropy(local, port, Clock.systemUTC(), Duration.ofMinutes(1), true, server);
    local.addService(new ServiceInstance("", "web1", "web", List.of("v1"), "", 80, Map.of(), false, 1, 1, 0, 0),
        List.of(ttl("web-ttl", "web1")), false);
    local.addCheck(ttl("disk", ""));
  }

  private static CheckDefinition ttl(String id, String serviceId) {
    return new CheckDefinition(id, id, "", serviceId, CheckType.TTL, null, null, Map.of(), null, false, null, List.of(),
        Duration.ofSeconds(30), null, null, null, 0, 0, CheckStatus.CRITICAL);
  }

  @Test
  void aFullSyncWithNothingChangedWritesNothing() {
    sync.fullSync();
    assertThat(written).isNotEmpty();
    written.clear();
    sync.fullSync();
    sync.fullSync();
    assertThat(written).isEmpty();
  }

  @Test
  void aFullSyncWritesOnlyWhatDiffers() {
    sync.fullSync();
    written.clear();
    local.updateTtl("disk", CheckStatus.PASSING, "ok");
    local.takePending();  // as if the change-driven push had been lost: the full sync must find it
    sync.fullSync();
    assertThat(written).hasSize(1);
    assertThat(store.nodeChecks(new WatchSet(), "n1").value())
        .filteredOn(c -> c.checkId().equals("disk")).extracting(HealthCheck::status).containsExactly(CheckStatus.PASSING);
  }

  @Test
  void aFullSyncRepairsWhatWasChangedInTheCatalogBehindTheAgentsBack() {
    sync.fullSync();
    port.write(new Command.CatalogDeregister("n1", "web1", null));
    port.write(new Command.CatalogRegister("", "n1", "10.9.9.9", "dc1", Map.of(), Map.of(), false, null, List.of()));
    port.write(new Command.CatalogRegister("", "n1", "", "dc1", Map.of(), Map.of(), true,
        new ServiceInstance("n1", "stray", "stray", List.of(), "", 1, Map.of(), false, 1, 1, 0, 0), List.of()));
    written.clear();
    sync.fullSync();
    NodeServices n1 = store.nodeServices(new WatchSet(), "n1").value().orElseThrow();
    assertThat(n1.node().address()).isEqualTo("10.0.0.1");
    assertThat(n1.services()).extracting(ServiceInstance::id).containsExactlyInAnyOrder("consul", "web1");
    written.clear();
    sync.fullSync();
    assertThat(written).isEmpty();
  }

  private ServiceInstance proxy(int upstreamPort) throws Exception {
    String body = "{\"Name\":\"web-proxy\",\"Kind\":\"connect-proxy\",\"Port\":21000,"
        + "\"TaggedAddresses\":{\"wan\":{\"Address\":\"198.51.100.1\",\"Port\":443}},\"Locality\":{\"Region\":\"eu\"},"
        + "\"Proxy\":{\"DestinationServiceName\":\"web\",\"Config\":{\"b\":2,\"a\":1},"
        + "\"Upstreams\":[{\"DestinationName\":\"db\",\"LocalBindPort\":" + upstreamPort + "}]}}";
    Fields f = new Fields(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body), "service");
    return Definitions.service(f, false, false).service();
  }

  @Test
  void passThroughFieldsSyncOnceAndAgainOnlyWhenTheyChange() throws Exception {
    local.addService(proxy(9191), List.of(), false);
    sync.fullSync();
    ServiceInstance synced = store.nodeServices(new WatchSet(), "n1").value().orElseThrow().services().stream()
        .filter(s -> s.id().equals("web-proxy")).findFirst().orElseThrow();
    assertThat(synced.kind()).isEqualTo("connect-proxy");
    assertThat(synced.proxy()).contains("\"LocalBindPort\":9191");
    written.clear();
    sync.fullSync();
    local.addService(proxy(9191), List.of(), false);  // registered again, unchanged
    local.takePending();
    sync.fullSync();
    assertThat(written).isEmpty();

    local.addService(proxy(9292), List.of(), false);
    local.takePending();  // the change-driven push lost: the full sync must find the difference
    sync.fullSync();
    assertThat(written).hasSize(1);
    assertThat(((Command.CatalogRegister) written.getFirst()).service().proxy()).contains("\"LocalBindPort\":9292");
  }
}
