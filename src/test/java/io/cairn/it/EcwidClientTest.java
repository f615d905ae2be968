package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.agent.model.Check;
import com.ecwid.consul.v1.agent.model.Member;
import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.agent.model.Self;
import com.ecwid.consul.v1.agent.model.Service;
import com.ecwid.consul.v1.catalog.model.CatalogNode;
import com.ecwid.consul.v1.catalog.model.CatalogRegistration;
import com.ecwid.consul.v1.catalog.model.CatalogService;
import com.ecwid.consul.v1.catalog.model.Node;
import com.ecwid.consul.v1.health.model.HealthService;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ecwid's consul-api 1.4.5 against a real agent: what Spring Cloud Consul users send. */
class EcwidClientTest {
  private static TestAgent agent;
  private static ConsulClient consul;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
    consul = new ConsulClient(agent.host(), agent.port());
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static List<String> names(List<HealthService> entries) {
    return entries.stream().map(e -> e.getService().getId()).toList();
  }

  // --- KV ---

  @Test
  void setGetDeleteRoundTripsAValue() {
    assertThat(consul.setKVValue("ecwid/basic/key", "hello").getValue()).isTrue();

    Response<GetValue> got = consul.getKVValue("ecwid/basic/key");
    assertThat(got.getValue().getKey()).isEqualTo("ecwid/basic/key");
    assertThat(got.getValue().getDecodedValue()).isEqualTo("hello");
    assertThat(got.getConsulIndex()).isPositive();
    assertThat(got.getValue().getCreateIndex()).isPositive();
    assertThat(got.getValue().getModifyIndex()).isGreaterThanOrEqualTo(got.getValue().getCreateIndex());

    consul.deleteKVValue("ecwid/basic/key");
    Response<GetValue> gone = consul.getKVValue("ecwid/basic/key");
    assertThat(gone.getValue()).isNull();
    assertThat(gone.getConsulIndex()).isPositive();
  }

  @Test
  void missingKeyReadsAsNullValueWithAnIndex() {
    Response<GetValue> r = consul.getKVValue("ecwid/never/written");
    assertThat(r.getValue()).isNull();
    assertThat(r.getConsulIndex()).isPositive();
  }

  @Test
  void casPutSucceedsWithTheCurrentModifyIndexAndFailsWithAStaleOne() {
    consul.setKVValue("ecwid/cas", "v1");
    long index = consul.getKVValue("ecwid/cas").getValue().getModifyIndex();

    PutParams ok = new PutParams();
    ok.setCas(index);
    assertThat(consul.setKVValue("ecwid/cas", "v2", ok).getValue()).isTrue();
    assertThat(consul.getKVValue("ecwid/cas").getValue().getDecodedValue()).isEqualTo("v2");

    PutParams stale = new PutParams();
    stale.setCas(index);
    assertThat(consul.setKVValue("ecwid/cas", "v3", stale).getValue()).isFalse();
    assertThat(consul.getKVValue("ecwid/cas").getValue().getDecodedValue()).isEqualTo("v2");
  }

  @Test
  void casZeroCreatesOnlyWhenTheKeyDoesNotExist() {
    PutParams create = new PutParams();
    create.setCas(0L);
    assertThat(consul.setKVValue("ecwid/cas0", "first", create).getValue()).isTrue();
    assertThat(consul.setKVValue("ecwid/cas0", "second", create).getValue()).isFalse();
    assertThat(consul.getKVValue("ecwid/cas0").getValue().getDecodedValue()).isEqualTo("first");
  }

  @Test
  void flagsAreStoredWithTheValue() {
    PutParams p = new PutParams();
    p.setFlags(42);
    consul.setKVValue("ecwid/flags", "x", p);
    assertThat(consul.getKVValue("ecwid/flags").getValue().getFlags()).isEqualTo(42);
  }

