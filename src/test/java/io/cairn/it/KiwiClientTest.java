package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.AgentClient;
import org.kiwiproject.consul.CatalogClient;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.HealthClient;
import org.kiwiproject.consul.KeyValueClient;
import org.kiwiproject.consul.model.State;
import org.kiwiproject.consul.model.agent.Agent;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.agent.Member;
import org.kiwiproject.consul.model.agent.Registration;
import org.kiwiproject.consul.model.catalog.CatalogNode;
import org.kiwiproject.consul.model.catalog.CatalogService;
import org.kiwiproject.consul.model.health.HealthCheck;
import org.kiwiproject.consul.model.health.Node;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.model.kv.Value;
import org.kiwiproject.consul.option.ImmutablePutOptions;

/** kiwiproject's consul-client 1.12.1 (the maintained fork of Orbitz's client) against a real agent. */
class KiwiClientTest {
  private static TestAgent agent;
  private static Consul consul;
  private static AgentClient agentClient;
  private static KeyValueClient kv;
  private static HealthClient health;
  private static CatalogClient catalog;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    consul = Consul.builder().withHostAndPort(HostAndPort.fromParts(agent.host(), agent.port())).build();
    agentClient = consul.agentClient();
    kv = consul.keyValueClient();
    health = consul.healthClient();
    catalog = consul.catalogClient();
  }

  @AfterAll
  static void stop() {
    if (consul != null) consul.destroy();
    if (agent != null) agent.close();
  }

  private static List<String> healthyIds(String service) {
    return health.getHealthyServiceInstances(service).getResponse().stream().map(h -> h.getService().getId()).toList();
  }

  private static List<String> checkIdsIn(State state) {
    return health.getChecksByState(state).getResponse().stream().map(HealthCheck::getCheckId).toList();
  }

  // --- KV ---

  @Test
  void putGetDeleteWithSlashesInTheKey() {
    assertThat(kv.putValue("kiwi/a/b/c", "hello")).isTrue();

    Optional<Value> v = kv.getValue("kiwi/a/b/c");
    assertThat(v).isPresent();
    assertThat(v.get().getKey()).isEqualTo("kiwi/a/b/c");
    assertThat(v.get().getValueAsString(StandardCharsets.UTF_8)).contains("hello");
    assertThat(kv.getValueAsString("kiwi/a/b/c", StandardCharsets.UTF_8)).contains("hello");

    kv.deleteKey("kiwi/a/b/c");
    assertThat(kv.getValue("kiwi/a/b/c")).isEmpty();
  }

  @Test
  void aValueWithoutBodyIsStoredAsNull() {
    assertThat(kv.putValue("kiwi/empty")).isTrue();
    Optional<Value> v = kv.getValue("kiwi/empty");
    assertThat(v).isPresent();
    assertThat(v.get().getValue()).isEmpty();
  }

  @Test
  void casPutSucceedsOnceWithTheModifyIndex() {
    kv.putValue("kiwi/cas/key", "v1");
    long index = kv.getValue("kiwi/cas/key").orElseThrow().getModifyIndex();

    assertThat(kv.putValue("kiwi/cas/key", "v2", 0L, ImmutablePutOptions.builder().cas(index).build())).isTrue();
    assertThat(kv.putValue("kiwi/cas/key", "v3", 0L, ImmutablePutOptions.builder().cas(index).build())).isFalse();
    assertThat(kv.getValueAsString("kiwi/cas/key", StandardCharsets.UTF_8)).contains("v2");
  }

  @Test
  void putWithFlagsKeepsThem() {
    kv.putValue("kiwi/flags", "x", 7L);
    assertThat(kv.getValue("kiwi/flags").orElseThrow().getFlags()).isEqualTo(7L);
  }

  @Test
  void getValuesAndGetKeysListAPrefix() {
    kv.putValue("kiwi/list/a", "1");
    kv.putValue("kiwi/list/b/c", "2");
    kv.putValue("kiwi/list/b/d", "3");

    assertThat(kv.getValues("kiwi/list/")).extracting(Value::getKey)
        .containsExactly("kiwi/list/a", "kiwi/list/b/c", "kiwi/list/b/d");
    assertThat(kv.getValuesAsString("kiwi/list/", StandardCharsets.UTF_8)).containsExactly("1", "2", "3");
    assertThat(kv.getKeys("kiwi/list/")).containsExactly("kiwi/list/a", "kiwi/list/b/c", "kiwi/list/b/d");
    assertThat(kv.getKeys("kiwi/list/", "/")).containsExactly("kiwi/list/a", "kiwi/list/b/");
    assertThat(kv.getValues("kiwi/none/")).isEmpty();
    assertThat(kv.getKeys("kiwi/none/")).isEmpty();

    kv.deleteKeys("kiwi/list/");
    assertThat(kv.getKeys("kiwi/list/")).isEmpty();
  }

  // --- agent: HTTP and TTL checks ---

  @Test
  void httpCheckAgainstARealServerMovesTheInstanceInAndOutOfHealthy() throws Exception {
    AtomicInteger answer = new AtomicInteger(200);
    AtomicInteger probes = new AtomicInteger();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/health", ex -> {
      probes.incrementAndGet();
      byte[] body = (answer.get() == 200 ? "ok" : "boom").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(answer.get(), body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    target.start();
    try {
      String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/health";
      agentClient.register(ImmutableRegistration.builder()
          .id("kiwi-http-1").name("kiwi-http").address("127.0.0.1").port(target.getAddress().getPort())
          .check(Registration.RegCheck.http(url, 1))
          .build());
      assertThat(agentClient.isRegistered("kiwi-http-1")).isTrue();

      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(healthyIds("kiwi-http")).containsExactly("kiwi-http-1"));
      assertThat(probes.get()).isPositive();
      HealthCheck passing = agentClient.getChecks().get("service:kiwi-http-1");
      assertThat(passing.getStatus()).isEqualTo("passing");
      assertThat(passing.getOutput()).hasValueSatisfying(o -> assertThat(o).contains("200"));

      answer.set(500);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        assertThat(healthyIds("kiwi-http")).isEmpty();
        assertThat(checkIdsIn(State.FAIL)).contains("service:kiwi-http-1");
      });
      assertThat(agentClient.getChecks().get("service:kiwi-http-1").getOutput())
          .hasValueSatisfying(o -> assertThat(o).contains("500"));
      assertThat(health.getAllServiceInstances("kiwi-http").getResponse()).extracting(h -> h.getService().getId())
          .containsExactly("kiwi-http-1");
    } finally {
      target.stop(0);
      agentClient.deregister("kiwi-http-1");
    }
  }

  @Test
  void ttlCheckStartsCriticalPassesThenExpires() throws Exception {
    agentClient.register(ImmutableRegistration.builder()
        .id("kiwi-ttl-1").name("kiwi-ttl").port(7000)
        .check(Registration.RegCheck.ttl(2))
        .build());

    assertThat(agentClient.getChecks().get("service:kiwi-ttl-1").getStatus()).isEqualTo("critical");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(checkIdsIn(State.FAIL)).contains("service:kiwi-ttl-1"));
    assertThat(healthyIds("kiwi-ttl")).isEmpty();

    agentClient.pass("kiwi-ttl-1", "fine");
    AtomicLong passedAt = new AtomicLong(System.nanoTime());
    assertThat(agentClient.getChecks().get("service:kiwi-ttl-1").getStatus()).isEqualTo("passing");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(healthyIds("kiwi-ttl")).containsExactly("kiwi-ttl-1");
      assertThat(checkIdsIn(State.PASS)).contains("service:kiwi-ttl-1");
    });

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
        assertThat(agentClient.getChecks().get("service:kiwi-ttl-1").getStatus()).isEqualTo("critical"));
    Duration lived = Duration.ofNanos(System.nanoTime() - passedAt.get());
    assertThat(lived).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(agentClient.getChecks().get("service:kiwi-ttl-1").getOutput())
        .hasValueSatisfying(o -> assertThat(o).startsWith("TTL expired"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(checkIdsIn(State.FAIL)).contains("service:kiwi-ttl-1");
      assertThat(healthyIds("kiwi-ttl")).isEmpty();
    });

    agentClient.deregister("kiwi-ttl-1");
    assertThat(agentClient.isRegistered("kiwi-ttl-1")).isFalse();
  }

  @Test
  void checksByStateAnyHoldsTheNodeHealthCheck() {
    List<HealthCheck> any = health.getChecksByState(State.ANY).getResponse();
    assertThat(any).extracting(HealthCheck::getCheckId).contains("serfHealth");
    assertThat(health.getNodeChecks(TestAgent.NODE).getResponse()).extracting(HealthCheck::getCheckId).contains("serfHealth");
  }

  // --- catalog, status, agent info ---

  @Test
  void catalogReadsShowAnAgentService() {
    agentClient.register(ImmutableRegistration.builder()
        .id("kiwi-cat-1").name("kiwi-cat").port(9191).address("10.1.2.3").tags(List.of("t1")).meta(Map.of("m", "1"))
        .build());

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(catalog.getServices().getResponse()).containsEntry("kiwi-cat", List.of("t1")));

    List<CatalogService> instances = catalog.getService("kiwi-cat").getResponse();
    assertThat(instances).hasSize(1);
    CatalogService cs = instances.getFirst();
    assertThat(cs.getServiceId()).isEqualTo("kiwi-cat-1");
    assertThat(cs.getServicePort()).isEqualTo(9191);
    assertThat(cs.getServiceAddress()).isEqualTo("10.1.2.3");
    assertThat(cs.getServiceMeta()).containsEntry("m", "1");
    assertThat(cs.getNode()).isEqualTo(TestAgent.NODE);

    assertThat(catalog.getNodes().getResponse()).extracting(Node::getNode).contains(TestAgent.NODE);
    CatalogNode node = catalog.getNode(TestAgent.NODE).getResponse();
    assertThat(node.getNode().getNode()).isEqualTo(TestAgent.NODE);
    assertThat(node.getServices()).containsKey("kiwi-cat-1");
    assertThat(node.getServices().get("kiwi-cat-1").getPort()).isEqualTo(9191);

    List<ServiceHealth> all = health.getAllServiceInstances("kiwi-cat").getResponse();
    assertThat(all).hasSize(1);
    assertThat(all.getFirst().getNode().getNode()).isEqualTo(TestAgent.NODE);
  }

  @Test
  void consulResponsesCarryTheIndexHeaders() {
    var r = catalog.getNodes();
    assertThat(r.getIndex()).isPositive();
    assertThat(r.isKnownLeader()).isTrue();
  }

  @Test
  void statusNamesTheLeaderAsTheOnlyPeer() {
    String leader = consul.statusClient().getLeader();
    assertThat(leader).matches("[^:]+:\\d+");
    assertThat(consul.statusClient().getPeers()).containsExactly(leader);
  }

  @Test
  void agentInfoMembersAndPing() {
    assertThatCode(agentClient::ping).doesNotThrowAnyException();

    Agent self = agentClient.getAgent();
    assertThat(self.getConfig().getNodeName()).isEqualTo(TestAgent.NODE);
    assertThat(self.getConfig().getDatacenter()).isEqualTo("dc1");
    assertThat(self.getConfig().getServer()).isTrue();
    assertThat(self.getMember().getName()).isEqualTo(TestAgent.NODE);

    List<Member> members = agentClient.getMembers();
    assertThat(members).extracting(Member::getName).containsExactly(TestAgent.NODE);
    assertThat(members.getFirst().getStatus()).isEqualTo(1);
  }
}
