package io.cairn.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of a snapshot image, collected a few at a time: a backup read as it arrives
 * ({@code http/RestoreUpload}), or the parts of a restore staged on a server
 * ({@link StagedRestore}). Data only: no request ids, indexes or restore under way, which a
 * restore from a backup resets.
 */
public final class ImageParts {
  private final List<KvEntry> kv = new ArrayList<>();
  private final Map<String, Long> tombstones = new TreeMap<>();
  private long reapedFloor;
  private final List<Node> nodes = new ArrayList<>();
  private final List<ServiceInstance> services = new ArrayList<>();
  private final List<HealthCheck> checks = new ArrayList<>();
  private final Map<String, Session> sessions = new TreeMap<>();
  private final LinkedHashMap<String, String> leftNodes = new LinkedHashMap<>();
  private final List<UserEvent> events = new ArrayList<>();
  private final Map<String, PreparedQuery> queries = new TreeMap<>();
  private AutopilotConfig autopilot;

  public void add(KvEntry e) {
    kv.add(e);
  }

  public void add(Node n) {
    nodes.add(n);
  }

  public void add(ServiceInstance s) {
    services.add(s);
  }

  public void add(HealthCheck c) {
    checks.add(c);
  }

  public void add(UserEvent e) {
    events.add(e);
  }

  public void tombstone(String key, long index) {
    tombstones.put(key, index);
  }

  public void session(String id, Session s) {
    sessions.put(id, s);
  }

  public void query(String id, PreparedQuery q) {
    queries.put(id, q);
  }

  public void autopilot(AutopilotConfig config) {
    autopilot = config;
  }

  public void leftNode(String name, String address) {
    leftNodes.put(name, address);
  }

  public void reapedFloor(long floor) {
    reapedFloor = Math.max(reapedFloor, floor);
  }

  /** Adds every record of an image (a part that arrived). */
  void append(Image part) {
    if (part.kv() != null) kv.addAll(part.kv());
    if (part.kvTombstones() != null) tombstones.putAll(part.kvTombstones());
    reapedFloor(part.kvReapedFloor());
    if (part.nodes() != null) nodes.addAll(part.nodes());
    if (part.services() != null) services.addAll(part.services());
    if (part.checks() != null) checks.addAll(part.checks());
    if (part.sessions() != null) sessions.putAll(part.sessions());
    if (part.leftNodes() != null) leftNodes.putAll(part.leftNodes());
    if (part.events() != null) events.addAll(part.events());
    if (part.queries() != null) queries.putAll(part.queries());
    if (part.autopilot() != null) autopilot = part.autopilot();
  }

  /** What has been collected, as an image of its own (a copy: collecting may go on). */
  public Image image() {
    return new Image(0, new ArrayList<>(kv), new TreeMap<>(tombstones), reapedFloor, 0, new ArrayList<>(nodes),
        new ArrayList<>(services), new ArrayList<>(checks), new LinkedHashMap<>(), new TreeMap<>(sessions),
        new LinkedHashMap<>(leftNodes), new ArrayList<>(events), null, null, new TreeMap<>(queries), autopilot);
  }

  public void clear() {
    kv.clear();
    tombstones.clear();
    reapedFloor = 0;
    nodes.clear();
    services.clear();
    checks.clear();
    sessions.clear();
    leftNodes.clear();
    events.clear();
    queries.clear();
    autopilot = null;
  }
}
