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

  /** A watch on what {@code read} registers, as a blocking query makes one. */
  private <T> Watch watching(StateStore.Read<T> read) {
    return store.readAndWatch(read).watch();
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
    KvEntry e = store.kvGet(new WatchSet(), "a").value().orElseThrow();
    assertThat(e.createIndex()).isEqualTo(first);
    assertThat(e.modifyIndex()).isEqualTo(index);
    assertThat(e.flags()).isEqualTo(7);
    assertThat(store.kvGet(new WatchSet(), "a").index()).isEqualTo(index);
  }

  @Test
  void casZeroOnlyCreates() {
    assertThat(apply(new Command.KvSet("k", bytes("x"), 0, 0L)).applied()).isTrue();
    assertThat(apply(new Command.KvSet("k", bytes("y"), 0, 0L)).applied()).isFalse();
    assertThat(new String(store.kvGet(new WatchSet(), "k").value().orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("x");
  }

  @Test
  void casWithStaleIndexIsRefusedAndChangesNothing() {
    apply(new Command.KvSet("k", bytes("x"), 0, null));
    long modify = store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex();
    assertThat(apply(new Command.KvSet("k", bytes("y"), 0, modify)).applied()).isTrue();
    assertThat(apply(new Command.KvSet("k", bytes("z"), 0, modify)).applied()).isFalse();
    assertThat(new String(store.kvGet(new WatchSet(), "k").value().orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("y");
  }

  @Test
  void deleteWithCasNeedsTheCurrentIndex() {
    apply(new Command.KvSet("k", bytes("x"), 0, null));
    assertThat(apply(new Command.KvDelete("k", false, 1L)).applied()).isFalse();
    assertThat(store.kvGet(new WatchSet(), "k").value()).isPresent();
    long modify = store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex();
    assertThat(apply(new Command.KvDelete("k", false, modify)).applied()).isTrue();
    assertThat(store.kvGet(new WatchSet(), "k").value()).isEmpty();
  }

  @Test
  void recursiveDeleteRemovesOnlyThePrefix() {
    apply(new Command.KvSet("app/a", bytes("1"), 0, null));
    apply(new Command.KvSet("app/b/c", bytes("2"), 0, null));
    apply(new Command.KvSet("apples", bytes("3"), 0, null));
    apply(new Command.KvDelete("app/", true, null));
    assertThat(store.kvList(new WatchSet(), "").value()).extracting(KvEntry::key).containsExactly("apples");
  }

  @Test
  void prefixIndexMovesForwardWhenAKeyUnderItIsDeleted() {
    apply(new Command.KvSet("p/a", bytes("1"), 0, null));
    apply(new Command.KvSet("p/b", bytes("1"), 0, null));
    long before = store.kvList(new WatchSet(), "p/").index();
    apply(new Command.KvDelete("p/b", false, null));
    assertThat(store.kvList(new WatchSet(), "p/").index()).isGreaterThan(before).isEqualTo(index);
  }

  @Test
  void keysWithSeparatorRollUpSubfolders() {
    apply(new Command.KvSet("f/a", bytes("1"), 0, null));
    apply(new Command.KvSet("f/sub/b", bytes("1"), 0, null));
    apply(new Command.KvSet("f/sub/c", bytes("1"), 0, null));
    assertThat(store.kvKeys(new WatchSet(), "f/", "/").value()).containsExactly("f/a", "f/sub/");
    assertThat(store.kvKeys(new WatchSet(), "f/", null).value()).containsExactly("f/a", "f/sub/b", "f/sub/c");
  }

  @Test
  void indexIsNeverZero() {
    assertThat(store.kvGet(new WatchSet(), "missing").index()).isEqualTo(1);
    assertThat(store.nodes(new WatchSet()).index()).isEqualTo(1);
  }

  @Test
  void watchOnAKeyFiresOnlyForThatKey() {
    apply(new Command.KvSet("x", bytes("0"), 0, null));
    try (Watch w = watching((s, ws) -> s.kvGet(ws, "x"))) {
      apply(new Command.KvSet("y", bytes("1"), 0, null));
      assertThat(w.hasFired()).isFalse();
      apply(new Command.KvSet("x", bytes("1"), 0, null));
      assertThat(w.hasFired()).isTrue();
    }
    assertThat(store.openWatches()).isZero();
  }

  @Test
  void watchOnAPrefixFiresForKeysUnderIt() {
    apply(new Command.KvSet("cfg/a", bytes("0"), 0, null));
    try (Watch w = watching((s, ws) -> s.kvList(ws, "cfg/"))) {
      apply(new Command.KvSet("other", bytes("1"), 0, null));
      assertThat(w.hasFired()).isFalse();
      apply(new Command.KvSet("cfg/db/url", bytes("1"), 0, null));
      assertThat(w.hasFired()).isTrue();
    }
  }

  @Test
  void refusedCasDoesNotWakeWatchers() {
    apply(new Command.KvSet("x", bytes("1"), 0, null));
    try (Watch w = watching((s, ws) -> s.kvGet(ws, "x"))) {
      apply(new Command.KvSet("x", bytes("2"), 0, 0L));
      assertThat(w.hasFired()).isFalse();
    }
  }

  @Test
  void deregisteringANodeRemovesItsServicesAndChecks() {
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING), check("serfHealth", "", CheckStatus.PASSING)));
    assertThat(store.serviceEntries(new WatchSet(), "web").value()).hasSize(1);
    apply(new Command.CatalogDeregister("n1", null, null));
    assertThat(store.nodes(new WatchSet()).value()).isEmpty();
    assertThat(store.serviceEntries(new WatchSet(), "web").value()).isEmpty();
    assertThat(store.checks(new WatchSet()).value()).isEmpty();
    assertThat(store.services(new WatchSet()).value()).doesNotContainKey("web");
  }

  @Test
  void deregisteringAServiceRemovesItsChecksButKeepsNodeChecks() {
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING), check("serfHealth", "", CheckStatus.PASSING)));
    apply(new Command.CatalogDeregister("n1", "web1", null));
    assertThat(store.nodeChecks(new WatchSet(), "n1").value()).extracting(HealthCheck::checkId).containsExactly("serfHealth");
  }

  @Test
  void checkForUnknownServiceIsRefusedAndNothingChanges() {
    Outcome o = apply(node("n1", null, check("c1", "nope", CheckStatus.PASSING)));
    assertThat(o.error()).contains("nope");
    assertThat(store.nodes(new WatchSet()).value()).isEmpty();
  }

  @Test
  void nodeCheckCountsAgainstEveryServiceOnTheNode() {
    apply(node("n1", svc("web1", "web"), check("serfHealth", "", CheckStatus.PASSING)));
    assertThat(store.serviceEntries(new WatchSet(), "web").value().getFirst().aggregate()).isEqualTo(CheckStatus.PASSING);
    try (Watch w = watching((s, ws) -> s.serviceEntries(ws, "web"))) {
      apply(node("n1", null, check("serfHealth", "", CheckStatus.CRITICAL)));
      assertThat(w.hasFired()).isTrue();
    }
    assertThat(store.serviceEntries(new WatchSet(), "web").value().getFirst().aggregate()).isEqualTo(CheckStatus.CRITICAL);
  }

  @Test
  void reRegisteringIdenticalDataChangesNoIndexAndWakesNobody() {
    Command.CatalogRegister reg = node("n1", svc("web1", "web", "v1"), check("c1", "web1", CheckStatus.PASSING));
    apply(reg);
    long before = store.serviceEntries(new WatchSet(), "web").index();
    try (Watch w = watching((s, ws) -> {
      s.nodes(ws);
      s.checks(ws);
      return s.serviceEntries(ws, "web");
    })) {
      apply(reg);
      assertThat(w.hasFired()).isFalse();
    }
    assertThat(store.serviceEntries(new WatchSet(), "web").index()).isEqualTo(before);
  }

  @Test
  void checksCarryTheirServicesNameAndTags() {
    apply(node("n1", svc("web1", "web", "v1"), check("c1", "web1", CheckStatus.WARNING)));
    HealthCheck c = store.serviceChecks(new WatchSet(), "web").value().getFirst();
    assertThat(c.serviceName()).isEqualTo("web");
    assertThat(c.serviceTags()).containsExactly("v1");
    apply(node("n1", svc("web1", "web", "v2")));
    assertThat(store.serviceChecks(new WatchSet(), "web").value().getFirst().serviceTags()).containsExactly("v2");
  }

  @Test
  void servicesListsEachNameWithTheUnionOfTags() {
    apply(node("n1", svc("web1", "web", "a")));
    apply(node("n2", svc("web2", "web", "b", "a")));
    apply(node("n2", svc("db", "db")));
    assertThat(store.services(new WatchSet()).value()).containsEntry("web", List.of("a", "b")).containsEntry("db", List.of());
  }

  @Test
  void batchAppliesInOrderWithOneOutcomeEach() {
    List<Outcome> out = store.apply(++index, new Command.Batch(List.of(
        new Command.KvSet("k", bytes("1"), 0, 0L),
        new Command.KvSet("k", bytes("2"), 0, 0L),
        new Command.KvDelete("k", false, null))));
    assertThat(out).extracting(Outcome::applied).containsExactly(true, false, true);
    assertThat(store.kvGet(new WatchSet(), "k").value()).isEmpty();
  }

  @Test
  void imageRestoresTheSameContent() {
    apply(new Command.KvSet("a", bytes("1"), 3, null));
    apply(node("n1", svc("web1", "web"), check("c1", "web1", CheckStatus.PASSING)));
    StateStore copy = new StateStore();
    copy.restore(store.image());
    assertThat(copy.kvGet(new WatchSet(), "a").value().orElseThrow().flags()).isEqualTo(3);
    assertThat(copy.serviceEntries(new WatchSet(), "web").value()).isEqualTo(store.serviceEntries(new WatchSet(), "web").value());
    assertThat(copy.lastIndex()).isEqualTo(store.lastIndex());
    assertThat(copy.kvGet(new WatchSet(), "a").index()).isGreaterThanOrEqualTo(store.kvGet(new WatchSet(), "a").index());
  }

  @Test
  void restoreWakesEveryWatcher() {
    StateStore other = new StateStore();
    try (Watch w = watching((s, ws) -> s.kvGet(ws, "zzz"))) {
      store.restore(other.image());
      assertThat(w.hasFired()).isTrue();
    }
  }

  @Test
  void aResentRequestAppliesOnceAndGetsTheFirstOutcome() {
    Command.Once put = new Command.Once("req-1", new Command.KvSet("k", bytes("1"), 0, 0L));
    assertThat(apply(put).applied()).isTrue();
    long modify = store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex();
    // The same request again (e.g. after a leader change): a CAS 0 would now fail if re-applied.
    assertThat(apply(put).applied()).isTrue();
    assertThat(store.kvGet(new WatchSet(), "k").value().orElseThrow().modifyIndex()).isEqualTo(modify);
    assertThat(apply(new Command.Once("req-2", new Command.KvSet("k", bytes("2"), 0, 0L))).applied()).isFalse();
  }

  @Test
  void aNodeThatLeftIsGoneFromTheCatalogButRememberedUntilItReturns() {
    apply(node("n1", svc("web1", "web"), check("serfHealth", "", CheckStatus.PASSING)));
    apply(new Command.NodeLeft("n1", "10.0.0.1"));
    assertThat(store.nodes(new WatchSet()).value()).isEmpty();
    assertThat(store.serviceEntries(new WatchSet(), "web").value()).isEmpty();
    assertThat(store.leftNodes(new WatchSet()).value()).containsEntry("n1", "10.0.0.1");
    apply(node("n1", null));
    assertThat(store.leftNodes(new WatchSet()).value()).isEmpty();
  }

  @Test
  void userEventsSurviveAnImageAndRestore() {
    apply(new Command.EventFire(new UserEvent("e1", "deploy", bytes("v2"), "", "", "", 0)));
    StateStore copy = new StateStore();
    copy.restore(store.image());
    assertThat(copy.events(new WatchSet()).value()).extracting(UserEvent::name).containsExactly("deploy");
    assertThat(copy.events(new WatchSet()).index()).isEqualTo(store.events(new WatchSet()).index());
  }

  @Test
  void aRestartedStoreReportsTheSameIndexesAsTheOthers() {
    apply(node("n1", svc("web1", "web")));
    long webIndex = store.serviceEntries(new WatchSet(), "web").index();
    apply(new Command.KvSet("k", bytes("1"), 0, null));
    apply(node("n2", svc("db1", "db")));
    StateStore copy = new StateStore();
    copy.restore(store.image());
    assertThat(copy.serviceEntries(new WatchSet(), "web").index()).isEqualTo(webIndex);
    assertThat(copy.nodes(new WatchSet()).index()).isEqualTo(store.nodes(new WatchSet()).index());
  }

  @Test
  void anInvalidRestoreIsRefusedAndChangesNothing() {
    apply(new Command.KvSet("keep", bytes("1"), 0, null));
    Image good = store.image();
    Node nameless = new Node("", null, "10.0.0.1", "dc1", Map.of(), Map.of(), 1, 1);
    Image bad = new Image(good.index(), List.of(), Map.of(), 0, 0, List.of(nameless), List.of(),
        List.of(), null, Map.of(), null, List.of(), null, null);
    Outcome o = apply(new Command.Restore(bad));
    assertThat(o.error()).contains("node has no name");
    assertThat(store.kvGet(new WatchSet(), "keep").value()).isPresent();
    // The applier is still alive: the next entry applies.
    assertThat(apply(new Command.KvSet("after", bytes("1"), 0, null)).applied()).isTrue();
  }

  @Test
  void aCommandThatCannotApplyIsAnErrorAndTheNextOneApplies() {
    // A registration without a node name would break the catalog's tables: refused, not thrown.
    Outcome o = apply(new Command.CatalogRegister("", null, "10.0.0.1", "dc1", Map.of(), Map.of(), false, null, List.of()));
    assertThat(o.error()).isNotNull();
    Outcome bad = apply(new Command.SessionCreate(new Session("s1", "", null, List.of(), List.of(), 0, "", "", 0, 0)));
    assertThat(bad.error()).isNotNull();
    // A key the KV table cannot hold throws inside it: caught, answered as an error.
    assertThat(apply(new Command.KvSet(null, bytes("1"), 0, null)).error()).isNotNull();
    assertThat(store.kvSize()).isZero();
    assertThat(apply(new Command.KvSet("k", bytes("1"), 0, null)).applied()).isTrue();
  }

  @Test
  void backupsLeaveOutRequestIdsAndARestoreKeepsThisClustersOwn() {
    apply(new Command.Once("req-1", new Command.KvSet("k", bytes("1"), 0, 0L)));
    Image backup = store.image().forBackup();
    assertThat(backup.recentRequests()).isEmpty();
    store.apply(++index, new Command.Restore(backup));
    // A resend of a request applied before the restore is still answered, not applied again.
    assertThat(apply(new Command.Once("req-1", new Command.KvSet("k", bytes("1"), 0, 0L))).applied()).isTrue();
    assertThat(store.image().recentRequests()).containsKey("req-1");
  }

  private static Image part(List<KvEntry> kv, List<Node> nodes) {
    return new Image(0, kv, Map.of(), 0, 0, nodes, List.of(), List.of(), null, Map.of(), null, List.of(), null, null);
  }

  private static KvEntry entry(String key) {
    return new KvEntry(key, bytes("v"), 0, 1, 1, 0, null);
  }

  @Test
  void aRestoreInPartsReplacesTheStateOnlyWhenTheLastPartArrives() {
    apply(new Command.KvSet("old", bytes("1"), 0, null));
    assertThat(apply(new Command.RestoreChunk("r1", 0, part(List.of(entry("a")), List.of()), false)).applied()).isTrue();
    assertThat(apply(new Command.RestoreChunk("r1", 2, part(List.of(entry("c")), List.of()), true)).error())
        .contains("came before part 1");
    // A resend of part 0 is answered and adds nothing.
    assertThat(apply(new Command.RestoreChunk("r1", 0, part(List.of(entry("a")), List.of()), false)).applied()).isTrue();
    assertThat(store.kvGet(new WatchSet(), "old").value()).isPresent();
    assertThat(apply(new Command.RestoreChunk("r1", 1, part(List.of(entry("b")), List.of()), true)).applied()).isTrue();
    assertThat(store.kvList(new WatchSet(), "").value()).extracting(KvEntry::key).containsExactly("a", "b");
    assertThat(store.kvGet(new WatchSet(), "a").index()).isEqualTo(index);
    // The last part sent again after the restore finished changes nothing.
    assertThat(apply(new Command.RestoreChunk("r1", 1, part(List.of(entry("b")), List.of()), true)).applied()).isTrue();
    assertThat(store.kvSize()).isEqualTo(2);
  }

  @Test
  void aRestoreInPartsThatIsInvalidAsAWholeChangesNothing() {
    apply(new Command.KvSet("keep", bytes("1"), 0, null));
    apply(new Command.RestoreChunk("r2", 0, part(List.of(entry("dup")), List.of()), false));
    Outcome o = apply(new Command.RestoreChunk("r2", 1, part(List.of(entry("dup")), List.of()), true));
    assertThat(o.error()).contains("appears twice");
    assertThat(store.kvList(new WatchSet(), "").value()).extracting(KvEntry::key).containsExactly("keep");
  }

  @Test
  void anAbortedRestoreInPartsCannotBeFinished() {
    apply(new Command.RestoreChunk("r3", 0, part(List.of(entry("a")), List.of()), false));
    apply(new Command.RestoreAbort("r3"));
    assertThat(apply(new Command.RestoreChunk("r3", 1, part(List.of(), List.of()), true)).error()).contains("No restore");
    assertThat(store.image().staged()).isNull();
  }

  private static ServiceInstance proxy(String upstreamPort) {
    return svc("web1-proxy", "web-proxy").withPassThrough("connect-proxy",
        Map.of("wan", new ServiceAddress("198.51.100.1", 443)), null, new Locality("r1", "z1"),
        "{\"DestinationServiceName\":\"web\",\"Upstreams\":[{\"DestinationName\":\"db\",\"LocalBindPort\":"
            + upstreamPort + "}]}", "{\"Native\":false}");
  }

  @Test
  void aPassThroughFieldChangeIsAWriteAndTheSameRegistrationIsNot() {
    apply(node("n1", proxy("9191")));
    ServiceInstance first = store.nodeServices(new WatchSet(), "n1").value().orElseThrow().services().getFirst();
    assertThat(first.kind()).isEqualTo("connect-proxy");
    assertThat(first.proxy()).contains("9191");
    apply(node("n1", proxy("9191")));
    assertThat(store.nodeServices(new WatchSet(), "n1").value().orElseThrow().services().getFirst().modifyIndex())
        .isEqualTo(first.modifyIndex());
    apply(node("n1", proxy("9292")));
    ServiceInstance changed = store.nodeServices(new WatchSet(), "n1").value().orElseThrow().services().getFirst();
    assertThat(changed.modifyIndex()).isEqualTo(index);
    assertThat(changed.proxy()).contains("9292");
  }

  @Test
  void passThroughFieldsAndCheckDefinitionsSurviveARestore() {
    HealthCheck defined = new HealthCheck("", "tcp", "tcp", CheckStatus.PASSING, "", "", "web1-proxy", "", List.of(),
        "tcp", "", "", "{\"TCP\":\"10.0.0.1:21000\"}", 0, 0);
    apply(node("n1", proxy("9191"), defined));
    StateStore copy = new StateStore();
    copy.restore(store.image());
    ServiceInstance s = copy.nodeServices(new WatchSet(), "n1").value().orElseThrow().services().getFirst();
    assertThat(s.sameContent(proxy("9191").onNode("n1"))).isTrue();
    assertThat(copy.nodeChecks(new WatchSet(), "n1").value().getFirst().definition()).isEqualTo("{\"TCP\":\"10.0.0.1:21000\"}");
  }
}
