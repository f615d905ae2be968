package io.cairn.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The replicated state: KV, catalog, sessions and events. Pure: commands go in with the index
 * the log gave them; every read takes a {@link WatchSet}, registers in it the topics it looked
 * at, and reports the highest index among them. No threads, sockets or clocks. Writes come from
 * one applier; reads from any number of threads.
 */
public final class StateStore {
  /** Like a Consul agent's event buffer: the most recent events, oldest first. */
  static final int MAX_LEFT_NODES = 1024;
  /**
   * Request ids remembered for de-duplication, by count (see docs/write-path.md): a resend
   * comes within the caller's retry window (under 40 s), and this many ids cover that window
   * at the write rates measured in bench/cluster with room to spare.
   */
  static final int MAX_REMEMBERED_REQUESTS = 65_536;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final KvStore kv = new KvStore();
  private final Catalog catalog = new Catalog();
  private final Sessions sessions = new Sessions();
  /** Prepared queries by id. */
  private final java.util.TreeMap<String, PreparedQuery> queries = new java.util.TreeMap<>();
  /** Autopilot's settings once set through the API; null until then (the servers' configured ones apply). */
  private AutopilotConfig autopilot;
  private final SessionLifecycle lifecycle = new SessionLifecycle(sessions, catalog, kv);
  private final TopicIndexes indexes = new TopicIndexes();
  private final Watches watches = new Watches();
  /** Nodes that left gracefully, newest last (name → address), kept for `members`; bounded. */
  private final LinkedHashMap<String, String> leftNodes = new LinkedHashMap<>();
  private final ArrayDeque<UserEvent> events = new ArrayDeque<>();
  /** Outcomes of recent {@link Command.Once} requests, oldest first; bounded. */
  private final LinkedHashMap<String, Outcome> recentRequests = new LinkedHashMap<>();
  private BiConsumer<Long, RuntimeException> applyFailed = (index, e) -> {};
  private final StagedRestore staged = new StagedRestore();
  private long lastIndex;

  /** A read of this store into a watch set: what {@link #readAndWatch} and blocking queries run. */
  @FunctionalInterface
  public interface Read<T> {
    Indexed<T> run(StateStore store, WatchSet ws);
  }

  // --- writes ---

  /**
   * Applies one log entry. A batch gives one outcome per command, in order. Never throws: a
   * command that cannot be applied is answered as an error (the same on every server, since
   * applying is deterministic).
   */
  public List<Outcome> apply(long index, Command command) {
    Changes changes = new Changes();
    List<Outcome> outcomes = new ArrayList<>();
    lock.writeLock().lock();
    try {
      if (command instanceof Command.Batch b) {
        for (Command c : b.commands()) outcomes.add(applyGuarded(index, c, changes));
      } else {
        outcomes.add(applyGuarded(index, command, changes));
      }
      indexes.stamp(changes, index, catalog::hasService, catalog::hasNode);
      if (changes.restored) {
        // After a restore from a backup everything reports this entry's index, so every
        // blocking query sees news; keys and prefixes through the KV table's floor.
        indexes.resetTo(index);
        kv.raiseFloor(index);
      }
      lastIndex = Math.max(lastIndex, index);
    } finally {
      lock.writeLock().unlock();
    }
    if (changes.tombstonesReaped || changes.restored) {
      watches.fireAll();
    } else if (!changes.isEmpty()) {
      watches.fire(changes);
    }
    return outcomes;
  }

  private Outcome applyGuarded(long index, Command c, Changes ch) {
    try {
      return applyOne(index, c, ch);
    } catch (RuntimeException e) {
      applyFailed.accept(index, e);
      return Outcome.error("command could not be applied");
    }
  }

