package io.cairn.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the hosts report they run: version → host → when it last said so, read from the KV
 * keys {@code running_version/<version>/<host>}. A host whose last report is older than the
 * stale age, or whose node the catalog holds failed, is stale: it is named, never counted as
 * having converged.
 */
public record Versions(SortedMap<String, SortedMap<String, Instant>> reports) {
  public Versions {
    TreeMap<String, SortedMap<String, Instant>> copy = new TreeMap<>(NaturalOrder.INSTANCE);
    reports.forEach((v, hosts) -> copy.put(v, new TreeMap<>(hosts)));
    reports = copy;
  }

  /** Refuses what cannot be one segment of a KV key or one line of output. */
  public static String check(String version) {
    if (version == null || version.isBlank()) throw new IllegalArgumentException("version: empty");
    if (version.length() > 128) throw new IllegalArgumentException("version: longer than 128 characters");
    for (char c : version.toCharArray()) {
      if (c == '/' || c <= ' ' || c == 0x7f) throw new IllegalArgumentException("version: no '/', spaces or control characters: \"" + version + "\"");
    }
    return version;
  }

  public Set<String> versions() {
    return reports.keySet();
  }

  public Set<String> hostsAt(String version) {
    SortedMap<String, Instant> hosts = reports.get(version);
    return hosts == null ? Set.of() : hosts.keySet();
  }

  /** The hosts whose last report is older than {@code maxAge} at {@code now}, or that are in {@code failedNodes}. */
  public Set<String> stale(Instant now, Duration maxAge, Set<String> failedNodes) {
    Set<String> out = new TreeSet<>();
    for (Map<String, Instant> hosts : reports.values()) {
      hosts.forEach((host, at) -> {
        if (at.isBefore(now.minus(maxAge)) || failedNodes.contains(host)) out.add(host);
      });
    }
    return out;
  }

  /** The result of check-single-version: converged when {@code wanted} is reported, nothing else is, and no host is stale. */
  public record SingleVersion(boolean wantedFound, Set<String> unwanted, Set<String> stale) {
    public boolean converged() {
      return wantedFound && unwanted.isEmpty() && stale.isEmpty();
    }
  }

  public SingleVersion single(String wanted, Set<String> staleHosts) {
    Set<String> unwanted = new TreeSet<>(NaturalOrder.INSTANCE);
    boolean found = false;
    for (var e : reports.entrySet()) {
      Set<String> fresh = new TreeSet<>(e.getValue().keySet());
      fresh.removeAll(staleHosts);
      if (e.getKey().equals(wanted)) found |= !fresh.isEmpty();
      else if (!e.getValue().isEmpty()) unwanted.add(e.getKey());
    }
    return new SingleVersion(found, unwanted, staleHosts);
  }
}
