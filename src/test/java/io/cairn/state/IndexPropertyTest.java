package io.cairn.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random command sequences (catalog, KV, sessions, txn, events, restores) against every read
 * the HTTP API and DNS make. After every command, for every read: if its answer changed, its
 * index grew; if its index moved, the watch it registered before the command fired; an
 * existing key's index moves only with its own value. And a store rebuilt from an image taken
 * midway (a restarted server) ends with the same answers, indexes and image as one that
 * applied everything. The seed is printed; {@code -Dindex.seed=N} replays one.
 */
class IndexPropertyTest {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final List<String> KEYS = List.of("a", "a/b", "a/c", "b/x", "cfg/app/x", "cfg/app,default/y", "lock");
  private static final List<String> PREFIXES = List.of("", "a", "a/", "b/", "cfg/app/", "cfg/app,default/", "zz/");
  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final List<String> SERVICES = List.of("web", "db", "api");
  private static final List<String> SESSIONS = List.of("s1", "s2");
  private static final int STEPS = 250;

  private record NamedRead(String name, StateStore.Read<?> read) {}

  private static <T> NamedRead named(String name, StateStore.Read<T> read) {
    return new NamedRead(name, read);
  }

  @Test
  void everyReadsIndexMovesExactlyWhenItsAnswerCanHaveChanged() throws Exception {
    long first = Long.getLong("index.seed", System.nanoTime());
    int runs = Long.getLong("index.seed") != null ? 1 : 12;
    for (int run = 0; run < runs; run++) {
      long seed = first + run;
      System.out.println("IndexPropertyTest seed " + seed);
      check(seed);
    }
  }

  private void check(long seed) throws Exception {
    Random rnd = new Random(seed);
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) commands.add(randomCommand(rnd));
    int cut = 1 + rnd.nextInt(STEPS - 1);

