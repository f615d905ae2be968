package io.cairn.cli;

import io.cairn.checks.GoDuration;
import io.cairn.discovery.DiscoveryConfig;
import io.cairn.discovery.DiscoveryService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn discovery}: runs a discovery service (docs/discovery.md) until SIGTERM or SIGINT,
 * which stop it cleanly (exit 0).
 */
@Command(name = "discovery", description = "Runs a discovery service: tokens that let a new cluster's nodes find its servers.")
final class DiscoveryCommand implements Callable<Integer> {
  @Option(names = "-http-port", paramLabel = "PORT", description = "HTTP(S) port (default 8080).")
  int httpPort = DiscoveryConfig.DEFAULT_HTTP_PORT;
  @Option(names = "-dns-port", paramLabel = "PORT", description = "DNS port, UDP and TCP (default 8653; -1: no DNS).")
  int dnsPort = DiscoveryConfig.DEFAULT_DNS_PORT;
  @Option(names = "-bind", paramLabel = "ADDR", description = "Address to listen on (default 0.0.0.0).")
  String bind = "0.0.0.0";
  @Option(names = "-data-dir", paramLabel = "DIR", required = true, description = "Where the token database is kept.")
  Path dataDir;
  @Option(names = "-domain", paramLabel = "DOMAIN", description = "DNS domain answered (default discovery.).")
  String domain = DiscoveryConfig.DEFAULT_DOMAIN;
  @Option(names = "-token-ttl", paramLabel = "DURATION", description = "How long an unused token lives (default 168h).")
  String tokenTtl;
  @Option(names = "-entry-ttl", paramLabel = "DURATION", description = "How long a POSTed server lives unless posted again (default 30s).")
  String entryTtl;
  @Option(names = "-rate-limit", paramLabel = "N", description = "Requests a second per client (default 20; 0: no limit).")
  double rateLimit = DiscoveryConfig.DEFAULT_RATE;
  @Option(names = "-rate-burst", paramLabel = "N", description = "Requests a client may make at once (default 40).")
  int rateBurst = DiscoveryConfig.DEFAULT_BURST;
  @Option(names = "-max-tokens", paramLabel = "N", description = "Most tokens kept (default 1000000).")
  int maxTokens = DiscoveryConfig.DEFAULT_MAX_TOKENS;
  @Option(names = "-tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS.") Path tlsCert;
  @Option(names = "-tls-key", paramLabel = "FILE", description = "PEM private key of -tls-cert.") Path tlsKey;
  @Option(names = "-log-level", paramLabel = "LEVEL") String logLevel;

  @Override
  public Integer call() throws Exception {
    DiscoveryConfig config;
    try {
      checkPort("-http-port", httpPort, false);
      checkPort("-dns-port", dnsPort, true);
      config = new DiscoveryConfig(bind, httpPort, dnsPort, dataDir, domain,
          duration("-token-ttl", tokenTtl, DiscoveryConfig.DEFAULT_TOKEN_TTL),
          duration("-entry-ttl", entryTtl, DiscoveryConfig.DEFAULT_ENTRY_TTL), rateLimit, rateBurst, tlsCert, tlsKey, maxTokens);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    if (logLevel != null) Logging.setLevel(logLevel);
    DiscoveryService service;
    try {
      service = DiscoveryService.start(config, Clock.systemUTC());
    } catch (Exception e) {
      System.err.println("Error: discovery service failed to start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    for (String sig : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
        LoggerFactory.getLogger(DiscoveryCommand.class).info("caught SIG{}: stopping", sig);
        stopped.countDown();
      });
    }
    stopped.await();
    service.close();
    return 0;
  }

  private static Duration duration(String flag, String text, Duration otherwise) {
    if (text == null) return otherwise;
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage());
    }
  }

  private static void checkPort(String flag, int port, boolean mayBeOff) {
    if (port == -1 && mayBeOff) return;
    if (port < 0 || port > 65535) throw new IllegalArgumentException(flag + ": port out of range: " + port);
  }
}
