package io.cairn.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of open watches, indexed by topic so that a write wakes only the readers of what
 * it changed. KV prefix watches are kept apart: a written key wakes every prefix it starts with.
 */
final class Watches {
  private final Map<Topic, Set<Watch>> byTopic = new HashMap<>();
  private final Map<String, Set<Watch>> byKvPrefix = new HashMap<>();

  synchronized Watch add(java.util.Collection<Topic> topics) {
    Watch w = new Watch(List.copyOf(topics), this::remove);
    for (Topic t : w.topics) {
      if (t instanceof Topic.KvPrefix p) {
        byKvPrefix.computeIfAbsent(p.prefix(), k -> new HashSet<>()).add(w);
      } else {
        byTopic.computeIfAbsent(t, k -> new HashSet<>()).add(w);
      }
    }
    return w;
  }

  synchronized void remove(Watch w) {
    for (Topic t : w.topics) {
      Map<?, Set<Watch>> map = t instanceof Topic.KvPrefix ? byKvPrefix : byTopic;
      Object key = t instanceof Topic.KvPrefix p ? p.prefix() : t;
      Set<Watch> set = map.get(key);
      if (set != null && set.remove(w) && set.isEmpty()) map.remove(key);
    }
  }

  /** Fires every watch on a touched topic; returns how many fired. */
  int fire(Changes changes) {
    List<Watch> toFire = new ArrayList<>();
    synchronized (this) {
      for (Topic t : changes.topics) {
        Set<Watch> set = byTopic.get(t);
        if (set != null) toFire.addAll(set);
      }
      if (!changes.kvKeys.isEmpty()) {
        for (Map.Entry<String, Set<Watch>> e : byKvPrefix.entrySet()) {
          for (String key : changes.kvKeys) {
            if (key.startsWith(e.getKey())) {
              toFire.addAll(e.getValue());
              break;
            }
          }
        }
      }
    }
    toFire.forEach(Watch::fire);
    return toFire.size();
  }

  void fireAll() {
    List<Watch> all = new ArrayList<>();
    synchronized (this) {
      byTopic.values().forEach(all::addAll);
      byKvPrefix.values().forEach(all::addAll);
    }
    all.forEach(Watch::fire);
  }

  synchronized int size() {
    Set<Watch> all = new HashSet<>();
    byTopic.values().forEach(all::addAll);
    byKvPrefix.values().forEach(all::addAll);
    return all.size();
  }
}