    StateStore whole = new StateStore();
    StateStore restarted = null;
    List<Image> backups = new ArrayList<>();
    long index = 5;
    java.util.ArrayDeque<Command> queued = new java.util.ArrayDeque<>();
    for (int i = 0; i < commands.size(); i++) {
      index += 1 + rnd.nextInt(3);
      Command c = queued.isEmpty() ? commands.get(i) : queued.poll();
      if (c instanceof Command.Noop && !backups.isEmpty() && rnd.nextInt(3) == 0) {
        Image backup = backups.get(rnd.nextInt(backups.size()));
        if (rnd.nextBoolean()) {
          c = new Command.Restore(backup);
        } else {
          // In parts, with other writes between them and perhaps a restart in the middle.
          List<Command.RestoreChunk> parts = inParts("r" + i, backup);
          c = parts.getFirst();
          for (int p = 1; p < parts.size(); p++) {
            queued.add(commands.get(Math.min(i + p, commands.size() - 1)));
            queued.add(parts.get(p));
          }
        }
      }
      step(whole, index, c, "seed " + seed + " step " + i + " " + (c instanceof Command.Restore || c instanceof Command.RestoreChunk ? c.getClass().getSimpleName() : c));
      if (rnd.nextInt(20) == 0) backups.add(whole.image().forBackup());
      if (restarted != null) restarted.apply(index, c);
      if (i == cut) {
        restarted = new StateStore();
        restarted.restore(JSON.readValue(JSON.writeValueAsBytes(whole.image()), Image.class));
      }
    }
    for (NamedRead r : reads()) {
      Indexed<?> a = r.read().run(whole, new WatchSet());
      Indexed<?> b = r.read().run(restarted, new WatchSet());
      assertThat(render(b.value())).as("seed %d: %s after a restart", seed, r.name()).isEqualTo(render(a.value()));
      assertThat(b.index()).as("seed %d: index of %s after a restart", seed, r.name()).isEqualTo(a.index());
    }
    assertThat(JSON.writeValueAsString(restarted.image())).as("seed %d: image after a restart", seed)
        .isEqualTo(JSON.writeValueAsString(whole.image()));
  }

  /** A backup in three parts: KV, then nodes and services, then checks and everything else. */
  private static List<Command.RestoreChunk> inParts(String id, Image b) {
    Image kv = new Image(0, b.kv(), b.kvTombstones(), b.kvReapedFloor(), 0, List.of(), List.of(),
        List.of(), null, Map.of(), null, List.of(), null, null);
    Image catalog = new Image(0, List.of(), Map.of(), 0, 0, b.nodes(), b.services(),
        List.of(), null, Map.of(), null, List.of(), null, null);
    Image rest = new Image(0, List.of(), Map.of(), 0, 0, List.of(), List.of(),
        b.checks(), null, b.sessions(), b.leftNodes(), b.events(), null, null);
    return List.of(new Command.RestoreChunk(id, 0, kv, false), new Command.RestoreChunk(id, 1, catalog, false),
        new Command.RestoreChunk(id, 2, rest, true));
  }

  private static void step(StateStore store, long index, Command c, String where) throws Exception {
    List<NamedRead> reads = reads();
    List<StateStore.Watched<?>> before = new ArrayList<>();
    for (NamedRead r : reads) before.add(store.readAndWatch(r.read()));
    store.apply(index, c);
    for (int i = 0; i < reads.size(); i++) {
      try (StateStore.Watched<?> b = before.get(i)) {
        Indexed<?> after = reads.get(i).read().run(store, new WatchSet());
        String name = reads.get(i).name();
        boolean changed = !render(after.value()).equals(render(b.result().value()));
        if (changed) {
          assertThat(after.index()).as("%s: %s changed but its index did not grow", where, name)
              .isGreaterThan(b.result().index());
        }
        if (after.index() != b.result().index()) {
          assertThat(b.watch().hasFired()).as("%s: index of %s moved %d -> %d without waking its watch", where, name,
              b.result().index(), after.index()).isTrue();
        }
        if (!(c instanceof Command.Restore) && !(c instanceof Command.RestoreChunk)) {
          assertThat(after.index()).as("%s: index of %s went back", where, name).isGreaterThanOrEqualTo(b.result().index());
        }
        assertThat(after.index()).as("%s: index of %s is past the log", where, name).isBetween(1L, index);
        if (name.startsWith("kvGet ") && !changed && !(c instanceof Command.Restore) && !(c instanceof Command.RestoreChunk) && b.result().value() instanceof Optional<?> o && o.isPresent()) {
          assertThat(after.index()).as("%s: %s did not change but its index moved", where, name)
              .isEqualTo(b.result().index());
        }
      }
    }
  }

  private static List<NamedRead> reads() {
    List<NamedRead> out = new ArrayList<>();
    for (String k : KEYS) out.add(named("kvGet " + k, (s, ws) -> s.kvGet(ws, k)));
    for (String p : PREFIXES) {
      out.add(named("kvList " + p, (s, ws) -> s.kvList(ws, p)));
      out.add(named("kvKeys " + p, (s, ws) -> s.kvKeys(ws, p, "/")));
    }
    out.add(named("nodes", (s, ws) -> s.nodes(ws)));
    out.add(named("leftNodes", (s, ws) -> s.leftNodes(ws)));
    out.add(named("services", (s, ws) -> s.services(ws)));
    out.add(named("nodesWithServices", (s, ws) -> s.nodesWithServices(ws)));
    out.add(named("checks", (s, ws) -> s.checks(ws)));
    out.add(named("sessions", (s, ws) -> s.sessions(ws)));
    out.add(named("events", (s, ws) -> s.events(ws)));
    for (String n : NODES) {
      out.add(named("nodeServices " + n, (s, ws) -> s.nodeServices(ws, n)));
      out.add(named("nodeChecks " + n, (s, ws) -> s.nodeChecks(ws, n)));
      out.add(named("sessionsOn " + n, (s, ws) -> s.sessionsOn(ws, n)));
    }
    for (String name : SERVICES) {
      out.add(named("serviceEntries " + name, (s, ws) -> s.serviceEntries(ws, name)));
      out.add(named("serviceChecks " + name, (s, ws) -> s.serviceChecks(ws, name)));
    }
    for (String id : SESSIONS) out.add(named("session " + id, (s, ws) -> s.session(ws, id)));
    return out;
  }

  private static String render(Object value) throws Exception {
    Object plain = value instanceof Optional<?> o ? o.orElse(null) : value;
    return JSON.writeValueAsString(plain);
  }

  // --- random commands ---

  private static Command randomCommand(Random rnd) {
    Command c = switch (rnd.nextInt(14)) {
      case 0, 1, 2 -> new Command.KvSet(pick(rnd, KEYS), value(rnd), rnd.nextInt(2), rnd.nextInt(5) == 0 ? (long) rnd.nextInt(3) : null);
      case 3 -> new Command.KvDelete(rnd.nextBoolean() ? pick(rnd, KEYS) : pick(rnd, PREFIXES), rnd.nextInt(3) == 0, null);
      case 4 -> new Command.Txn(List.of(txnOp(rnd), txnOp(rnd)));
      case 5, 6 -> register(rnd);
      case 7 -> new Command.CatalogDeregister(pick(rnd, NODES), rnd.nextBoolean() ? pick(rnd, SERVICES) + "1" : null,
          rnd.nextBoolean() ? pick(rnd, List.of("c1", "serfHealth")) : null);
      case 8 -> new Command.SessionCreate(new Session(pick(rnd, SESSIONS), "", pick(rnd, NODES),
          rnd.nextBoolean() ? List.of("serfHealth") : List.of(), List.of(), 0, rnd.nextBoolean() ? "delete" : "release", "", 0, 0));
      case 9 -> new Command.SessionDestroy(pick(rnd, SESSIONS));
      case 10 -> rnd.nextBoolean()
          ? new Command.KvSet("lock", value(rnd), 0, null, pick(rnd, SESSIONS), null)
          : new Command.KvSet("lock", value(rnd), 0, null, null, pick(rnd, SESSIONS));
      case 11 -> new Command.EventFire(new UserEvent("e" + rnd.nextInt(1000), "deploy", value(rnd), "", "", "", 0));
      case 12 -> rnd.nextBoolean() ? new Command.NodeLeft(pick(rnd, NODES), "10.0.0.9") : new Command.Noop();
      default -> new Command.Batch(List.of(register(rnd), new Command.KvSet(pick(rnd, KEYS), value(rnd), 0, null)));
    };
    if (rnd.nextInt(4) == 0 && !(c instanceof Command.Batch)) c = new Command.Once("req-" + rnd.nextInt(20), c);
    return c;
  }

  private static Command.CatalogRegister register(Random rnd) {
    String node = pick(rnd, NODES);
    String svc = pick(rnd, SERVICES);
    ServiceInstance service = rnd.nextBoolean() ? null : new ServiceInstance(node, svc + "1", svc,
        rnd.nextBoolean() ? List.of("v1") : List.of("v2"), "", 8000 + rnd.nextInt(2), Map.of(), false, 1, 1, 0, 0);
    List<HealthCheck> checks = new ArrayList<>();
    if (rnd.nextBoolean()) checks.add(check(node, "serfHealth", "", rnd));
    if (service != null && rnd.nextBoolean()) checks.add(check(node, "c1", service.id(), rnd));
    Map<String, String> meta = new LinkedHashMap<>();
    if (rnd.nextBoolean()) meta.put("rack", "r" + rnd.nextInt(2));
    return new Command.CatalogRegister("", node, "10.0.0." + rnd.nextInt(2), "dc1", Map.of(), meta,
        rnd.nextInt(4) == 0, service, checks);
  }

  private static HealthCheck check(String node, String id, String serviceId, Random rnd) {
    CheckStatus status = CheckStatus.values()[rnd.nextInt(CheckStatus.values().length)];
    return new HealthCheck(node, id, id, status, "", "", serviceId, "", List.of(), "ttl", "", "", 0, 0);
  }

  private static TxnOp txnOp(Random rnd) {
    String verb = pick(rnd, List.of("set", "delete", "delete-tree", "cas", "get"));
    return new TxnOp(verb, pick(rnd, KEYS), value(rnd), 0, rnd.nextInt(3), null);
  }

  private static byte[] value(Random rnd) {
    return ("v" + rnd.nextInt(3)).getBytes(StandardCharsets.UTF_8);
  }

  private static String pick(Random rnd, List<String> from) {
    return from.get(rnd.nextInt(from.size()));
  }
}
