package io.cairn.discovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a token holds: the list its last PUT set ({@code listed}, kept until the next PUT), the
 * entries POSTed to it with when each expires ({@code posted}), and when it was last used. The
 * two sets are separate, so a PUT and a POST never undo each other: answers are their union.
 * Immutable; every change is a new record, which is what a store writes in one transaction.
 */
public record TokenRecord(Token token, List<ServerAddress> listed, SortedMap<ServerAddress, Instant> posted,
                          Instant lastUsed) {
  public TokenRecord {
    listed = List.copyOf(listed);
    posted = Collections.unmodifiableSortedMap(new TreeMap<>(posted));
  }

  /** A token just handed out: nothing under it yet. */
  public static TokenRecord fresh(Token token, Instant now) {
    return new TokenRecord(token, List.of(), new TreeMap<>(), now);
  }

  /** The servers to answer at {@code now}: the listed ones in their order, then the live posted ones, each once. */
  public List<ServerAddress> servers(Instant now) {
    LinkedHashSet<ServerAddress> all = new LinkedHashSet<>(listed);
    posted.forEach((a, expires) -> {
      if (expires.isAfter(now)) all.add(a);
    });
    return List.copyOf(all);
  }

  /** PUT: the listed servers become {@code servers} (duplicates dropped); the posted ones stay. */
  public TokenRecord withListed(List<ServerAddress> servers, Instant now) {
    return new TokenRecord(token, List.copyOf(new LinkedHashSet<>(servers)), posted, now);
  }

  /** POST: adds or refreshes one entry, which lives until {@code expires} unless posted again. */
  public TokenRecord withPosted(ServerAddress server, Instant expires, Instant now) {
    TreeMap<ServerAddress, Instant> p = new TreeMap<>(posted);
    p.put(server, expires);
    return new TokenRecord(token, listed, p, now);
  }

  /**
   * DELETE: drops the server from both sets; with {@code anyPort}, every entry of its host,
   * whatever the port.
   */
  public TokenRecord without(ServerAddress server, boolean anyPort, Instant now) {
    List<ServerAddress> l = new ArrayList<>(listed);
    l.removeIf(a -> matches(a, server, anyPort));
    TreeMap<ServerAddress, Instant> p = new TreeMap<>(posted);
    p.keySet().removeIf(a -> matches(a, server, anyPort));
    return new TokenRecord(token, l, p, now);
  }

  private static boolean matches(ServerAddress a, ServerAddress b, boolean anyPort) {
    return a.host().equals(b.host()) && (anyPort || a.port() == b.port());
  }

  /** The posted entries that have not expired at {@code now}; the same record when none has. */
  public TokenRecord withoutExpired(Instant now) {
    if (posted.values().stream().allMatch(e -> e.isAfter(now))) return this;
    TreeMap<ServerAddress, Instant> p = new TreeMap<>(posted);
    p.values().removeIf(e -> !e.isAfter(now));
    return new TokenRecord(token, listed, p, lastUsed);
  }

  public TokenRecord touched(Instant now) {
    return new TokenRecord(token, listed, posted, now);
  }

  /** How many distinct entries the token keeps in both sets. */
  public int size() {
    return listed.size() + posted.size();
  }
}
