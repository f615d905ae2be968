package io.cairn.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to rebuild a state store exactly, indexes included, so that a server
 * restarted from it reports what the others report: what a snapshot and a backup hold.
 */
public record Image(long index, List<KvEntry> kv, Map<String, Long> kvTombstones, long kvReapedFloor,
                    long kvRestoreFloor, List<Node> nodes, List<ServiceInstance> services, List<HealthCheck> checks,
                    LinkedHashMap<String, Outcome> recentRequests, Map<String, Session> sessions,
                    LinkedHashMap<String, String> leftNodes, List<UserEvent> events, TopicIndexes.Image indexes,
                    Staged staged, Map<String, PreparedQuery> queries, AutopilotConfig autopilot) {

  /** An image without autopilot settings (written before they existed, or never set). */
  public Image(long index, List<KvEntry> kv, Map<String, Long> kvTombstones, long kvReapedFloor, long kvRestoreFloor,
               List<Node> nodes, List<ServiceInstance> services, List<HealthCheck> checks,
               LinkedHashMap<String, Outcome> recentRequests, Map<String, Session> sessions,
               LinkedHashMap<String, String> leftNodes, List<UserEvent> events, TopicIndexes.Image indexes, Staged staged,
               Map<String, PreparedQuery> queries) {
    this(index, kv, kvTombstones, kvReapedFloor, kvRestoreFloor, nodes, services, checks, recentRequests, sessions,
        leftNodes, events, indexes, staged, queries, null);
  }

  /** An image without prepared queries (written before they existed, or a part that holds none). */
  public Image(long index, List<KvEntry> kv, Map<String, Long> kvTombstones, long kvReapedFloor, long kvRestoreFloor,
               List<Node> nodes, List<ServiceInstance> services, List<HealthCheck> checks,
               LinkedHashMap<String, Outcome> recentRequests, Map<String, Session> sessions,
               LinkedHashMap<String, String> leftNodes, List<UserEvent> events, TopicIndexes.Image indexes, Staged staged) {
    this(index, kv, kvTombstones, kvReapedFloor, kvRestoreFloor, nodes, services, checks, recentRequests, sessions,
        leftNodes, events, indexes, staged, null, null);
  }

  /** A restore in parts under way: its id, the next part expected, and what has arrived (an image without one of these). */
  public record Staged(String restoreId, int nextSeq, Image parts) {}

  /**
   * The image as a backup ({@code /v1/snapshot}): without the request ids remembered for
   * de-duplication, which belong to the requests in flight on this cluster, not to its data.
   */
  public Image forBackup() {
    return new Image(index, kv, kvTombstones, kvReapedFloor, kvRestoreFloor, nodes, services, checks,
        new LinkedHashMap<>(), sessions, leftNodes, events, indexes, null, queries, autopilot);
  }
}
