package io.cairn.discovery;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running discovery service: the token store, its HTTP(S) and DNS listeners, and a sweeper
 * that forgets idle tokens and expired entries (answers never show them even before it runs).
 */
public final class DiscoveryService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryService.class);

  private final TokenStore store;
  private final TokenRegistry registry;
  private final RateLimiter limiter;
  private final DiscoveryHttpServer http;
  private final DiscoveryDnsServer dns;
  private final ScheduledExecutorService sweeper;

  private DiscoveryService(TokenStore store, TokenRegistry registry, RateLimiter limiter, DiscoveryHttpServer http,
                           DiscoveryDnsServer dns, ScheduledExecutorService sweeper) {
    this.store = store;
    this.registry = registry;
    this.limiter = limiter;
    this.http = http;
    this.dns = dns;
    this.sweeper = sweeper;
  }

  /** Opens the store and starts listening; anything that fails is closed again and the error thrown. */
  public static DiscoveryService start(DiscoveryConfig config, Clock clock) throws Exception {
    KeyStore keys = config.tlsCert() == null ? null : PemKeyStore.load(config.tlsCert(), config.tlsKey());
    TokenStore store;
    if (config.store() != null) {
      store = KvTokenStore.open(config.store());
    } else {
      Files.createDirectories(config.dataDir());
      store = SqliteTokenStore.open(config.databaseFile());
    }
    DiscoveryHttpServer http = null;
    DiscoveryDnsServer dns = null;
    try {
      TokenRegistry registry = new TokenRegistry(store, clock, config.entryTtl(), config.tokenTtl(), config.maxTokens());
      RateLimiter limiter = new RateLimiter(config.rateLimit(), config.rateBurst(), System::nanoTime);
      http = new DiscoveryHttpServer(new InetSocketAddress(config.bind(), config.httpPort()), new HttpProtocol(registry),
          limiter, keys);
      http.start();
      if (config.dnsPort() >= 0) {
        dns = new DiscoveryDnsServer(new InetSocketAddress(config.bind(), config.dnsPort()),
            new DnsAnswers(config.domain(), registry::servers));
        dns.start();
      }
      ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("discovery-sweeper").unstarted(r));
      DiscoveryService service = new DiscoveryService(store, registry, limiter, http, dns, sweeper);
      long every = Math.max(1000, Math.min(config.entryTtl().toMillis(), Duration.ofMinutes(1).toMillis()));
      sweeper.scheduleWithFixedDelay(service::sweep, every, every, TimeUnit.MILLISECONDS);
      LOG.info("discovery service up: {} tokens, entries live {}, idle tokens expire after {}",
          registry.size(), shortly(config.entryTtl()), shortly(config.tokenTtl()));
      return service;
    } catch (Exception | Error e) {
      if (http != null) http.close();
      if (dns != null) dns.close();
      store.close();
      throw e;
    }
  }

  /** 30s, 168h: a duration as the flags take it. */
  private static String shortly(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private void sweep() {
    try {
      int gone = registry.sweep();
      if (gone > 0) LOG.info("{} idle tokens expired", gone);
      limiter.prune();
    } catch (RuntimeException e) {
      LOG.warn("sweeping expired tokens failed (tried again later): {}", e.getMessage());
    }
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The DNS port, or -1 when DNS is off. */
  public int dnsPort() {
    return dns == null ? -1 : dns.port();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    http.close();
    try {
      sweeper.awaitTermination(2, TimeUnit.SECONDS);  // a sweep in progress finishes its transaction
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dns != null) dns.close();
    store.close();
    LOG.info("discovery service stopped");
  }
}
