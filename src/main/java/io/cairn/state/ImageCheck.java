package io.cairn.state;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a snapshot image before it replaces the state: every record complete and every
 * reference resolved. A restore is all or nothing, so a crafted or damaged image is refused
 * whole rather than half-loaded.
 */
final class ImageCheck {
  private ImageCheck() {}

  /** What is wrong with the image, in a user's words; null if nothing. */
  static String problem(Image img) {
    if (img == null) return "no image";
    Set<String> keys = new HashSet<>();
    for (KvEntry e : list(img.kv())) {
      if (e == null || blank(e.key())) return "a KV entry has no key";
      if (!keys.add(e.key())) return "the KV key \"" + e.key() + "\" appears twice";
    }
    for (Map.Entry<String, Long> t : map(img.kvTombstones()).entrySet()) {
      if (t.getKey() == null || t.getValue() == null) return "a KV tombstone is incomplete";
    }
    Set<String> nodes = new HashSet<>();
    for (Node n : list(img.nodes())) {
      if (n == null || blank(n.name())) return "a node has no name";
      if (n.address() == null) return "node \"" + n.name() + "\" has no address";
      if (!nodes.add(n.name())) return "node \"" + n.name() + "\" appears twice";
    }
    Set<String> services = new HashSet<>();
    for (ServiceInstance s : list(img.services())) {
      if (s == null || blank(s.id()) || blank(s.name())) return "a service has no ID or name";
      if (s.node() == null || !nodes.contains(s.node())) return "service \"" + s.id() + "\" is on an unknown node";
      if (!services.add(s.node() + "\u0000" + s.id())) return "service \"" + s.id() + "\" appears twice on node \"" + s.node() + "\"";
      if (s.taggedAddresses() != null && s.taggedAddresses().containsValue(null)) {
        return "service \"" + s.id() + "\" has an empty tagged address";
      }
    }
    Set<String> checks = new HashSet<>();
    for (HealthCheck c : list(img.checks())) {
      if (c == null || blank(c.checkId())) return "a check has no ID";
      if (c.node() == null || !nodes.contains(c.node())) return "check \"" + c.checkId() + "\" is on an unknown node";
      if (!checks.add(c.node() + "\u0000" + c.checkId())) return "check \"" + c.checkId() + "\" appears twice on node \"" + c.node() + "\"";
      if (!c.serviceId().isEmpty() && !services.contains(c.node() + "\u0000" + c.serviceId())) {
        return "check \"" + c.checkId() + "\" is for an unknown service \"" + c.serviceId() + "\"";
      }
    }
    for (Map.Entry<String, Session> s : map(img.sessions()).entrySet()) {
      Session v = s.getValue();
      if (v == null || blank(v.id()) || !v.id().equals(s.getKey())) return "a session has no ID";
      if (v.node() == null || !nodes.contains(v.node())) return "session \"" + v.id() + "\" is on an unknown node";
    }
    // A session whose checks are gone is harmless (the store ends it at its node's next change);
    // a lock held by a session that does not exist would never be released.
    for (KvEntry e : list(img.kv())) {
      if (e.session() != null && !e.session().isEmpty() && !map(img.sessions()).containsKey(e.session())) {
        return "key \"" + e.key() + "\" is locked by an unknown session \"" + e.session() + "\"";
      }
    }
    for (UserEvent e : list(img.events())) {
      if (e == null || e.id() == null || e.name() == null) return "an event has no ID or name";
    }
    if (list(img.events()).size() > UserEvent.MAX_KEPT) return "more than " + UserEvent.MAX_KEPT + " events";
    for (Map.Entry<String, String> l : map(img.leftNodes()).entrySet()) {
      if (l.getKey() == null || l.getValue() == null) return "a departed node has no name";
    }
    for (Map.Entry<String, Outcome> r : map(img.recentRequests()).entrySet()) {
      if (r.getKey() == null || r.getValue() == null) return "a remembered request is incomplete";
    }
    return indexesProblem(img.indexes());
  }

  private static String indexesProblem(TopicIndexes.Image ix) {
    if (ix == null) return null;
    for (String table : map(ix.tables()).keySet()) {
      try {
        Topic.Table.valueOf(table);
      } catch (IllegalArgumentException | NullPointerException e) {
        return "unknown index table \"" + table + "\"";
      }
    }
    for (Map<String, Long> m : List.of(map(ix.tables()), map(ix.services()), map(ix.nodes()))) {
      for (Map.Entry<String, Long> e : m.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) return "an index entry is incomplete";
      }
    }
    return null;
  }

  private static boolean blank(String s) {
    return s == null || s.isEmpty();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static <K, V> Map<K, V> map(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
