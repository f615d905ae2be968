package io.cairn.dns;

import io.cairn.rpc.CatalogViewQuery;
import io.cairn.rpc.ServerList;
import io.cairn.state.Node;
import io.cairn.state.ServiceEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client agent's view of the catalog for DNS: asked of a server (a stale read, never the
 * leader's), and kept for one second, so that a burst of queries for a name costs one round
 * trip. A fuller design keeps a watched local copy per name (DESIGN.md); this is its first step.
 */
public final class RemoteCatalogView implements CatalogView {
  private static final long TTL_NANOS = 1_000_000_000L;
  private final ServerList servers;
  private final Map<CatalogViewQuery, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(long at, CatalogViewQuery.Answer answer) {}

  public RemoteCatalogView(ServerList servers) {
    this.servers = servers;
  }

  private CatalogViewQuery.Answer ask(String op, String name) {
    CatalogViewQuery q = new CatalogViewQuery(op, name);
    long now = System.nanoTime();
    Cached c = cache.get(q);
    if (c != null && now - c.at() < TTL_NANOS) return c.answer();
    try {
      CatalogViewQuery.Answer a = servers.call("/rpc/view", q, CatalogViewQuery.Answer.class);
      if (cache.size() > 10_000) cache.clear();
      cache.put(q, new Cached(now, a));
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<ServiceEntry> serviceEntries(String service) {
    return ask("service", service).entries();
  }

  @Override
  public Optional<Node> node(String name) {
    return Optional.ofNullable(ask("node", name).node());
  }

  @Override
  public List<Node> nodes() {
    return ask("nodes", null).nodes();
  }

  @Override
  public Map<String, List<String>> services() {
    return ask("services", null).services();
  }

  @Override
  public long index() {
    return ask("services", null).index();
  }
}