  private Outcome applyOne(long index, Command c, Changes ch) {
    return switch (c) {
      case Command.Batch b -> Outcome.error("nested batch");
      case Command.KvSet s -> {
        String holder = s.acquire() != null ? s.acquire() : s.release();
        if (holder != null && sessions.get(holder).isEmpty()) yield Outcome.error("invalid session \"" + holder + "\"");
        yield kv.set(index, s, ch);
      }
      case Command.KvDelete d -> kv.delete(index, d, ch);
      case Command.NodeLeft l -> {
        Outcome o = catalog.deregister(new Command.CatalogDeregister(l.node(), null, null), ch);
        lifecycle.endFailed(index, l.node(), ch);
        dropQueriesOfEndedSessions(ch);
        leftNodes.remove(l.node());
        leftNodes.put(l.node(), l.address() == null ? "" : l.address());
        if (leftNodes.size() > MAX_LEFT_NODES) leftNodes.remove(leftNodes.keySet().iterator().next());
        ch.touch(Topic.Table.NODES);
        yield o;
      }
      case Command.CatalogRegister r -> {
        if (r.node() != null && leftNodes.remove(r.node()) != null) ch.touch(Topic.Table.NODES);
        Outcome o = catalog.register(index, r, ch);
        lifecycle.endFailed(index, r.node(), ch);
        dropQueriesOfEndedSessions(ch);
        yield o;
      }
      case Command.CatalogDeregister d -> {
        Outcome o = catalog.deregister(d, ch);
        lifecycle.endFailed(index, d.node(), ch);
        dropQueriesOfEndedSessions(ch);
        yield o;
      }
      case Command.Txn t -> {
        Transaction txn = new Transaction(kv, catalog, index);
        TxnResult failed = txn.run(t.ops(), id -> sessions.get(id).isPresent());
        TxnResult r = failed != null ? failed : txn.commit(ch);
        if (failed == null && !txn.catalogNodesTouched().isEmpty()) {
          // As after a catalog register or deregister: a node back from "left", sessions whose checks failed.
          for (String node : txn.catalogNodesRegistered()) if (leftNodes.remove(node) != null) ch.touch(Topic.Table.NODES);
          for (String node : txn.catalogNodesTouched()) lifecycle.endFailed(index, node, ch);
          dropQueriesOfEndedSessions(ch);
        }
        yield new Outcome(r.committed(), null, r);
      }
      case Command.EventFire e -> {
        events.addLast(e.event().at(index));
        if (events.size() > UserEvent.MAX_KEPT) events.removeFirst();
        ch.touch(Topic.Table.EVENTS);
        yield Outcome.OK;
      }
      case Command.SessionCreate sc -> lifecycle.create(index, sc.session(), ch);
      case Command.SessionDestroy d -> {
        lifecycle.end(index, d.id(), ch);
        dropQueriesOfEndedSessions(ch);
        yield Outcome.OK;
      }
      case Command.QuerySet q -> setQuery(index, q.query(), ch);
      case Command.QueryDelete q -> {
        if (queries.remove(q.id()) == null) yield Outcome.error("Query not found");
        ch.touch(Topic.Table.QUERIES);
        yield Outcome.OK;
      }
      case Command.AutopilotSet a -> {
        long current = autopilot == null ? 0 : autopilot.modifyIndex();
        if (a.cas() != null && a.cas() != current) yield Outcome.NOT_APPLIED;
        autopilot = a.config().at(autopilot == null ? index : autopilot.createIndex(), index);
        yield Outcome.OK;
      }
      case Command.Noop n -> Outcome.OK;
      case Command.Restore r -> replaceWith(r.image(), ch);
      case Command.RestoreChunk part -> staged.accept(part.restoreId(), part.seq(), part.part(), part.last(),
          whole -> replaceWith(whole, ch));
      case Command.RestoreAbort a -> {
        staged.abort(a.restoreId());
        yield Outcome.OK;
      }
      case Command.Once o -> {
        Outcome seen = recentRequests.get(o.requestId());
        if (seen != null) yield seen;
        Outcome first = o.command() instanceof Command.Once || o.command() instanceof Command.Batch
            ? Outcome.error("invalid request wrapper") : applyGuarded(index, o.command(), ch);
        recentRequests.put(o.requestId(), first);
        if (recentRequests.size() > MAX_REMEMBERED_REQUESTS) recentRequests.remove(recentRequests.keySet().iterator().next());
        yield first;
      }
    };
  }

  /** A prepared query's names are unique (templates' too), and one bound to a session needs the session. */
  private Outcome setQuery(long index, PreparedQuery q, Changes ch) {
    if (q == null || q.id() == null || q.id().isEmpty()) return Outcome.error("Query has no ID");
    String name = q.name() == null ? "" : q.name();
    for (PreparedQuery other : queries.values()) {
      if (!other.id().equals(q.id()) && other.name().equals(name) && other.template() == q.template()) {
        return Outcome.error(name.isEmpty() && q.template() ? "a catch-all template already exists"
            : "A prepared query with name \"" + name + "\" already exists");
      }
    }
    if (q.session() != null && !q.session().isEmpty() && sessions.get(q.session()).isEmpty()) {
      return Outcome.error("invalid session \"" + q.session() + "\"");
    }
    PreparedQuery before = queries.get(q.id());
    queries.put(q.id(), new PreparedQuery(q.id(), name, q.session() == null ? "" : q.session(), q.template(), q.definition(),
        before == null ? index : before.createIndex(), index));
    ch.touch(Topic.Table.QUERIES);
    return Outcome.OK;
  }

  /** A query bound to a session goes with it, as Consul's. */
  private void dropQueriesOfEndedSessions(Changes ch) {
    if (queries.values().removeIf(q -> !q.session().isEmpty() && sessions.get(q.session()).isEmpty())) {
      ch.touch(Topic.Table.QUERIES);
    }
  }