  @Test
  void getKVValuesRecursesUnderAPrefix() {
    consul.setKVValue("ecwid/tree/a", "1");
    consul.setKVValue("ecwid/tree/b/c", "2");
    consul.setKVValue("ecwid/treeish", "3");

    List<GetValue> values = consul.getKVValues("ecwid/tree/").getValue();
    assertThat(values).extracting(GetValue::getKey).containsExactly("ecwid/tree/a", "ecwid/tree/b/c");
    assertThat(values).extracting(GetValue::getDecodedValue).containsExactly("1", "2");

    assertThat(consul.getKVValues("ecwid/tree").getValue()).extracting(GetValue::getKey)
        .containsExactly("ecwid/tree/a", "ecwid/tree/b/c", "ecwid/treeish");
    assertThat(consul.getKVValues("ecwid/nothing-here/").getValue()).isNull();
  }

  @Test
  void getKVKeysOnlyListsKeysAndFoldsAtTheSeparator() {
    consul.setKVValue("ecwid/keys/a", "1");
    consul.setKVValue("ecwid/keys/b/c", "2");
    consul.setKVValue("ecwid/keys/b/d", "3");

    assertThat(consul.getKVKeysOnly("ecwid/keys/").getValue())
        .containsExactly("ecwid/keys/a", "ecwid/keys/b/c", "ecwid/keys/b/d");
    assertThat(consul.getKVKeysOnly("ecwid/keys/", "/", null).getValue())
        .containsExactly("ecwid/keys/a", "ecwid/keys/b/");
  }

  @Test
  void deleteKVValuesRemovesAWholeTree() {
    consul.setKVValue("ecwid/doomed/a", "1");
    consul.setKVValue("ecwid/doomed/b/c", "2");
    consul.deleteKVValues("ecwid/doomed/");
    assertThat(consul.getKVValues("ecwid/doomed/").getValue()).isNull();
  }

  @Test
  void blockingGetIsWokenByAWriteAndSeesTheNewValue() throws Exception {
    consul.setKVValue("ecwid/watched", "before");
    Response<GetValue> first = consul.getKVValue("ecwid/watched");
    long index = first.getConsulIndex();

    long waitSeconds = 20;
    long started = System.nanoTime();
    CompletableFuture<Response<GetValue>> blocked = TestAgent.async(
        () -> consul.getKVValue("ecwid/watched", new QueryParams(waitSeconds, index)));
    // The write lands while the query is held (or, if the query is slow to arrive, before it:
    // then the index has already moved and it answers at once; either way it sees the new value).
    TestAgent.later(Duration.ofMillis(300), () -> consul.setKVValue("ecwid/watched", "after"));

    Response<GetValue> woken = blocked.get(10, TimeUnit.SECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    assertThat(woken.getValue().getDecodedValue()).isEqualTo("after");
    assertThat(woken.getConsulIndex()).isGreaterThan(index);
    assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
  }

  // --- agent: services and TTL checks ---

  @Test
  void ttlCheckDrivesTheServiceInAndOutOfPassingHealth() {
    NewService s = new NewService();
    s.setId("ecwid-web-1");
    s.setName("ecwid-web");
    s.setPort(8080);
    s.setAddress("10.0.0.5");
    s.setTags(List.of("a", "b"));
    s.setMeta(Map.of("k", "v=1"));
    NewService.Check ttl = new NewService.Check();
    ttl.setTtl("30s");
    s.setCheck(ttl);
    consul.agentServiceRegister(s);

    assertThat(consul.getAgentServices().getValue()).containsKey("ecwid-web-1");
    Service registered = consul.getAgentServices().getValue().get("ecwid-web-1");
    assertThat(registered.getService()).isEqualTo("ecwid-web");
    assertThat(registered.getPort()).isEqualTo(8080);
    assertThat(registered.getAddress()).isEqualTo("10.0.0.5");
    assertThat(registered.getTags()).containsExactly("a", "b");
    assertThat(registered.getMeta()).containsEntry("k", "v=1");
    // A new TTL check starts critical, so the instance is not among the passing ones.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(names(consul.getHealthServices("ecwid-web", false, QueryParams.DEFAULT).getValue())).contains("ecwid-web-1");
      assertThat(names(consul.getHealthServices("ecwid-web", true, QueryParams.DEFAULT).getValue())).isEmpty();
    });

