package io.cairn.dns;

import io.cairn.endpoints.Consistency;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.RemoteCluster;
import io.cairn.membership.ServerList;
import io.cairn.state.Node;
import io.cairn.state.ServiceEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client agent's view of the catalog for DNS (DESIGN.md: DNS never costs a server round
 * trip). The first query for a name fetches it from a server; from then on one blocking query
 * per name keeps the local copy current, so answers come from memory. A name not asked about
 * for {@link #IDLE_NANOS} is dropped and its watch ends.
 */
public final class RemoteCatalogView implements CatalogView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteCatalogView.class);
  static final long IDLE_NANOS = 10L * 60 * 1_000_000_000L;
  private static final long WAIT_MILLIS = 5 * 60_000L;
  private static final int MAX_WATCHED = 10_000;

  private final RemoteCluster cluster;

  /** A name's lookup: what the DNS reads (service, node, nodes, services) and of which name. */
  private record Lookup(String op, String name) {}

  /** What a lookup found, and the index it was at; only the part the op reads is filled. */
  record Answer(List<ServiceEntry> entries, Node node, List<Node> nodes, Map<String, List<String>> services, long index,
                List<io.cairn.state.PreparedQuery> queries) {
    Answer(List<ServiceEntry> entries, Node node, List<Node> nodes, Map<String, List<String>> services, long index) {
      this(entries, node, nodes, services, index, null);
    }
  }
  private final Map<Lookup, Watched> watched = new ConcurrentHashMap<>();
  private final Map<Lookup, CompletableFuture<Answer>> firstLookups = new ConcurrentHashMap<>();
  private final CatalogView fetching = new Reads(this::ask);
  private final CatalogView held = new Reads(this::heldOrThrow);
  private volatile boolean closed;

  /** One name's local copy and the thread keeping it current. */
  private final class Watched {
    final Lookup query;
    volatile Answer answer;
    volatile long lastAsked = System.nanoTime();

    Watched(Lookup query, Answer first) {
      this.query = query;
      this.answer = first;
    }

    void follow() {
      while (!closed && System.nanoTime() - lastAsked < IDLE_NANOS) {
        try {
          answer = read(query, answer.index(), WAIT_MILLIS);
        } catch (RuntimeException e) {
          LOG.debug("watch {} {}: {}", query.op(), query.name(), e.getMessage());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            break;
          }
        }
      }
      watched.remove(query, this);
    }
  }

  public RemoteCatalogView(ServerList servers) {
    this.cluster = new RemoteCluster(servers, "");
  }

  /** Another datacenter's catalog, read through these servers (which send the reads on). */
  public RemoteCatalogView(ServerList servers, String datacenter) {
    this.cluster = RemoteCluster.readsOf(servers, datacenter);
  }

  /**
   * The lookup as a typed read through a server ({@code /rpc/read}, as every client agent read):
   * stale, as DNS answers by default; blocking past {@code minIndex} when given.
   */
  private Answer read(Lookup q, long minIndex, long waitMillis) {
    QueryOptions opts = new QueryOptions(Consistency.STALE, minIndex,
        minIndex > 0 ? java.time.Duration.ofMillis(waitMillis) : null, "", "");
    return switch (q.op()) {
      case "service" -> shaped(cluster.read(opts, new Query.ServiceEntries(q.name())),
          (v, i) -> new Answer(v, null, null, null, i));
      case "node" -> shaped(cluster.read(opts, new Query.NodeServicesOf(q.name())),
          (v, i) -> new Answer(null, v.map(ns -> ns.node()).orElse(null), null, null, i));
      case "nodes" -> shaped(cluster.read(opts, new Query.Nodes()), (v, i) -> new Answer(null, null, v, null, i));
      case "queries" -> shaped(cluster.read(opts, new Query.PreparedQueries()), (v, i) -> new Answer(null, null, null, null, i, v));
      default -> shaped(cluster.read(opts, new Query.Services()), (v, i) -> new Answer(null, null, null, v, i));
    };
  }

  private static <V> Answer shaped(QueryResult<V> r, BiFunction<V, Long, Answer> shape) {
    return shape.apply(r.value(), r.meta().index());
  }

  private Answer ask(String op, String name) {
    Lookup q = new Lookup(op, name);
    Answer held = held(q);
    return held != null ? held : fetch(q);
  }

  /** The local copy of an answer, or null when the name is not watched yet. */
  private Answer held(Lookup q) {
    Watched w = watched.get(q);
    if (w == null) return null;
    w.lastAsked = System.nanoTime();
    return w.answer;
  }

  /**
   * A server round trip: the first lookup of a name, which then starts watching it. Lookups
   * of the same name meanwhile wait for that one call instead of making their own: a burst
   * of queries for a new name costs the server one read, not one per query.
   */
  private Answer fetch(Lookup q) {
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> earlier = firstLookups.putIfAbsent(q, mine);
    if (earlier != null) return awaitEarlier(earlier);
    try {
      Answer first = held(q);  // watched since this lookup missed it?
      if (first == null) {
        first = read(q, 0, 0);
        watch(q, first);
      }
      mine.complete(first);
      return first;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      // Only after watch(): a lookup that misses both maps would fetch again.
      firstLookups.remove(q, mine);
    }
  }

  private static Answer awaitEarlier(CompletableFuture<Answer> earlier) {
    try {
      return earlier.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) throw new UncheckedIOException(io);
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  private void watch(Lookup q, Answer first) {
    if (watched.size() >= MAX_WATCHED) return;
    Watched fresh = new Watched(q, first);
    if (watched.putIfAbsent(q, fresh) == null) Thread.ofVirtual().name("dns-watch").start(fresh::follow);
  }

  /** The local copy, or {@link CatalogView.NotHeld} when the name is not watched yet. */
  private Answer heldOrThrow(String op, String name) {
    Answer a = held(new Lookup(op, name));
    if (a == null) throw new NotHeld(op + " " + name);
    return a;
  }

  @Override
  public List<ServiceEntry> serviceEntries(String service) {
    return fetching.serviceEntries(service);
  }

  @Override
  public Optional<Node> node(String name) {
    return fetching.node(name);
  }

  @Override
  public List<Node> nodes() {
    return fetching.nodes();
  }

  @Override
  public Map<String, List<String>> services() {
    return fetching.services();
  }

  @Override
  public long index() {
    return fetching.index();
  }

  @Override
  public List<io.cairn.state.PreparedQuery> preparedQueries() {
    return fetching.preparedQueries();
  }

  /** The same reads from the local copies only: a name not watched yet throws {@link CatalogView.NotHeld}. */
  @Override
  public CatalogView heldOnly() {
    return held;
  }

  /** The catalog reads over one way to get an answer: fetching it when needed, or the held copy only. */
  private record Reads(BiFunction<String, String, Answer> ask) implements CatalogView {
    @Override
    public List<ServiceEntry> serviceEntries(String service) {
      return ask.apply("service", service).entries();
    }

    @Override
    public Optional<Node> node(String name) {
      return Optional.ofNullable(ask.apply("node", name).node());
    }

    @Override
    public List<Node> nodes() {
      return ask.apply("nodes", null).nodes();
    }

    @Override
    public Map<String, List<String>> services() {
      return ask.apply("services", null).services();
    }

    @Override
    public long index() {
      return ask.apply("services", null).index();
    }

    @Override
    public List<io.cairn.state.PreparedQuery> preparedQueries() {
      return ask.apply("queries", null).queries();
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
