package io.cairn.state;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one read depended on, filled by the read itself (as Consul's {@code KVSGet(ws, …)}): the
 * topics it looked at and the highest index among them, which is the index the read reports.
 * Because both come from the same call, a read cannot report an index that moves without
 * waking the blocking queries that wait on it. Not shared between threads.
 */
public final class WatchSet {
  private final Set<Topic> topics = new LinkedHashSet<>();
  private long index;

  void add(Topic topic, long topicIndex) {
    topics.add(topic);
    index = Math.max(index, topicIndex);
  }

  /** The index the read reports: the last change to any of its topics, at least 1. */
  public long index() {
    return Math.max(1, index);
  }

  Set<Topic> topics() {
    return Set.copyOf(topics);
  }
}
