package io.cairn.state;

import java.util.HashSet;
import java.util.Set;

/** What one command touched: collected while applying, then stamped with the command's index. */
final class Changes {
  final Set<Topic> topics = new HashSet<>();
  final Set<String> kvKeys = new HashSet<>();

  void kv(String key) {
    kvKeys.add(key);
    topics.add(new Topic.KvKey(key));
  }

  void touch(Topic t) {
    topics.add(t);
  }

  boolean isEmpty() {
    return topics.isEmpty();
  }
}
