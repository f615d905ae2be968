package io.cairn.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Runs a KV transaction against an overlay of the store: every operation sees the writes of
 * those before it; nothing reaches the store unless all succeed (all or nothing, as Consul's
 * /v1/txn). Reads of a key go to the overlay first, then the store.
 */
final class Transaction {
  private final KvStore store;
  private final long index;
  /** key → its new entry, or empty for deleted. */
  private final Map<String, Optional<KvEntry>> overlay = new HashMap<>();
  private final CatalogTxn catalog;
  private final List<KvEntry> results = new ArrayList<>();

  Transaction(KvStore store, Catalog catalog, long index) {
    this.store = store;
    this.catalog = new CatalogTxn(catalog, index);
    this.index = index;
  }

  /** Nodes the catalog operations wrote, and those (re)registered: the store follows up on them. */
  java.util.Set<String> catalogNodesTouched() {
    return catalog.touchedNodes();
  }

  java.util.Set<String> catalogNodesRegistered() {
    return catalog.registeredNodes();
  }

  /** Checks every operation in order against what the earlier ones did; a failure is the result, else null. */
  TxnResult run(List<TxnOp> ops, java.util.function.Predicate<String> sessionExists) {
    for (int i = 0; i < ops.size(); i++) {
      TxnOp op = ops.get(i);
      String why = op.kind() != null ? catalog.apply(op, results.size() + catalog.results())
          : apply(op, results, sessionExists);
      if (why != null) return new TxnResult(null, i, why);
    }
    return null;
  }

  /** Writes the overlays into the store (only when every operation succeeded) and returns the results. */
  TxnResult commit(Changes ch) {
    overlay.forEach((key, entry) -> {
      if (entry.isPresent()) store.put(entry.get(), ch);
      else store.removeKey(index, key, ch);
    });
    catalog.commit(ch);
    List<TxnResult.CatalogItem> items = catalog.items();
    return new TxnResult(results, -1, null, items.isEmpty() ? null : items);
  }

  private Optional<KvEntry> current(String key) {
    Optional<KvEntry> o = overlay.get(key);
    return o != null ? o : store.get(key);
  }

  private List<String> keysUnder(String prefix) {
    TreeSet<String> keys = new TreeSet<>(store.keys(prefix, null));
    overlay.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        if (v.isPresent()) keys.add(k);
        else keys.remove(k);
      }
    });
    return new ArrayList<>(keys);
  }

  private void write(String key, byte[] value, long flags, long lockIndex, String session, List<KvEntry> results) {
    Optional<KvEntry> old = current(key);
    long create = old.map(KvEntry::createIndex).orElse(index);
    KvEntry e = new KvEntry(key, value, flags, create, index, lockIndex, session);
    overlay.put(key, Optional.of(e));
    results.add(new KvEntry(key, null, flags, create, index, lockIndex, session));
  }

  private String apply(TxnOp op, List<KvEntry> out, java.util.function.Predicate<String> sessionExists) {
    String key = op.key() == null ? "" : op.key();
    Optional<KvEntry> cur = current(key);
    long lockIndex = cur.map(KvEntry::lockIndex).orElse(0L);
    String holder = cur.map(KvEntry::session).orElse(null);
    switch (op.verb() == null ? "" : op.verb()) {
      case "set" -> write(key, op.value(), op.flags(), lockIndex, holder, out);
      case "cas" -> {
        long have = cur.map(KvEntry::modifyIndex).orElse(0L);
        if (have != op.index()) return "current modify index " + have + " != " + op.index() + " for key \"" + key + "\"";
        write(key, op.value(), op.flags(), lockIndex, holder, out);
      }
      case "lock" -> {
        if (op.session() == null || !sessionExists.test(op.session())) return "invalid session \"" + op.session() + "\"";
        if (holder != null && !holder.equals(op.session())) return "key \"" + key + "\" is locked by another session";
        write(key, op.value(), op.flags(), holder == null ? lockIndex + 1 : lockIndex, op.session(), out);
      }
      case "unlock" -> {
        if (holder == null || !holder.equals(op.session())) return "key \"" + key + "\" is not locked by session \"" + op.session() + "\"";
        write(key, op.value(), op.flags(), lockIndex, null, out);
      }
      case "get" -> {
        if (cur.isEmpty()) return "key \"" + key + "\" doesn't exist";
        out.add(cur.get());
      }
      case "get-tree" -> keysUnder(key).forEach(k -> out.add(current(k).orElseThrow()));
      case "check-index" -> {
        long have = cur.map(KvEntry::modifyIndex).orElse(0L);
        if (have != op.index()) return "current modify index " + have + " != " + op.index() + " for key \"" + key + "\"";
      }
      case "check-session" -> {
        if (holder == null || !holder.equals(op.session())) return "key \"" + key + "\" is not locked by session \"" + op.session() + "\"";
      }
      case "check-not-exists" -> {
        if (cur.isPresent()) return "key \"" + key + "\" exists";
      }
      case "delete" -> overlay.put(key, Optional.empty());
      case "delete-tree" -> keysUnder(key).forEach(k -> overlay.put(k, Optional.empty()));
      case "delete-cas" -> {
        long have = cur.map(KvEntry::modifyIndex).orElse(0L);
        if (cur.isEmpty() || have != op.index()) return "current modify index " + have + " != " + op.index() + " for key \"" + key + "\"";
        overlay.put(key, Optional.empty());
      }
      default -> {
        return "unknown KV verb \"" + op.verb() + "\"";
      }
    }
    return null;
  }
}
