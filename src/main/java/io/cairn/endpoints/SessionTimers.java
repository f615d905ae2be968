package io.cairn.endpoints;

import io.cairn.checks.GoDuration;
import io.cairn.state.Command;
import io.cairn.state.Session;
import io.cairn.state.StateStore;
import io.cairn.state.WatchSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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

  private final BooleanSupplier leads;
  private final StateStore store;
  private final Consumer<Command> write;
  private final LongSupplier clock;
  private final Map<String, Long> deadlines = new ConcurrentHashMap<>();

  /**
   * @param leads whether this server leads now (only the leader keeps timers)
   * @param write commits a command through the leader
   * @param clock nanoseconds
   */
  SessionTimers(BooleanSupplier leads, StateStore store, Consumer<Command> write, LongSupplier clock) {
    this.leads = leads;
    this.store = store;
    this.write = write;
    this.clock = clock;
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
    if (!leads.getAsBoolean()) {
      deadlines.clear();
      return;
    }
    long now = clock.getAsLong();
    Set<String> live = new HashSet<>();
    for (Session s : store.sessions(new WatchSet()).value()) {
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
          write.accept(new Command.SessionDestroy(e.getKey()));
        } catch (RuntimeException ex) {
          LOG.warn("could not destroy expired session={}: {}", e.getKey(), ex.getMessage());
        }
      }
    }
  }

  /** On the leader: restarts a session's TTL; empty when there is no such session. */
  Optional<Session> renew(String id) {
    Optional<Session> s = store.session(new WatchSet(), id).value();
    s.flatMap(SessionTimers::ttlOf).ifPresent(ttl -> deadlines.put(id, clock.getAsLong() + ttl.toNanos() * TTL_MULTIPLIER));
    return s;
  }

}
