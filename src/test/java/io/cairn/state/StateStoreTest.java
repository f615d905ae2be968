package io.cairn.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateStoreTest {
  private final StateStore store = new StateStore();
  private long index = 10;

  private Outcome apply(Command c) {
    return store.apply(++index, c).getFirst();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Command.CatalogRegister node(String name, ServiceInstance svc, HealthCheck... checks) {
    return new Command.CatalogRegister("", name, "10.0.0.1", "dc1", Map.of(), Map.of(), false, svc, List.of(checks));
  }

  private static ServiceInstance svc(String id, String name, String... tags) {
    return new ServiceInstance("", id, name, List.of(tags), "", 80, Map.of(), false, 1, 1, 0, 0);
  }

  private static HealthCheck check(String id, String serviceId, CheckStatus status) {
    return new HealthCheck("", id, id, status, "", "", serviceId, "", List.of(), "ttl", "", "", 0, 0);
  }

  @Test
  void setStampsCreateAndModifyIndexAndKeepsCreateOnUpdate() {
    apply(new Command.KvSet("a", bytes("1"), 0, null));
    long first = index;
    apply(new Command.KvSet("a", bytes("2"), 7, null));
    KvEntry e = store.kvGet("a").value().orElseThrow();
    assertThat(e.createIndex()).isEqualTo(first);
    assertThat(e.modifyIndex()).isEqualTo(index);
    assertThat(e.flags()).isEqualTo(7);
    assertThat(store.kvGet("a").index()).isEqualTo(index);
  }

  @Test
  void casZeroOnlyCreates() {
    assertThat(apply(new Command.KvSet("k", bytes("x"), 0, 0L)).applied()).isTrue();
    assertThat(apply(new Command.KvSet("k", bytes("y"), 0, 0L)).applied()).isFalse();
    assertThat(new String(store.kvGet("k").value().orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("x");
  }

  @Test
  void casWithStaleIndexIsRefusedAndChangesNothing() {
    apply(new Command.KvSet("k", bytes("x"), 0, null));
    long modify = store.kvGet("k").value().orElseThrow().modifyIndex();
    assertThat(apply(new Command.KvSet("k", bytes("y"), 0, modify)).applied()).isTrue();
    assertThat(apply(new Command.KvSet("k", bytes("z"), 0, modify)).applied()).isFalse();
    assertThat(new String(store.kvGet("k").value().orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("y");
  }

  @Test
  void deleteWithCasNeedsTheCurrentIndex() {
    apply(new Command.KvSet("k", bytes("x"), 0, null));
    assertThat(apply(new Command.KvDelete("k", false, 1L)).applied()).isFalse();
    assertThat(store.kvGet("k").value()).isPresent();
    long modify = store.kvGet("k").value().orElseThrow().modifyIndex();
    assertThat(apply(new Command.KvDelete("k", false, modify)).applied()).isTrue();
    assertThat(store.kvGet("k").value()).isEmpty();
  }

  @Test
  void recursiveDeleteRemovesOnlyThePrefix() {
    apply(new Command.KvSet("app/a", bytes("1"), 0, null));
    apply(new Command.KvSet("app/b/c", bytes("2"), 0, null));
    apply(new Command.KvSet("apples", bytes("3"), 0, null));
    apply(new Command.KvDelete("app/", true, null));
    assertThat(store.kvList("").value()).extracting(KvEntry::key).containsExactly("apples");
  }

  @Test
  void prefixIndexMovesForwardWhenAKeyUnderItIsDeleted() {
    apply(new Command.KvSet("p/a", bytes("1"), 0, null));
    apply(new Command.KvSet("p/b", bytes("1"), 0, null));
    long before = store.kvList("p/").index();
    apply(new Command.KvDelete("p/b", false, null));
    assertThat(store.kvList("p/").index()).isGreaterThan(before).isEqualTo(index);
  }

  @Test
  void keysWithSeparatorRollUpSubfolders() {
    apply(new Command.KvSet("f/a", bytes("1"), 0, null));
    apply(new Command.KvSet("f/sub/b", bytes("1"), 0, null));
    apply(new Command.KvSet("f/sub/c", bytes("1"), 0, null));
    assertThat(store.kvKeys("f/", "/").value()).containsExactly("f/a", "f/sub/");
    assertThat(store.kvKeys("f/", null).value()).containsExactly("f/a", "f/sub/b", "f/sub/c");
  }

  @Test
  void indexIsNeverZero() {
    assertThat(store.kvGet("missing").index()).isEqualTo(1);
    assertThat(store.nodes().index()).isEqualTo(1);
  }

  @Test
  void watchOnAKeyFiresOnlyForThatKey() {
    try (Watch w = store.watch(List.of(new Topic.KvKey("x")))) {
      apply(new Command.KvSet("y", bytes("1"), 0, null));
      assertThat(w.hasFired()).isFalse();
      apply(new Command.KvSet("x", bytes("1"), 0, null));
      assertThat(w.hasFired()).isTrue();
    }
    assertThat(store.openWatches()).isZero();
  }

  @Test
  void watchOnAPrefixFiresForKeysUnderIt() {
    try (Watch w = store.watch(List.of(new Topic.KvPrefix("cfg/")))) {
      apply(new Command.KvSet("other", bytes("1"), 0, null));
      assertThat(w.hasFired()).isFalse();
      apply(new Command.KvSet("cfg/db/url", bytes("1"), 0, null));
      assertThat(w.hasFired()).isTrue();
    }
  }

  @Test
  void refusedCasDoesNotWakeWatchers() {
    apply(new Command.KvSet("x", bytes("1"), 0, null));
    try (Watch w = store.watch(List.of(new Topic.KvKey("x")))) {
      apply(new Command.KvSet("x", bytes("2"), 0, 0L));
      assertThat(w.hasFired()).isFalse();
    }
  }

  @Test
  void deregisteringANodeRemovesItsServicesAndChecks() {
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING), check("serfHealth", "", CheckStatus.PASSING)));
    assertThat(store.serviceEntries("web").value()).hasSize(1);
    apply(new Command.CatalogDeregister("n1", null, null));
    assertThat(store.nodes().value()).isEmpty();
    assertThat(store.serviceEntries("web").value()).isEmpty();
    assertThat(store.checks().value()).isEmpty();
    assertThat(store.services().value()).doesNotContainKey("web");
  }

  @Test
  void deregisteringAServiceRemovesItsChecksButKeepsNodeChecks() {
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING), check("serfHealth", "", CheckStatus.PASSING)));
    apply(new Command.CatalogDeregister("n1", "web1", null));
    assertThat(store.nodeChecks("n1").value()).extracting(HealthCheck::checkId).containsExactly("serfHealth");
  }

  @Test
  void checkForUnknownServiceIsRefusedAndNothingChanges() {
    Outcome o = apply(node("n1", null, check("c1", "nope", CheckStatus.PASSING)));
    assertThat(o.error()).contains("nope");
    assertThat(store.nodes().value()).isEmpty();
  }

  @Test
  void nodeCheckCountsAgainstEveryServiceOnTheNode() {
    apply(node("n1", svc("web1", "web"), check("serfHealth", "", CheckStatus.PASSING)));
    assertThat(store.serviceEntries("web").value().getFirst().aggregate()).isEqualTo(CheckStatus.PASSING);
    try (Watch w = store.watch(List.of(new Topic.Service("web")))) {
      apply(node("n1", null, check("serfHealth", "", CheckStatus.CRITICAL)));
      assertThat(w.hasFired()).isTrue();
    }
    assertThat(store.serviceEntries("web").value().getFirst().aggregate()).isEqualTo(CheckStatus.CRITICAL);
  }

  @Test
  void reRegisteringIdenticalDataChangesNoIndexAndWakesNobody() {
    Command.CatalogRegister reg = node("n1", svc("web1", "web", "v1"), check("c1", "web1", CheckStatus.PASSING));
    apply(reg);
    long before = store.serviceEntries("web").index();
    try (Watch w = store.watch(List.of(new Topic.Service("web"), Topic.Table.NODES, Topic.Table.CHECKS))) {
      apply(reg);
      assertThat(w.hasFired()).isFalse();
    }
    assertThat(store.serviceEntries("web").index()).isEqualTo(before);
  }

  @Test
  void checksCarryTheirServicesNameAndTags() {
    apply(node("n1", svc("web1", "web", "v1"), check("c1", "web1", CheckStatus.WARNING)));
    HealthCheck c = store.serviceChecks("web").value().getFirst();
    assertThat(c.serviceName()).isEqualTo("web");
    assertThat(c.serviceTags()).containsExactly("v1");
    apply(node("n1", svc("web1", "web", "v2")));
    assertThat(store.serviceChecks("web").value().getFirst().serviceTags()).containsExactly("v2");
  }

  @Test
  void servicesListsEachNameWithTheUnionOfTags() {
    apply(node("n1", svc("web1", "web", "a")));
    apply(node("n2", svc("web2", "web", "b", "a")));
    apply(node("n2", svc("db", "db")));
    assertThat(store.services().value()).containsEntry("web", List.of("a", "b")).containsEntry("db", List.of());
  }

  @Test
  void batchAppliesInOrderWithOneOutcomeEach() {
    List<Outcome> out = store.apply(++index, new Command.Batch(List.of(
        new Command.KvSet("k", bytes("1"), 0, 0L),
        new Command.KvSet("k", bytes("2"), 0, 0L),
        new Command.KvDelete("k", false, null))));
    assertThat(out).extracting(Outcome::applied).containsExactly(true, false, true);
    assertThat(store.kvGet("k").value()).isEmpty();
  }

  @Test
  void imageRestoresTheSameContent() {
    apply(new Command.KvSet("a", bytes("1"), 3, null));
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING)));
    StateStore copy = new StateStore();
    copy.restore(store.image());
    assertThat(copy.kvGet("a").value().orElseThrow().flags()).isEqualTo(3);
    assertThat(copy.serviceEntries("web").value()).isEqualTo(store.serviceEntries("web").value());
    assertThat(copy.lastIndex()).isEqualTo(store.lastIndex());
    assertThat(copy.kvGet("a").index()).isGreaterThanOrEqualTo(store.kvGet("a").index());
  }

  @Test
  void restoreWakesEveryWatcher() {
    StateStore other = new StateStore();
    try (Watch w = store.watch(List.of(new Topic.KvKey("zzz")))) {
      store.restore(other.image());
      assertThat(w.hasFired()).isTrue();
    }
  }

  @Test
  void aResentRequestAppliesOnceAndGetsTheFirstOutcome() {
    Command.Once put = new Command.Once("req-1", new Command.KvSet("k", bytes("1"), 0, 0L));
    assertThat(apply(put).applied()).isTrue();
    long modify = store.kvGet("k").value().orElseThrow().modifyIndex();
    // The same request again (e.g. after a leader change): a CAS 0 would now fail if re-applied.
    assertThat(apply(put).applied()).isTrue();
    assertThat(store.kvGet("k").value().orElseThrow().modifyIndex()).isEqualTo(modify);
    assertThat(apply(new Command.Once("req-2", new Command.KvSet("k", bytes("2"), 0, 0L))).applied()).isFalse();
  }

  @Test
  void aNodeThatLeftIsGoneFromTheCatalogButRememberedUntilItReturns() {
    apply(node("n1", svc("web1", "web"), check("serfHealth", "", CheckStatus.PASSING)));
    apply(new Command.NodeLeft("n1", "10.0.0.1"));
    assertThat(store.nodes().value()).isEmpty();
    assertThat(store.serviceEntries("web").value()).isEmpty();
    assertThat(store.leftNodes()).containsEntry("n1", "10.0.0.1");
    apply(node("n1", null));
    assertThat(store.leftNodes()).isEmpty();
  }
}
