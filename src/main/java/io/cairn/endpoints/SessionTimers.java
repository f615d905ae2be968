package io.cairn.endpoints;

import io.cairn.checks.GoDuration;
import io.cairn.state.Command;
import io.cairn.state.Session;
import io.cairn.state.WatchSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session TTLs, kept by the leader in memory as Consul does: a session not renewed within
 * twice its TTL is destroyed (through Raft). A new leader gives every session a full 2×TTL.
 */
public final class SessionTimers {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTimers.class);
  /** Consul waits up to twice the TTL before invalidating, so clients renewing at TTL/2 are safe. */
  static final int TTL_MULTIPLIER = 2;

  private final Endpoints endpoints;
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();

  public SessionTimers(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  static Optional<Duration> ttlOf(Session s) {
    if (s.ttl().isEmpty()) return Optional.empty();
    try {
      Duration d = GoDuration.parse(s.ttl());
      return d.isZero() ? Optional.empty() : Optional.of(d);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Called every second on servers; acts only on the leader. */
  public void tick() {
    if (!endpoints.isLeader()) {
      deadlines.clear();
      return;
    }
    long now = System.nanoTime();
    Set<String> live = new HashSet<>();
    for (Session s : endpoints.store().sessions(new WatchSet()).value()) {
      Optional<Duration> ttl = ttlOf(s);
      if (ttl.isEmpty()) continue;
      live.add(s.id());
      deadlines.putIfAbsent(s.id(), now + ttl.get().toNanos() * TTL_MULTIPLIER);
    }
    deadlines.keySet().retainAll(live);
    for (Map.Entry<String, Long> e : deadlines.entrySet()) {
      if (now - e.getValue() > 0) {
        LOG.info("session expired session={}", e.getKey());
        deadlines.remove(e.getKey());
        try {
          endpoints.write(new Command.SessionDestroy(e.getKey()));
        } catch (RuntimeException ex) {
          LOG.warn("could not destroy expired session={}: {}", e.getKey(), ex.getMessage());
        }
      }
    }
  }

  /** On the leader: restarts a session's TTL; empty when there is no such session. */
  Optional<Session> renew(String id) {
    Optional<Session> s = endpoints.store().session(new WatchSet(), id).value();
    s.flatMap(SessionTimers::ttlOf).ifPresent(ttl -> deadlines.put(id, System.nanoTime() + ttl.toNanos() * TTL_MULTIPLIER));
    return s;
  }

}
