package io.cairn.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the DNS interface answers: domains, TTLs, health filtering, size limits, where names
 * outside the domain go, and static aliases that follow the catalog (a CNAME to a service).
 */
public record DnsConfig(String domain, String altDomain, Duration nodeTtl, Map<String, Duration> serviceTtl,
                        boolean onlyPassing, int aRecordLimit, boolean allowStale,
                        List<InetSocketAddress> recursors, Duration recursorTimeout,
                        Map<String, String> aliases) {
  public DnsConfig {
    domain = normalize(domain == null || domain.isEmpty() ? "consul" : domain);
    altDomain = altDomain == null || altDomain.isEmpty() ? null : normalize(altDomain);
    nodeTtl = nodeTtl == null ? Duration.ZERO : nodeTtl;
    serviceTtl = serviceTtl == null ? Map.of() : Map.copyOf(serviceTtl);
    recursors = recursors == null ? List.of() : List.copyOf(recursors);
    recursorTimeout = recursorTimeout == null ? Duration.ofSeconds(2) : recursorTimeout;
    aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
  }

  public static DnsConfig defaults() {
    return new DnsConfig("consul", null, null, null, false, 0, true, null, null, null);
  }

  /** Lower case with a trailing dot: "consul." */
  static String normalize(String d) {
    String s = d.toLowerCase(java.util.Locale.ROOT);
    return s.endsWith(".") ? s : s + ".";
  }

  /** The TTL of a service's records: its own, else the "*" wildcard, else 0. */
  long serviceTtlSeconds(String service) {
    Duration d = serviceTtl.get(service);
    if (d == null) d = serviceTtl.get("*");
    return d == null ? 0 : d.toSeconds();
  }
}
