package io.cairn.state;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The index at which each table, service name and node last changed. Part of the replicated
 * state and of the snapshot image, so that every server reports the same index for the same
 * data, a restarted one included. KV keys and prefixes are not here: their index comes from
 * their entries and tombstones.
 */
public final class TopicIndexes {
  private final Map<Topic.Table, Long> tables = new EnumMap<>(Topic.Table.class);
  /** Only names that exist: one that leaves the catalog moves {@code GONE_*} instead (bounded). */
  private final Map<String, Long> services = new HashMap<>();
  private final Map<String, Long> nodes = new HashMap<>();

  /** The index of a table, or of a service or node that exists; 0 for one that does not. */
  long of(Topic t) {
    return switch (t) {
      case Topic.Table tab -> tables.getOrDefault(tab, 0L);
      case Topic.Service s -> services.getOrDefault(s.name(), 0L);
      case Topic.NodeName n -> nodes.getOrDefault(n.name(), 0L);
      case Topic.KvKey k -> throw new IllegalArgumentException("a key's index comes from the KV table");
      case Topic.KvPrefix p -> throw new IllegalArgumentException("a prefix's index comes from the KV table");
    };
  }

  /**
   * Stamps what an entry touched with its index. A service or node touched that no longer
   * exists is forgotten, and its table's "gone" index moves (a topic added to {@code ch}, so
   * that reads of things that do not exist are woken), so reads of it still move forward.
   */
  void stamp(Changes ch, long index, Predicate<String> serviceExists, Predicate<String> nodeExists) {
    boolean serviceGone = false;
    boolean nodeGone = false;
    for (Topic t : ch.topics) {
      switch (t) {
        case Topic.Table tab -> tables.put(tab, index);
        case Topic.Service s -> serviceGone |= stampOrForget(services, s.name(), index, serviceExists);
        case Topic.NodeName n -> nodeGone |= stampOrForget(nodes, n.name(), index, nodeExists);
        case Topic.KvKey k -> { }
        case Topic.KvPrefix p -> { }
      }
    }
    if (serviceGone) gone(ch, Topic.Table.GONE_SERVICES, index);
    if (nodeGone) gone(ch, Topic.Table.GONE_NODES, index);
  }

  /** Stamps a name that exists; forgets one that does not, and says so. */
  private static boolean stampOrForget(Map<String, Long> names, String name, long index, Predicate<String> exists) {
    if (exists.test(name)) {
      names.put(name, index);
      return false;
    }
    names.remove(name);
    return true;
  }

  private void gone(Changes ch, Topic.Table table, long index) {
    tables.put(table, index);
    ch.touch(table);
  }

  /** After a restore from a backup at {@code index}: everything reports that index. */
  void resetTo(long index) {
    tables.clear();
    services.clear();
    nodes.clear();
    for (Topic.Table t : Topic.Table.values()) tables.put(t, index);
  }

  // --- snapshots ---

  /** Sorted, so that the same state always writes the same bytes. */
  public record Image(Map<String, Long> tables, Map<String, Long> services, Map<String, Long> nodes) {}

  Image image() {
    Map<String, Long> t = new TreeMap<>();
    tables.forEach((k, v) -> t.put(k.name(), v));
    return new Image(t, new TreeMap<>(services), new TreeMap<>(nodes));
  }

  void restore(Image img) {
    tables.clear();
    services.clear();
    nodes.clear();
    if (img == null) return;
    img.tables().forEach((k, v) -> tables.put(Topic.Table.valueOf(k), v));
    services.putAll(img.services());
    nodes.putAll(img.nodes());
  }
}
