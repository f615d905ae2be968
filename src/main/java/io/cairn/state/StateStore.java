package io.cairn.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The replicated state: KV and catalog. Pure: commands go in with the index the log gave them;
 * reads come out with the index a blocking query must see pass. No threads, sockets or clocks.
 * Writes come from one applier; reads from any number of threads.
 */
public final class StateStore {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final KvStore kv = new KvStore();
  private final Catalog catalog = new Catalog();
  private final Sessions sessions = new Sessions();
  /** Nodes that left gracefully, newest last (name → address), kept for `members`; bounded. */
  private final java.util.LinkedHashMap<String, String> leftNodes = new java.util.LinkedHashMap<>();
  static final int MAX_LEFT_NODES = 1024;
  /** Like a Consul agent's event buffer: the most recent events, oldest first. */
  public static final int MAX_EVENTS = 256;
  private final java.util.ArrayDeque<UserEvent> events = new java.util.ArrayDeque<>();
  private java.util.function.BiConsumer<Session, List<String>> sessionEnded = (s, keys) -> {};
  private final Watches watches = new Watches();
  /** The last index at which each topic changed. Absent topics fall back to their table. */
  private final Map<Topic, Long> topicIndex = new HashMap<>();
  private long kvIndex;
  /** Outcomes of recent {@link Command.Once} requests, oldest first; bounded. */
  private final java.util.LinkedHashMap<String, Outcome> recentRequests = new java.util.LinkedHashMap<>();
  static final int MAX_REMEMBERED_REQUESTS = 65_536;
  private long lastIndex;

  // --- writes ---

