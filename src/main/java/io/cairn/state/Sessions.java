package io.cairn.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The session table, and which sessions a node's health stands behind. */
final class Sessions {
  private final TreeMap<String, Session> byId = new TreeMap<>();

  Optional<Session> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  void put(Session s) {
    byId.put(s.id(), s);
  }

  Session remove(String id) {
    return byId.remove(id);
  }

  List<Session> all() {
    return new ArrayList<>(byId.values());
  }

  List<Session> onNode(String node) {
    List<Session> out = new ArrayList<>();
    for (Session s : byId.values()) if (s.node().equals(node)) out.add(s);
    return out;
  }

  Map<String, Session> image() {
    return new TreeMap<>(byId);
  }

  void restore(Map<String, Session> img) {
    byId.clear();
    if (img != null) byId.putAll(img);
  }
}