  public Indexed<List<PreparedQuery>> queries(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.QUERIES);
      return new ArrayList<>(queries.values());
    });
  }

  /**
   * Told which keys a session held when it ended, for lock-delay: a timing rule kept in memory
   * by the caller (as Consul's leader does), since this store has no clock.
   */
  public void onSessionEnd(BiConsumer<Session, List<String>> listener) {
    lifecycle.onEnd(listener);
  }

  /** Told of a command that threw while being applied (it was answered as an error): for the log. */
  public void onApplyFailure(BiConsumer<Long, RuntimeException> listener) {
    this.applyFailed = listener;
  }

  /** Moves the index forward without a change, for log entries that are not commands. */
  public void advanceTo(long index) {
    lock.writeLock().lock();
    try {
      lastIndex = Math.max(lastIndex, index);
    } finally {
      lock.writeLock().unlock();
    }
  }

  public long lastIndex() {
    return locked(() -> lastIndex);
  }

  // --- blocking ---

  /** A read's answer and the watch on the topics it read, registered before any later write could land. */
  public record Watched<T>(Indexed<T> result, Watch watch) implements AutoCloseable {
    @Override
    public void close() {
      watch.close();
    }
  }

  /**
   * Runs a read and registers a watch on the topics it registered, under one read lock: a write
   * applied after the read cannot slip past the watch. Close the watch when done.
   */
  public <T> Watched<T> readAndWatch(Read<T> read) {
    lock.readLock().lock();
    try {
      WatchSet ws = new WatchSet();
      Indexed<T> result = read.run(this, ws);
      return new Watched<>(result, watches.add(ws.topics()));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Fires every open watch: used at shutdown so that held blocking queries answer now. */
  public void wakeAllWatches() {
    watches.fireAll();
  }

  public int openWatches() {
    return watches.size();
  }

  /**
   * Registers a topic in the watch set with its index. A key, prefix, service or node that
   * does not exist has no index of its own: the read then depends on the table that says when
   * such things come and go, and registers that too.
   */
  private void observe(WatchSet ws, Topic t) {
    long i = switch (t) {
      case Topic.KvKey k -> kv.keyIndex(k.key());
      case Topic.KvPrefix p -> kv.prefixIndex(p.prefix());
      default -> indexes.of(t);
    };
    ws.add(t, i);
    if (i > 0) return;
    switch (t) {
      case Topic.KvKey k -> observe(ws, Topic.Table.KV);
      case Topic.KvPrefix p -> observe(ws, Topic.Table.KV);
      case Topic.Service s -> observe(ws, Topic.Table.GONE_SERVICES);
      case Topic.NodeName n -> observe(ws, Topic.Table.GONE_NODES);
      case Topic.Table tab -> { }
    }
  }

  /** Runs a read under the read lock and answers it with the index of what it registered. */
  private <T> Indexed<T> read(WatchSet ws, Supplier<T> body) {
    return locked(() -> {
      T value = body.get();
      return new Indexed<>(ws.index(), value);
    });
  }

  private <T> T locked(Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  // --- KV reads ---

  public Indexed<Optional<KvEntry>> kvGet(WatchSet ws, String key) {
    return read(ws, () -> {
      observe(ws, new Topic.KvKey(key));
      return kv.get(key);
    });
  }

  public Indexed<List<KvEntry>> kvList(WatchSet ws, String prefix) {
    return read(ws, () -> {
      observe(ws, new Topic.KvPrefix(prefix));
      return kv.list(prefix);
    });
  }

  public Indexed<List<String>> kvKeys(WatchSet ws, String prefix, String separator) {
    return read(ws, () -> {
      observe(ws, new Topic.KvPrefix(prefix));
      return kv.keys(prefix, separator);
    });
  }

  public int kvSize() {
    return locked(kv::size);
  }

  // --- sessions and events ---

  public Indexed<Optional<Session>> session(WatchSet ws, String id) {
    return read(ws, () -> {
      observe(ws, Topic.Table.SESSIONS);
      return sessions.get(id);
    });
  }

  public Indexed<List<Session>> sessions(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.SESSIONS);
      return sessions.all();
    });
  }

  public Indexed<List<Session>> sessionsOn(WatchSet ws, String node) {
    return read(ws, () -> {
      observe(ws, Topic.Table.SESSIONS);
      return sessions.onNode(node);
    });
  }

  /** The most recent user events, oldest first. */
  public Indexed<List<UserEvent>> events(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.EVENTS);
      return new ArrayList<>(events);
    });
  }

  // --- catalog reads ---

  public Indexed<List<Node>> nodes(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.NODES);
      return catalog.nodes();
    });
  }

  /** Nodes that left gracefully and have not come back: name → address. */
  public Indexed<Map<String, String>> leftNodes(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.NODES);
      return new LinkedHashMap<>(leftNodes);
    });
  }

  public Indexed<Optional<NodeServices>> nodeServices(WatchSet ws, String name) {
    return read(ws, () -> {
      observe(ws, new Topic.NodeName(name));
      return catalog.node(name).map(n -> new NodeServices(n, new ArrayList<>(catalog.servicesOn(name).values())));
    });
  }

  /** Every node with its services, in node order (for filters on node fields over services). */
  public Indexed<List<NodeServices>> nodesWithServices(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.NODES);
      observe(ws, Topic.Table.SERVICES);
      List<NodeServices> out = new ArrayList<>();
      for (Node n : catalog.nodes()) out.add(new NodeServices(n, new ArrayList<>(catalog.servicesOn(n.name()).values())));
      return out;
    });
  }

  public Indexed<Map<String, List<String>>> services(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.SERVICES);
      return catalog.serviceNames();
    });
  }

  /** Every instance of a service with its node and checks, in node order. */
  public Indexed<List<ServiceEntry>> serviceEntries(WatchSet ws, String name) {
    return read(ws, () -> {
      observe(ws, new Topic.Service(name));
      List<ServiceEntry> out = new ArrayList<>();
      for (ServiceInstance s : catalog.instances(name)) {
        Node n = catalog.node(s.node()).orElse(null);
        if (n != null) out.add(new ServiceEntry(n, s, catalog.checksFor(s)));
      }
      return out;
    });
  }

  public Indexed<List<HealthCheck>> nodeChecks(WatchSet ws, String node) {
    return read(ws, () -> {
      observe(ws, new Topic.NodeName(node));
      return catalog.checksOn(node);
    });
  }

  public Indexed<List<HealthCheck>> serviceChecks(WatchSet ws, String name) {
    return read(ws, () -> {
      observe(ws, new Topic.Service(name));
      List<HealthCheck> out = new ArrayList<>();
      for (HealthCheck hc : catalog.allChecks()) if (hc.serviceName().equals(name)) out.add(hc);
      return out;
    });
  }

  public Indexed<List<HealthCheck>> checks(WatchSet ws) {
    return read(ws, () -> {
      observe(ws, Topic.Table.CHECKS);
      return catalog.allChecks();
    });
  }

  // --- snapshots ---

  public Image image() {
    return locked(() -> {
      KvStore.Image k = kv.image();
      Catalog.Image c = catalog.image();
      return new Image(lastIndex, k.entries(), k.tombstones(), k.reapedFloor(), k.restoreFloor(), c.nodes(),
          c.services(), c.checks(), new LinkedHashMap<>(recentRequests), sessions.image(),
          new LinkedHashMap<>(leftNodes), new ArrayList<>(events), indexes.image(),
          staged.image(), new java.util.TreeMap<>(queries), autopilot);
    });
  }

  /** Autopilot's settings as last set through the API, or empty if they never were. */
  public java.util.Optional<AutopilotConfig> autopilotConfig() {
    return locked(() -> java.util.Optional.ofNullable(autopilot));
  }

  /**
   * Loads a snapshot of this cluster's own state (a restart, or one installed from the leader):
   * everything, indexes included, exactly as it was written.
   */
  public void restore(Image img) {
    String problem = ImageCheck.problem(img);
    if (problem != null) throw new IllegalArgumentException("snapshot image is invalid: " + problem);
    lock.writeLock().lock();
    try {
      load(img);
      recentRequests.clear();
      if (img.recentRequests() != null) recentRequests.putAll(img.recentRequests());
      indexes.restore(img.indexes());
      staged.restore(img.staged());
      lastIndex = img.index();
    } finally {
      lock.writeLock().unlock();
    }
    watches.fireAll();
  }

  /**
   * Replaces the data with a backup. The request ids remembered here stay: they are about
   * requests in flight on this cluster. An invalid image is refused whole and changes nothing.
   */
  private Outcome replaceWith(Image img, Changes ch) {
    String problem = ImageCheck.problem(img);
    if (problem != null) return Outcome.error("Invalid snapshot: " + problem);
    load(img);
    ch.restored = true;
    return Outcome.OK;
  }

  private void load(Image img) {
    kv.restore(new KvStore.Image(img.kv(), img.kvTombstones(), img.kvReapedFloor(), img.kvRestoreFloor()));
    catalog.restore(new Catalog.Image(img.nodes(), img.services(), img.checks()));
    sessions.restore(img.sessions());
    leftNodes.clear();
    if (img.leftNodes() != null) leftNodes.putAll(img.leftNodes());
    events.clear();
    if (img.events() != null) events.addAll(img.events());
    queries.clear();
    if (img.queries() != null) queries.putAll(img.queries());
    autopilot = img.autopilot();
  }
}
