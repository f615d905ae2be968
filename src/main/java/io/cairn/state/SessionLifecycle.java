package io.cairn.state;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The rules of a session's life, as Consul's: it is created only on a registered node whose
 * named checks exist and are not critical; it ends when destroyed, or when a catalog change
 * takes away its node or makes one of its checks critical or gone; ending it releases its locks
 * (or deletes its keys, with behavior "delete").
 */
final class SessionLifecycle {
  private final Sessions sessions;
  private final Catalog catalog;
  private final KvStore kv;
  private BiConsumer<Session, List<String>> ended = (s, keys) -> {};

  SessionLifecycle(Sessions sessions, Catalog catalog, KvStore kv) {
    this.sessions = sessions;
    this.catalog = catalog;
    this.kv = kv;
  }

  /** Told which keys a session held when it ended (lock-delay is kept by the caller, which has a clock). */
  void onEnd(BiConsumer<Session, List<String>> listener) {
    this.ended = listener;
  }

  Outcome create(long index, Session s, Changes ch) {
    if (s.id() == null || s.id().isEmpty()) return Outcome.error("Missing session ID");
    if (sessions.get(s.id()).isPresent()) return Outcome.error("Session ID \"" + s.id() + "\" already exists");
    if (s.node() == null || catalog.node(s.node()).isEmpty()) return Outcome.error("Missing node registration for \"" + s.node() + "\"");
    if (!s.behavior().equals(Session.RELEASE) && !s.behavior().equals(Session.DELETE)) {
      return Outcome.error("Invalid Behavior setting \"" + s.behavior() + "\"");
    }
    List<HealthCheck> checks = catalog.checksOn(s.node());
    for (String id : s.allChecks()) {
      HealthCheck hc = checks.stream().filter(c -> c.checkId().equals(id)).findFirst().orElse(null);
      if (hc == null) return Outcome.error("Missing check '" + id + "' registration");
      if (hc.status() == CheckStatus.CRITICAL) return Outcome.error("Check '" + id + "' is in critical state");
    }
    sessions.put(s.withIndexes(index, index));
    ch.touch(Topic.Table.SESSIONS);
    return Outcome.OK;
  }

  void end(long index, String id, Changes ch) {
    Session s = sessions.remove(id);
    if (s == null) return;
    List<String> released = kv.sessionEnded(index, id, s.behavior().equals(Session.DELETE), ch);
    ch.touch(Topic.Table.SESSIONS);
    if (!released.isEmpty() && s.lockDelayNanos() > 0) ended.accept(s, released);
  }

  /** After any catalog change on {@code node}: its sessions whose node or checks failed end. */
  void endFailed(long index, String node, Changes ch) {
    if (node == null) return;
    for (Session s : sessions.onNode(node)) {
      boolean alive = catalog.node(node).isPresent();
      if (alive) {
        List<HealthCheck> checks = catalog.checksOn(node);
        for (String id : s.allChecks()) {
          alive &= checks.stream().anyMatch(c -> c.checkId().equals(id) && c.status() != CheckStatus.CRITICAL);
        }
      }
      if (!alive) end(index, s.id(), ch);
    }
  }
}
