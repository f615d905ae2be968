package io.cairn.membership;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery token's servers as join rounds ask for them: looked up at most once a second, the
 * last answer kept while the service cannot be reached (it says so once, not at every round).
 */
public final class DiscoveryCache {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryCache.class);
  private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

  private final Discovery discovery;
  private List<String> last = List.of();
  private long lastAsked = System.nanoTime() - MIN_INTERVAL_NANOS;
  private boolean failing;

  public DiscoveryCache(Discovery discovery) {
    this.discovery = discovery;
  }

  public synchronized List<String> servers() {
    long now = System.nanoTime();
    if (now - lastAsked < MIN_INTERVAL_NANOS) return last;
    lastAsked = now;
    try {
      List<String> found = discovery.servers();
      if (failing || !found.equals(last)) LOG.info("discovery {}: servers {}", discovery, found);
      failing = false;
      last = List.copyOf(found);
    } catch (IOException | RuntimeException e) {
      if (!failing) LOG.warn("discovery {} cannot be asked: {}", discovery, e.getMessage());
      failing = true;
    }
    return last;
  }
}
