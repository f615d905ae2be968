package io.cairn.discovery;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a discovery service runs: where it listens (DNS port -1: no DNS), where it keeps its
 * tokens (an SQLite file in {@code dataDir}, or a cluster's KV when {@code store} is a
 * {@code consul://} URL), its DNS domain, how long tokens and posted entries live, the per-client rate
 * (requests a second, 0 for none) and burst, and the PEM certificate and key for HTTPS (both
 * null for plain HTTP).
 */
public record DiscoveryConfig(String bind, int httpPort, int dnsPort, Path dataDir, String store, String domain,
                              Duration tokenTtl, Duration entryTtl, double rateLimit, int rateBurst, Path tlsCert, Path tlsKey,
                              int maxTokens) {
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_DNS_PORT = 8653;
  public static final String DEFAULT_DOMAIN = "discovery.";
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofDays(7);
  public static final Duration DEFAULT_ENTRY_TTL = Duration.ofSeconds(30);
  public static final double DEFAULT_RATE = 20;
  public static final int DEFAULT_BURST = 40;
  public static final int DEFAULT_MAX_TOKENS = 1_000_000;

  public DiscoveryConfig {
    if (dataDir == null && store == null) throw new IllegalArgumentException("-data-dir (or -store consul://HOST:PORT) is required");
    if ((tlsCert == null) != (tlsKey == null)) throw new IllegalArgumentException("-tls-cert and -tls-key go together");
    if (tokenTtl.isNegative() || tokenTtl.isZero()) throw new IllegalArgumentException("-token-ttl must be positive");
    if (entryTtl.isNegative() || entryTtl.isZero()) throw new IllegalArgumentException("-entry-ttl must be positive");
    if (rateLimit < 0) throw new IllegalArgumentException("-rate-limit must not be negative");
    if (rateBurst < 1) throw new IllegalArgumentException("-rate-burst must be at least 1");
    if (maxTokens < 1) throw new IllegalArgumentException("-max-tokens must be at least 1");
  }

  /** The database file in the data directory. */
  public Path databaseFile() {
    return dataDir.resolve("discovery.db");
  }
}
