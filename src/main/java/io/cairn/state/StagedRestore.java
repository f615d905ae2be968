package io.cairn.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A backup being restored in parts ({@link Command.RestoreChunk}): what has arrived so far. It
 * is replicated state like any other (it is in the snapshot image), so a server restarted
 * midway, or one that installs the leader's snapshot, finishes the same restore as the others.
 */
public final class StagedRestore {
  final String restoreId;
  int nextSeq;
  private final List<KvEntry> kv = new ArrayList<>();
  private final Map<String, Long> tombstones = new TreeMap<>();
  private long reapedFloor;
  private final List<Node> nodes = new ArrayList<>();
  private final List<ServiceInstance> services = new ArrayList<>();
  private final List<HealthCheck> checks = new ArrayList<>();
  private final Map<String, Session> sessions = new TreeMap<>();
  private final LinkedHashMap<String, String> leftNodes = new LinkedHashMap<>();
  private final List<UserEvent> events = new ArrayList<>();

  StagedRestore(String restoreId) {
    this.restoreId = restoreId;
  }

  /** Adds one part; the parts of a backup only ever add records, never replace them. */
  void append(StateStore.Image part) {
    if (part.kv() != null) kv.addAll(part.kv());
    if (part.kvTombstones() != null) tombstones.putAll(part.kvTombstones());
    reapedFloor = Math.max(reapedFloor, part.kvReapedFloor());
    if (part.nodes() != null) nodes.addAll(part.nodes());
    if (part.services() != null) services.addAll(part.services());
    if (part.checks() != null) checks.addAll(part.checks());
    if (part.sessions() != null) sessions.putAll(part.sessions());
    if (part.leftNodes() != null) leftNodes.putAll(part.leftNodes());
    if (part.events() != null) events.addAll(part.events());
  }

  /** Everything that has arrived, as one image (without request ids or indexes: a restore resets those). */
  StateStore.Image whole() {
    return new StateStore.Image(0, new ArrayList<>(kv), new TreeMap<>(tombstones), reapedFloor, 0, new ArrayList<>(nodes),
        new ArrayList<>(services), new ArrayList<>(checks), new LinkedHashMap<>(), new TreeMap<>(sessions),
        new LinkedHashMap<>(leftNodes), new ArrayList<>(events), null, null);
  }

  // --- snapshots ---

  public record Image(String restoreId, int nextSeq, StateStore.Image parts) {}

  Image image() {
    return new Image(restoreId, nextSeq, whole());
  }

  static StagedRestore restore(Image img) {
    if (img == null) return null;
    StagedRestore s = new StagedRestore(img.restoreId());
    s.nextSeq = img.nextSeq();
    if (img.parts() != null) s.append(img.parts());
    return s;
  }
}
