package io.cairn.dns;

import io.cairn.endpoints.CatalogViewQuery;
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

  private final ServerList servers;
  private final Map<CatalogViewQuery, Watched> watched = new ConcurrentHashMap<>();
  private final Map<CatalogViewQuery, CompletableFuture<CatalogViewQuery.Answer>> firstLookups = new ConcurrentHashMap<>();
  private final CatalogView fetching = new Reads(this::ask);
  private final CatalogView held = new Reads(this::heldOrThrow);
  private volatile boolean closed;

  /** One name's local copy and the thread keeping it current. */
  private final class Watched {
    final CatalogViewQuery query;
    volatile CatalogViewQuery.Answer answer;
    volatile long lastAsked = System.nanoTime();

    Watched(CatalogViewQuery query, CatalogViewQuery.Answer first) {
      this.query = query;
      this.answer = first;
    }

    void follow() {
      while (!closed && System.nanoTime() - lastAsked < IDLE_NANOS) {
        try {
          answer = servers.call("/rpc/view", query.after(answer.index(), WAIT_MILLIS), CatalogViewQuery.Answer.class,
              java.time.Duration.ofMillis(WAIT_MILLIS + WAIT_MILLIS / 16 + 10_000));
        } catch (IOException e) {
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
    this.servers = servers;
  }

  private CatalogViewQuery.Answer ask(String op, String name) {
    CatalogViewQuery q = new CatalogViewQuery(op, name);
    CatalogViewQuery.Answer held = held(q);
    return held != null ? held : fetch(q);
  }

  /** The local copy of an answer, or null when the name is not watched yet. */
  private CatalogViewQuery.Answer held(CatalogViewQuery q) {
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
  private CatalogViewQuery.Answer fetch(CatalogViewQuery q) {
    CompletableFuture<CatalogViewQuery.Answer> mine = new CompletableFuture<>();
    CompletableFuture<CatalogViewQuery.Answer> earlier = firstLookups.putIfAbsent(q, mine);
    if (earlier != null) return awaitEarlier(earlier);
    try {
      CatalogViewQuery.Answer first = held(q);  // watched since this lookup missed it?
      if (first == null) {
        first = servers.call("/rpc/view", q, CatalogViewQuery.Answer.class);
        watch(q, first);
      }
      mine.complete(first);
      return first;
    } catch (IOException e) {
      mine.completeExceptionally(e);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      // Only after watch(): a lookup that misses both maps would fetch again.
      firstLookups.remove(q, mine);
    }
  }

  private static CatalogViewQuery.Answer awaitEarlier(CompletableFuture<CatalogViewQuery.Answer> earlier) {
    try {
      return earlier.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) throw new UncheckedIOException(io);
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  private void watch(CatalogViewQuery q, CatalogViewQuery.Answer first) {
    if (watched.size() >= MAX_WATCHED) return;
    Watched fresh = new Watched(q, first);
    if (watched.putIfAbsent(q, fresh) == null) Thread.ofVirtual().name("dns-watch").start(fresh::follow);
  }

  /** The local copy, or {@link CatalogView.NotHeld} when the name is not watched yet. */
  private CatalogViewQuery.Answer heldOrThrow(String op, String name) {
    CatalogViewQuery.Answer a = held(new CatalogViewQuery(op, name));
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

  /** The same reads from the local copies only: a name not watched yet throws {@link CatalogView.NotHeld}. */
  @Override
  public CatalogView heldOnly() {
    return held;
  }

  /** The catalog reads over one way to get an answer: fetching it when needed, or the held copy only. */
  private record Reads(BiFunction<String, String, CatalogViewQuery.Answer> ask) implements CatalogView {
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
  }

  @Override
  public void close() {
    closed = true;
  }
}
