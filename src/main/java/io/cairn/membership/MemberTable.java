package io.cairn.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in the cluster and whether each is alive, as heard from heartbeats: the membership a
 * server keeps (the leader's is the one that counts). Pure: time comes in as nanoTime values,
 * so tests drive it without waiting. Members that failed or left are forgotten after the
 * reconnect timeout (Consul's reconnect_timeout, 72 h), so the table stays bounded by the nodes
 * seen in that window.
 */
public final class MemberTable {
  public static final Duration RECONNECT_TIMEOUT = Duration.ofHours(72);

  /** What a heartbeat did to a member: it is new, came back from failed or left, or nothing changed. */
  public enum Change { NEW, REVIVED, NONE }

  private record Entry(Member member, long lastSeen, long since) {}

  private final Map<String, Entry> members = new HashMap<>();

  /** A member said it is alive (its heartbeat), at {@code now}. */
  public synchronized Change beat(Member m, long now) {
    Entry old = members.get(m.name());
    Member alive = m.with(Member.Status.ALIVE);
    if (old == null) {
      members.put(m.name(), new Entry(alive, now, now));
      return Change.NEW;
    }
    // A beat without addresses (an agent of an older version) keeps what was known.
    Member merged = m.address() == null || m.address().isEmpty() ? old.member().with(Member.Status.ALIVE) : alive;
    boolean revived = old.member().status() != Member.Status.ALIVE;
    members.put(m.name(), new Entry(merged, now, revived ? now : old.since()));
    return revived ? Change.REVIVED : Change.NONE;
  }

  /**
   * A member known from elsewhere (the catalog, when this server becomes leader): added with a
   * full failure timeout from {@code now} if alive, or as given; a member already heard keeps
   * what was heard.
   */
  public synchronized void seed(Member m, long now) {
    members.putIfAbsent(m.name(), new Entry(m, now, now));
  }

  /** Every alive member is given a fresh failure timeout from {@code now} (a new leader's grace). */
  public synchronized void refreshAll(long now) {
    members.replaceAll((k, e) -> e.member().status() == Member.Status.ALIVE ? new Entry(e.member(), now, e.since()) : e);
  }

  /**
   * Marks failed every alive member silent for longer than {@code failureTimeout}, forgets
   * those failed or left longer than the reconnect timeout; returns the newly failed.
   */
  public synchronized List<Member> expire(long now, Duration failureTimeout) {
    List<Member> failed = new ArrayList<>();
    members.entrySet().removeIf(e -> e.getValue().member().status() != Member.Status.ALIVE
        && now - e.getValue().since() > RECONNECT_TIMEOUT.toNanos());
    for (var e : members.entrySet()) {
      Entry en = e.getValue();
      if (en.member().status() == Member.Status.ALIVE && now - en.lastSeen() > failureTimeout.toNanos()) {
        Member f = en.member().with(Member.Status.FAILED);
        e.setValue(new Entry(f, en.lastSeen(), now));
        failed.add(f);
      }
    }
    return failed;
  }

  /**
   * Marks {@code name} failed now if it is alive and has not beaten for {@code silence}: for a
   * server whose silence the leader also sees in Raft, well before the failure timeout. Returns
   * it if it was newly failed, else null.
   */
  public synchronized Member failIfSilent(String name, long now, Duration silence) {
    Entry e = members.get(name);
    if (e == null || e.member().status() != Member.Status.ALIVE || now - e.lastSeen() <= silence.toNanos()) return null;
    Member f = e.member().with(Member.Status.FAILED);
    members.put(name, new Entry(f, e.lastSeen(), now));
    return f;
  }

  /** The member left (gracefully, or forced out): returns it as left, or null if unknown. */
  public synchronized Member left(String name, long now) {
    Entry e = members.get(name);
    if (e == null) return null;
    Member m = e.member().with(Member.Status.LEFT);
    members.put(name, new Entry(m, e.lastSeen(), now));
    return m;
  }

  /** Forgets a member altogether (force-leave with prune). */
  public synchronized boolean forget(String name) {
    return members.remove(name) != null;
  }

  /** How long {@code name} has been failed at {@code now} (nanoseconds), or -1 if it is not failed. */
  public synchronized long failedFor(String name, long now) {
    Entry e = members.get(name);
    return e == null || e.member().status() != Member.Status.FAILED ? -1 : now - e.since();
  }

  public synchronized Member get(String name) {
    Entry e = members.get(name);
    return e == null ? null : e.member();
  }

  /** Every member, servers first, then by name. */
  public synchronized List<Member> list() {
    return members.values().stream().map(Entry::member)
        .sorted(Comparator.comparing((Member m) -> !m.server()).thenComparing(Member::name)).toList();
  }
}
