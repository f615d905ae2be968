package io.cairn.agent;

import io.cairn.dns.CatalogView;
import io.cairn.dns.RemoteCatalogView;
import io.cairn.membership.ServerList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * DNS's view of other datacenters ({@code web.service.dc2.consul}): per datacenter, a local
 * copy kept current by one blocking query per asked name, as for local names on a client
 * agent; the reads go through this datacenter's servers, which send them on. A datacenter
 * nobody knows has no view (NXDOMAIN).
 */
final class OtherDatacenterViews implements Function<String, CatalogView>, AutoCloseable {
  /** How long a client agent trusts its list of datacenters before asking its servers again. */
  private static final long KNOWN_TTL_NANOS = 10_000_000_000L;

  private final ServerList through;
  private final Supplier<List<String>> datacenters;
  private final boolean cacheList;
  private final Map<String, RemoteCatalogView> views = new ConcurrentHashMap<>();
  private volatile List<String> known = List.of();
  private volatile long knownAt;

  /** {@code cacheList}: the list costs a call (a client agent's), so it is kept for a while. */
  OtherDatacenterViews(ServerList through, Supplier<List<String>> datacenters, boolean cacheList) {
    this.through = through;
    this.datacenters = datacenters;
    this.cacheList = cacheList;
  }

  @Override
  public CatalogView apply(String dc) {
    RemoteCatalogView v = views.get(dc);
    if (v != null) return v;
    if (!known(dc)) return null;
    return views.computeIfAbsent(dc, d -> new RemoteCatalogView(through, d));
  }

  private boolean known(String dc) {
    if (!cacheList) return datacenters.get().contains(dc);
    long now = System.nanoTime();
    if (known.contains(dc) && now - knownAt < KNOWN_TTL_NANOS) return true;
    if (now - knownAt >= 1_000_000_000L || !known.contains(dc)) {
      try {
        known = List.copyOf(datacenters.get());
        knownAt = now;
      } catch (RuntimeException e) {
        return known.contains(dc);
      }
    }
    return known.contains(dc);
  }

  @Override
  public void close() {
    views.values().forEach(RemoteCatalogView::close);
  }
}