  /** Applies one log entry. A batch gives one outcome per command, in order. */
  public List<Outcome> apply(long index, Command command) {
    if (command instanceof Command.Restore r) {
      restoreAt(r.image(), index);
      return List.of(Outcome.OK);
    }
    Changes changes = new Changes();
    List<Outcome> outcomes = new ArrayList<>();
    lock.writeLock().lock();
    try {
      if (command instanceof Command.Batch b) {
        for (Command c : b.commands()) outcomes.add(applyOne(index, c, changes));
      } else {
        outcomes.add(applyOne(index, command, changes));
      }
      for (Topic t : changes.topics) topicIndex.put(t, index);
      if (!changes.kvKeys.isEmpty()) kvIndex = index;
      lastIndex = Math.max(lastIndex, index);
    } finally {
      lock.writeLock().unlock();
    }
    if (!changes.isEmpty()) watches.fire(changes);
    return outcomes;
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
        endFailedSessions(index, l.node(), ch);
        leftNodes.remove(l.node());
        leftNodes.put(l.node(), l.address() == null ? "" : l.address());
        if (leftNodes.size() > MAX_LEFT_NODES) leftNodes.remove(leftNodes.keySet().iterator().next());
        yield o;
      }
      case Command.CatalogRegister r -> {
        if (!leftNodes.isEmpty() && r.node() != null) leftNodes.remove(r.node());
        Outcome o = catalog.register(index, r, ch);
        endFailedSessions(index, r.node(), ch);
        yield o;
      }
      case Command.CatalogDeregister d -> {
        Outcome o = catalog.deregister(d, ch);
        endFailedSessions(index, d.node(), ch);
        yield o;
      }
      case Command.Txn t -> {
        Transaction txn = new Transaction(kv, index);
        TxnResult r = txn.run(t.ops(), id -> sessions.get(id).isPresent());
        if (r.committed()) txn.commit(ch);
        yield new Outcome(r.committed(), null, r);
      }
      case Command.EventFire e -> {
        events.addLast(e.event().at(index));
        if (events.size() > MAX_EVENTS) events.removeFirst();
        ch.touch(Topic.Table.EVENTS);
        yield Outcome.OK;
      }
      case Command.SessionCreate sc -> createSession(index, sc.session(), ch);
      case Command.SessionDestroy d -> {
        endSession(index, d.id(), ch);
        yield Outcome.OK;
      }
      case Command.Noop n -> Outcome.OK;
      case Command.Restore r -> Outcome.error("restore must be a log entry of its own");
      case Command.Once o -> {
        Outcome seen = recentRequests.get(o.requestId());
        if (seen != null) yield seen;
        Outcome first = o.command() instanceof Command.Once || o.command() instanceof Command.Batch
            ? Outcome.error("invalid request wrapper") : applyOne(index, o.command(), ch);
        recentRequests.put(o.requestId(), first);
        if (recentRequests.size() > MAX_REMEMBERED_REQUESTS) recentRequests.remove(recentRequests.keySet().iterator().next());
        yield first;
      }
    };
  }

  private Outcome createSession(long index, Session s, Changes ch) {
    if (s.id() == null || s.id().isEmpty()) return Outcome.error("Missing session ID");
    if (sessions.get(s.id()).isPresent()) return Outcome.error("Session ID \"" + s.id() + "\" already exists");
    if (catalog.node(s.node()).isEmpty()) return Outcome.error("Missing node registration for \"" + s.node() + "\"");
    if (!s.behavior().equals(Session.RELEASE) && !s.behavior().equals(Session.DELETE)) {
      return Outcome.error("Invalid Behavior setting \"" + s.behavior() + "\"");
    }
    List<HealthCheck> checks = catalog.checksOn(s.node());
    for (String id : s.allChecks()) {
      HealthCheck hc = checks.stream().filter(c -> c.checkId().equals(id)).findFirst().orElse(null);
      if (hc == null) return Outcome.error("Missing check '" + id + "' registration");
      if (hc.status() == CheckStatus.CRITICAL) return Outcome.error("Check '" + id + "' is in critical state");
    }
    sessions.put(s.withIndexes(index, index));
    ch.touch(Topic.Table.SESSIONS);
    return Outcome.OK;
  }

  private void endSession(long index, String id, Changes ch) {
    Session s = sessions.remove(id);
    if (s == null) return;
    List<String> released = kv.sessionEnded(index, id, s.behavior().equals(Session.DELETE), ch);
    ch.touch(Topic.Table.SESSIONS);
    if (!released.isEmpty() && s.lockDelayNanos() > 0) sessionEnded.accept(s, released);
  }

  /**
   * Told which keys a session held when it ended, for lock-delay: a timing rule kept in memory
   * by the caller (as Consul's leader does), since this store has no clock.
   */
  public void onSessionEnd(java.util.function.BiConsumer<Session, List<String>> listener) {
    this.sessionEnded = listener;
  }

  /**
   * A session lives only while its node does and none of its checks is critical or gone:
   * after any catalog change on a node, its sessions are looked at again.
   */
  private void endFailedSessions(long index, String node, Changes ch) {
    if (node == null) return;
    for (Session s : sessions.onNode(node)) {
      boolean alive = catalog.node(node).isPresent();
      if (alive) {
        List<HealthCheck> checks = catalog.checksOn(node);
        for (String id : s.allChecks()) {
          alive &= checks.stream().anyMatch(c -> c.checkId().equals(id) && c.status() != CheckStatus.CRITICAL);
        }
      }
      if (!alive) endSession(index, s.id(), ch);
    }
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
    return read(() -> lastIndex);
  }

  // --- blocking ---

  /** Registers interest in topics; the returned watch fires on the next change to any of them. */
  public Watch watch(Collection<Topic> topics) {
    return watches.add(List.copyOf(topics));
  }

  /** The index a read of these topics reports: the last change to any of them, at least 1. */
  public long indexOf(Collection<Topic> topics) {
    return read(() -> {
      long max = 0;
      for (Topic t : topics) max = Math.max(max, indexOfLocked(t));
      return Math.max(1, max);
    });
  }

  private long indexOfLocked(Topic t) {
    return switch (t) {
      case Topic.KvKey k -> {
        long i = kv.keyIndex(k.key());
        yield i > 0 ? i : kvIndex;
      }
      case Topic.KvPrefix p -> {
        long i = kv.prefixIndex(p.prefix());
        yield i > 0 ? i : kvIndex;
      }
      case Topic.Table tab -> topicIndex.getOrDefault(tab, 0L);
      case Topic.Service s -> topicIndex.getOrDefault(s, topicIndex.getOrDefault(Topic.Table.SERVICES, 0L));
      case Topic.NodeName n -> topicIndex.getOrDefault(n, topicIndex.getOrDefault(Topic.Table.NODES, 0L));
    };
  }

  /** Fires every open watch: used at shutdown so that held blocking queries answer now. */
  public void wakeAllWatches() {
    watches.fireAll();
  }

  public int openWatches() {
    return watches.size();
  }

  // --- KV reads ---

  public Indexed<Optional<KvEntry>> kvGet(String key) {
    return read(() -> new Indexed<>(idx(new Topic.KvKey(key)), kv.get(key)));
  }

  public Indexed<List<KvEntry>> kvList(String prefix) {
    return read(() -> new Indexed<>(idx(new Topic.KvPrefix(prefix)), kv.list(prefix)));
  }

  public Indexed<List<String>> kvKeys(String prefix, String separator) {
    return read(() -> new Indexed<>(idx(new Topic.KvPrefix(prefix)), kv.keys(prefix, separator)));
  }

  /** The most recent user events, oldest first. */
  public Indexed<List<UserEvent>> events() {
    return read(() -> new Indexed<>(idx(Topic.Table.EVENTS), new ArrayList<>(events)));
  }

  /** Nodes that left gracefully and have not come back: name → address. */
  public Map<String, String> leftNodes() {
    return read(() -> new java.util.LinkedHashMap<>(leftNodes));
  }

  public Indexed<Optional<Session>> session(String id) {
    return read(() -> new Indexed<>(idx(Topic.Table.SESSIONS), sessions.get(id)));
  }

  public Indexed<List<Session>> sessions() {
    return read(() -> new Indexed<>(idx(Topic.Table.SESSIONS), sessions.all()));
  }

  public Indexed<List<Session>> sessionsOn(String node) {
    return read(() -> new Indexed<>(idx(Topic.Table.SESSIONS), sessions.onNode(node)));
  }

  public int kvSize() {
    return read(kv::size);
  }

  // --- catalog reads ---

  public Indexed<List<Node>> nodes() {
    return read(() -> new Indexed<>(idx(Topic.Table.NODES), catalog.nodes()));
  }

  public Indexed<Optional<NodeServices>> nodeServices(String name) {
    return read(() -> new Indexed<>(idx(new Topic.NodeName(name)), catalog.node(name)
        .map(n -> new NodeServices(n, new ArrayList<>(catalog.servicesOn(name).values())))));
  }

  public Indexed<Map<String, List<String>>> services() {
    return read(() -> new Indexed<>(idx(Topic.Table.SERVICES), catalog.serviceNames()));
  }

  /** Every instance of a service with its node and checks, in node order. */
  public Indexed<List<ServiceEntry>> serviceEntries(String name) {
    return read(() -> {
      List<ServiceEntry> out = new ArrayList<>();
      for (ServiceInstance s : catalog.instances(name)) {
        Node n = catalog.node(s.node()).orElse(null);
        if (n != null) out.add(new ServiceEntry(n, s, catalog.checksFor(s)));
      }
      return new Indexed<>(idx(new Topic.Service(name)), out);
    });
  }

  public Indexed<List<HealthCheck>> nodeChecks(String node) {
    return read(() -> new Indexed<>(idx(new Topic.NodeName(node)), catalog.checksOn(node)));
  }

  public Indexed<List<HealthCheck>> serviceChecks(String name) {
    return read(() -> {
      List<HealthCheck> out = new ArrayList<>();
      for (HealthCheck hc : catalog.allChecks()) if (hc.serviceName().equals(name)) out.add(hc);
      return new Indexed<>(idx(new Topic.Service(name)), out);
    });
  }

  public Indexed<List<HealthCheck>> checks() {
    return read(() -> new Indexed<>(idx(Topic.Table.CHECKS), catalog.allChecks()));
  }

  private long idx(Topic t) {
    return Math.max(1, indexOfLocked(t));
  }

  private <T> T read(Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  // --- snapshots ---

  /** Everything needed to rebuild this store: taken under the read lock, so it is consistent. */
  public record Image(long index, List<KvEntry> kv, Map<String, Long> kvTombstones, long kvReapedFloor,
                      List<Node> nodes, List<ServiceInstance> services, List<HealthCheck> checks,
                      java.util.LinkedHashMap<String, Outcome> recentRequests, Map<String, Session> sessions,
                      java.util.LinkedHashMap<String, String> leftNodes) {}

  public Image image() {
    return read(() -> {
      KvStore.Image k = kv.image();
      Catalog.Image c = catalog.image();
      return new Image(lastIndex, k.entries(), k.tombstones(), k.reapedFloor(), c.nodes(), c.services(), c.checks(),
          new java.util.LinkedHashMap<>(recentRequests), sessions.image(), new java.util.LinkedHashMap<>(leftNodes));
    });
  }

  /**
   * Replaces the whole state. Every topic reports the image's index afterwards, and every open
   * watch fires: readers must re-read what they hold.
   */
  public void restore(Image img) {
    restoreAt(img, img.index());
  }

  /**
   * Replaces the whole state, reporting {@code index} for every topic afterwards. A restore
   * from a backup happens at a log index above anything the backup holds, so indexes move
   * forward and every blocking query sees news.
   */
  private void restoreAt(Image img, long index) {
    lock.writeLock().lock();
    try {
      kv.restore(new KvStore.Image(img.kv(), img.kvTombstones(), img.kvReapedFloor()));
      catalog.restore(new Catalog.Image(img.nodes(), img.services(), img.checks()));
      // Part of the replicated state: every server must answer a resent request the same way.
      sessions.restore(img.sessions());
      leftNodes.clear();
      if (img.leftNodes() != null) leftNodes.putAll(img.leftNodes());
      recentRequests.clear();
      if (img.recentRequests() != null) recentRequests.putAll(img.recentRequests());
      topicIndex.clear();
      for (Topic.Table t : Topic.Table.values()) topicIndex.put(t, index);
      kvIndex = index;
      kv.raiseFloor(index);
      lastIndex = index;
    } finally {
      lock.writeLock().unlock();
    }
    watches.fireAll();
  }
}
