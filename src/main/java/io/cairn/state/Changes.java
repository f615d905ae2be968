package io.cairn.state;

import java.util.HashSet;
import java.util.Set;

/** What one log entry touched: collected while applying, then stamped with the entry's index. */
final class Changes {
  final Set<Topic> topics = new HashSet<>();
  final Set<String> kvKeys = new HashSet<>();
  /** Tombstones were reaped: the index of a prefix may have moved without any of its keys changing. */
  boolean tombstonesReaped;
  /** The state was replaced by a backup: every topic moves to this entry's index. */
  boolean restored;

  void kv(String key) {
    kvKeys.add(key);
    topics.add(new Topic.KvKey(key));
    topics.add(Topic.Table.KV);
  }

  void touch(Topic t) {
    topics.add(t);
  }

  boolean isEmpty() {
    return topics.isEmpty();
  }
}