    consul.agentCheckPass("service:ecwid-web-1", "all good");
    assertThat(consul.getAgentChecks().getValue().get("service:ecwid-web-1").getStatus()).isEqualTo(Check.CheckStatus.PASSING);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(names(consul.getHealthServices("ecwid-web", true, QueryParams.DEFAULT).getValue())).containsExactly("ecwid-web-1"));
    HealthService entry = consul.getHealthServices("ecwid-web", true, QueryParams.DEFAULT).getValue().getFirst();
    assertThat(entry.getNode().getNode()).isEqualTo(TestAgent.NODE);
    assertThat(entry.getService().getPort()).isEqualTo(8080);
    assertThat(entry.getChecks()).extracting(com.ecwid.consul.v1.health.model.Check::getCheckId).contains("service:ecwid-web-1", "serfHealth");

    consul.agentCheckFail("service:ecwid-web-1", "broken");
    assertThat(consul.getAgentChecks().getValue().get("service:ecwid-web-1").getStatus()).isEqualTo(Check.CheckStatus.CRITICAL);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(names(consul.getHealthServices("ecwid-web", true, QueryParams.DEFAULT).getValue())).isEmpty());

    consul.agentServiceDeregister("ecwid-web-1");
    assertThat(consul.getAgentServices().getValue()).doesNotContainKey("ecwid-web-1");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(consul.getHealthServices("ecwid-web", false, QueryParams.DEFAULT).getValue()).isEmpty());
  }

  @Test
  void agentSelfDescribesThisNode() {
    Self self = consul.getAgentSelf().getValue();
    assertThat(self.getConfig().getNodeName()).isEqualTo(TestAgent.NODE);
    assertThat(self.getConfig().getDatacenter()).isEqualTo("dc1");
    assertThat(self.getConfig().isServer()).isTrue();
    assertThat(self.getConfig().getVersion()).isNotBlank();
    assertThat(self.getMember().getName()).isEqualTo(TestAgent.NODE);
  }

  @Test
  void agentMembersListsThisNodeAlive() {
    List<Member> members = consul.getAgentMembers().getValue();
    assertThat(members).extracting(Member::getName).containsExactly(TestAgent.NODE);
    assertThat(members.getFirst().getStatus()).isEqualTo(1);
    assertThat(members.getFirst().getTags()).containsEntry("dc", "dc1").containsEntry("role", "consul");
  }

  @Test
  void agentChecksListsARegisteredServiceCheck() {
    NewService s = new NewService();
    s.setId("ecwid-checks-1");
    s.setName("ecwid-checks");
    NewService.Check ttl = new NewService.Check();
    ttl.setTtl("30s");
    s.setCheck(ttl);
    consul.agentServiceRegister(s);

    Map<String, Check> checks = consul.getAgentChecks().getValue();
    assertThat(checks).containsKey("service:ecwid-checks-1");
    Check c = checks.get("service:ecwid-checks-1");
    assertThat(c.getServiceId()).isEqualTo("ecwid-checks-1");
    assertThat(c.getServiceName()).isEqualTo("ecwid-checks");
    assertThat(c.getNode()).isEqualTo(TestAgent.NODE);
    assertThat(c.getStatus()).isEqualTo(Check.CheckStatus.CRITICAL);
  }

  // --- catalog and status ---

  @Test
  void catalogShowsAgentRegisteredServicesAndThisNode() {
    NewService s = new NewService();
    s.setId("ecwid-cat-1");
    s.setName("ecwid-cat");
    s.setPort(9090);
    s.setTags(List.of("blue"));
    consul.agentServiceRegister(s);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(consul.getCatalogServices(QueryParams.DEFAULT).getValue()).containsEntry("ecwid-cat", List.of("blue")));

    List<CatalogService> instances = consul.getCatalogService("ecwid-cat", QueryParams.DEFAULT).getValue();
    assertThat(instances).hasSize(1);
    assertThat(instances.getFirst().getServiceId()).isEqualTo("ecwid-cat-1");
    assertThat(instances.getFirst().getServicePort()).isEqualTo(9090);
    assertThat(instances.getFirst().getNode()).isEqualTo(TestAgent.NODE);
    assertThat(consul.getCatalogService("ecwid-cat", "blue", QueryParams.DEFAULT).getValue()).hasSize(1);
    assertThat(consul.getCatalogService("ecwid-cat", "green", QueryParams.DEFAULT).getValue()).isEmpty();

    assertThat(consul.getCatalogNodes(QueryParams.DEFAULT).getValue()).extracting(Node::getNode).contains(TestAgent.NODE);
    CatalogNode node = consul.getCatalogNode(TestAgent.NODE, QueryParams.DEFAULT).getValue();
    assertThat(node.getNode().getNode()).isEqualTo(TestAgent.NODE);
    assertThat(node.getServices()).containsKey("ecwid-cat-1");
    assertThat(consul.getCatalogNode("no-such-node", QueryParams.DEFAULT).getValue()).isNull();
  }

  @Test
  void catalogServicesIncludesTheConsulServiceOfEachServer() {
    assertThat(consul.getCatalogServices(QueryParams.DEFAULT).getValue()).containsKey("consul");
    List<CatalogService> servers = consul.getCatalogService("consul", QueryParams.DEFAULT).getValue();
    assertThat(servers).extracting(CatalogService::getNode).containsExactly(TestAgent.NODE);
  }

  @Test
  void statusLeaderAndPeersNameThisServer() {
    String leader = consul.getStatusLeader().getValue();
    assertThat(leader).matches("[^:]+:\\d+");
    assertThat(consul.getStatusPeers().getValue()).containsExactly(leader);
  }

  @Test
  void catalogRegisterAddsAnExternalNodeWithItsService() {
    CatalogRegistration reg = new CatalogRegistration();
    reg.setNode("ecwid-ext");
    reg.setAddress("1.2.3.4");
    CatalogRegistration.Service svc = new CatalogRegistration.Service();
    svc.setId("ext-db-1");
    svc.setService("ext-db");
    svc.setPort(5432);
    svc.setTags(List.of("primary"));
    reg.setService(svc);
    CatalogRegistration.Check chk = new CatalogRegistration.Check();
    chk.setCheckId("ext-db-alive");
    chk.setName("db alive");
    chk.setServiceId("ext-db-1");
    chk.setStatus(CatalogRegistration.CheckStatus.PASSING);
    reg.setCheck(chk);
    consul.catalogRegister(reg);

    CatalogNode node = consul.getCatalogNode("ecwid-ext", QueryParams.DEFAULT).getValue();
    assertThat(node.getNode().getAddress()).isEqualTo("1.2.3.4");
    assertThat(node.getServices()).containsKey("ext-db-1");
    assertThat(node.getServices().get("ext-db-1").getPort()).isEqualTo(5432);
    assertThat(consul.getCatalogNodes(QueryParams.DEFAULT).getValue()).extracting(Node::getNode).contains("ecwid-ext");
    List<HealthService> healthy = consul.getHealthServices("ext-db", true, QueryParams.DEFAULT).getValue();
    assertThat(healthy).hasSize(1);
    assertThat(healthy.getFirst().getNode().getNode()).isEqualTo("ecwid-ext");
    assertThat(healthy.getFirst().getService().getId()).isEqualTo("ext-db-1");
    // An external node is not this agent's: anti-entropy must leave it alone.
    assertThat(consul.getAgentServices().getValue()).doesNotContainKey("ext-db-1");
  }
}
