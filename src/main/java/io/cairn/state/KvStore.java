package io.cairn.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** The KV table: entries sorted by key, and tombstones so that a prefix's index never goes back. */
final class KvStore {
  /** Above this many tombstones the oldest half is dropped and their highest index kept as a floor. */
  static final int MAX_TOMBSTONES = 100_000;

  private final TreeMap<String, KvEntry> entries = new TreeMap<>();
  private final TreeMap<String, Long> tombstones = new TreeMap<>();
  /** The highest index among reaped tombstones: a prefix that had any reports at least this. */
  private long reapedFloor;
  /** The index of the last restore from a backup: every key and prefix reports at least this. */
  private long restoreFloor;

  Outcome set(long index, Command.KvSet c, Changes ch) {
    KvEntry old = entries.get(c.key());
    if (!casAllows(c.cas(), old)) return Outcome.NOT_APPLIED;
    long create = old == null ? index : old.createIndex();
    long lockIndex = old == null ? 0 : old.lockIndex();
    String session = old == null ? null : old.session();
    if (c.acquire() != null) {
      if (session != null && !session.equals(c.acquire())) return Outcome.NOT_APPLIED;
      if (session == null) lockIndex++;
      session = c.acquire();
    } else if (c.release() != null) {
      if (session == null || !session.equals(c.release())) return Outcome.NOT_APPLIED;
      session = null;
    }
    entries.put(c.key(), new KvEntry(c.key(), c.value(), c.flags(), create, index, lockIndex, session));
    tombstones.remove(c.key());
    ch.kv(c.key());
    return Outcome.OK;
  }

  Outcome delete(long index, Command.KvDelete c, Changes ch) {
    if (c.recurse()) {
      List<String> doomed = new ArrayList<>(prefixView(c.key()).keySet());
      for (String k : doomed) remove(index, k, ch);
      return Outcome.OK;
    }
    KvEntry old = entries.get(c.key());
    if (c.cas() != null && (old == null || old.modifyIndex() != c.cas())) return Outcome.NOT_APPLIED;
    if (old != null) remove(index, c.key(), ch);
    return Outcome.OK;
  }

  private static boolean casAllows(Long cas, KvEntry old) {
    if (cas == null) return true;
    if (cas == 0) return old == null;
    return old != null && old.modifyIndex() == cas;
  }

  private void remove(long index, String key, Changes ch) {
    entries.remove(key);
    tombstones.put(key, index);
    ch.kv(key);
    if (tombstones.size() > MAX_TOMBSTONES) {
      reapOldestTombstones();
      ch.tombstonesReaped = true;
    }
  }

  private void reapOldestTombstones() {
    List<Long> sorted = new ArrayList<>(tombstones.values());
    sorted.sort(null);
    long cut = sorted.get(sorted.size() / 2);
    reapedFloor = Math.max(reapedFloor, cut);
    tombstones.values().removeIf(i -> i <= cut);
  }

  /** Writes an entry as is (a committed transaction). */
  void put(KvEntry e, Changes ch) {
    entries.put(e.key(), e);
    tombstones.remove(e.key());
    ch.kv(e.key());
  }

  /** Deletes a key if present (a committed transaction). */
  void removeKey(long index, String key, Changes ch) {
    if (entries.containsKey(key)) remove(index, key, ch);
  }

  /** After a restore from a backup: every key and prefix reports at least this index. */
  void raiseFloor(long index) {
    restoreFloor = Math.max(restoreFloor, index);
  }

  /** A session ended: its locks are released (modify index moves) or its keys deleted. */
  List<String> sessionEnded(long index, String sessionId, boolean deleteKeys, Changes ch) {
    List<KvEntry> held = new ArrayList<>();
    for (KvEntry e : entries.values()) if (sessionId.equals(e.session())) held.add(e);
    for (KvEntry e : held) {
      if (deleteKeys) {
        remove(index, e.key(), ch);
      } else {
        entries.put(e.key(), new KvEntry(e.key(), e.value(), e.flags(), e.createIndex(), index, e.lockIndex(), null));
        ch.kv(e.key());
      }
    }
    return held.stream().map(KvEntry::key).toList();
  }

  Optional<KvEntry> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  List<KvEntry> list(String prefix) {
    return new ArrayList<>(prefixView(prefix).values());
  }

  /** Keys under a prefix; with a separator, keys are cut after the first separator past the prefix. */
  List<String> keys(String prefix, String separator) {
    TreeSet<String> out = new TreeSet<>();
    for (String k : prefixView(prefix).keySet()) {
      if (separator != null && !separator.isEmpty()) {
        int at = k.indexOf(separator, prefix.length());
        out.add(at < 0 ? k : k.substring(0, at + separator.length()));
      } else {
        out.add(k);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The index of a key that exists: its ModifyIndex (what Consul reports), raised to the last
   * restore; 0 if it does not exist (the read then reports the table's index).
   */
  long keyIndex(String key) {
    KvEntry e = entries.get(key);
    return e == null ? 0 : Math.max(e.modifyIndex(), restoreFloor);
  }

  /**
   * The highest ModifyIndex or tombstone under a prefix, so deleting a key moves it forward;
   * 0 if nothing was ever written under it (the read then reports the table's index, as
   * Consul does, and is woken by any write to the table).
   */
  long prefixIndex(String prefix) {
    SortedMap<String, KvEntry> live = prefixView(prefix);
    SortedMap<String, Long> dead = prefixView(tombstones, prefix);
    if (live.isEmpty() && dead.isEmpty()) return 0;
    long max = Math.max(reapedFloor, restoreFloor);
    for (KvEntry e : live.values()) max = Math.max(max, e.modifyIndex());
    for (Long t : dead.values()) max = Math.max(max, t);
    return max;
  }

  int size() {
    return entries.size();
  }

  private SortedMap<String, KvEntry> prefixView(String prefix) {
    return prefixView(entries, prefix);
  }

  private static <V> SortedMap<String, V> prefixView(TreeMap<String, V> map, String prefix) {
    if (prefix.isEmpty()) return map;
    return map.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
  }

  // --- snapshots ---

  record Image(List<KvEntry> entries, Map<String, Long> tombstones, long reapedFloor, long restoreFloor) {}

  Image image() {
    return new Image(new ArrayList<>(entries.values()), new TreeMap<>(tombstones), reapedFloor, restoreFloor);
  }

  void restore(Image img) {
    entries.clear();
    tombstones.clear();
    if (img.entries() != null) for (KvEntry e : img.entries()) entries.put(e.key(), e);
    if (img.tombstones() != null) tombstones.putAll(img.tombstones());
    reapedFloor = img.reapedFloor();
    restoreFloor = img.restoreFloor();
  }

}
