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
  @Option(names = "-config-file", paramLabel = "FILE", description = "An HCL or JSON file of the settings below"
      + " (http_port, dns_port, bind, data_dir, store, domain, token_ttl, entry_ttl, rate_limit, rate_burst, max_tokens,"
      + " tls_cert, tls_key, log_level); flags override it.")
  Path configFile;
  @Option(names = "-http-port", paramLabel = "PORT", description = "HTTP(S) port (default 8080).") Integer httpPort;
  @Option(names = "-dns-port", paramLabel = "PORT", description = "DNS port, UDP and TCP (default 8653; -1: no DNS).") Integer dnsPort;
  @Option(names = "-bind", paramLabel = "ADDR", description = "Address to listen on (default 0.0.0.0).") String bind;
  @Option(names = "-data-dir", paramLabel = "DIR", description = "Where the token database is kept (needed unless -store).")
  Path dataDir;
  @Option(names = "-store", paramLabel = "URL", description = "consul://HOST:PORT[/prefix]: keep tokens in a Cairn or Consul"
      + " cluster's KV (under cairn-discovery/ by default), shared by every service given the same URL.")
  String store;
  @Option(names = "-domain", paramLabel = "DOMAIN", description = "DNS domain answered (default discovery.).") String domain;
  @Option(names = "-token-ttl", paramLabel = "DURATION", description = "How long an unused token lives (default 168h).")
  String tokenTtl;
  @Option(names = "-entry-ttl", paramLabel = "DURATION", description = "How long a POSTed server lives unless posted again (default 30s).")
  String entryTtl;
  @Option(names = "-rate-limit", paramLabel = "N", description = "Requests a second per client (default 20; 0: no limit).") Double rateLimit;
  @Option(names = "-rate-burst", paramLabel = "N", description = "Requests a client may make at once (default 40).") Integer rateBurst;
  @Option(names = "-max-tokens", paramLabel = "N", description = "Most tokens kept (default 1000000).") Integer maxTokens;
  @Option(names = "-tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS.") Path tlsCert;
  @Option(names = "-tls-key", paramLabel = "FILE", description = "PEM private key of -tls-cert.") Path tlsKey;
  @Option(names = "-log-level", paramLabel = "LEVEL") String logLevel;

  @Override
  public Integer call() throws Exception {
    DiscoveryConfig config;
    try {
      DiscoverySettings file = configFile == null ? DiscoverySettings.NONE : DiscoverySettings.read(configFile);
      int http = or(httpPort, file.integer("http_port"), DiscoveryConfig.DEFAULT_HTTP_PORT);
      int dns = or(dnsPort, file.integer("dns_port"), DiscoveryConfig.DEFAULT_DNS_PORT);
      checkPort("-http-port", http, false);
      checkPort("-dns-port", dns, true);
      String dir = or(dataDir == null ? null : dataDir.toString(), file.text("data_dir"), null);
      String cert = or(tlsCert == null ? null : tlsCert.toString(), file.text("tls_cert"), null);
      String key = or(tlsKey == null ? null : tlsKey.toString(), file.text("tls_key"), null);
      config = new DiscoveryConfig(or(bind, file.text("bind"), "0.0.0.0"), http, dns, dir == null ? null : Path.of(dir),
          or(store, file.text("store"), null), or(domain, file.text("domain"), DiscoveryConfig.DEFAULT_DOMAIN),
          duration("-token-ttl", or(tokenTtl, file.text("token_ttl"), null), DiscoveryConfig.DEFAULT_TOKEN_TTL),
          duration("-entry-ttl", or(entryTtl, file.text("entry_ttl"), null), DiscoveryConfig.DEFAULT_ENTRY_TTL),
          or(rateLimit, file.number("rate_limit"), DiscoveryConfig.DEFAULT_RATE),
          or(rateBurst, file.integer("rate_burst"), DiscoveryConfig.DEFAULT_BURST),
          cert == null ? null : Path.of(cert), key == null ? null : Path.of(key),
          or(maxTokens, file.integer("max_tokens"), DiscoveryConfig.DEFAULT_MAX_TOKENS));
      logLevel = or(logLevel, file.text("log_level"), null);
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

  /** The flag when given, else the file's setting, else the default. */
  private static <T> T or(T flag, T file, T otherwise) {
    return flag != null ? flag : file != null ? file : otherwise;
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
