package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A slot of an N-holder semaphore at {@code <prefix>/} as Consul's api Semaphore keeps it, so
 * {@code consul lock -n N} and the Go recipe share it: each contender holds
 * {@code <prefix>/<session>} with its session; {@code <prefix>/.lock} holds
 * {@code {"Limit":N,"Holders":{session:true}}}, changed only by check-and-set. Holders whose
 * contender key lost its session are pruned by whoever updates the lock next.
 */
final class KvSemaphore extends MonitoredHold {
  /** Consul's api.SemaphoreFlagValue (above 2^63: a uint64 on the wire). */
  static final long SEMAPHORE_FLAG = 0xe0f69a2baa414de0L;
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final LockApi api;
  private final LockSession session;
  private final String prefix;
  private final int limit;

  KvSemaphore(LockApi api, LockSession session, String prefix, int limit, int monitorRetries) {
    super(monitorRetries);
    this.api = api;
    this.session = session;
    this.prefix = prefix;
    this.limit = limit;
  }

  private String kv(String key) {
    return "/v1/kv/" + LockApi.enc(prefix + "/" + key);
  }

  private static String flags() {
    return Long.toUnsignedString(SEMAPHORE_FLAG);
  }

  /** What the prefix holds now: the lock document (or a fresh one), its index, and the live contenders. */
  private record State(ObjectNode lock, long modifyIndex, Set<String> contenders, long index) {
    Set<String> holders() {
      Set<String> out = new TreeSet<>();
      lock.path("Holders").fieldNames().forEachRemaining(out::add);
      return out;
    }
  }

  private State read(long index) throws IOException {
    return read(index, WAIT);
  }

  private State read(long index, Duration wait) throws IOException {
    LockApi.Read r = api.get("/v1/kv/" + LockApi.enc(prefix + "/") + "?recurse", index, wait);
    ObjectNode lock = null;
    long modifyIndex = 0;
    Set<String> contenders = new HashSet<>();
    if (r.body() != null) {
      for (JsonNode pair : r.body()) {
        String key = pair.path("Key").asText();
        if (key.equals(prefix + "/.lock")) {
          if (KvLock.flagsOf(pair) != SEMAPHORE_FLAG) throw new IOException("Existing key does not match semaphore use");
          String value = new String(java.util.Base64.getDecoder().decode(pair.path("Value").asText("")),
              java.nio.charset.StandardCharsets.UTF_8);
          JsonNode doc = value.isEmpty() ? null : LockApi.JSON.readTree(value);
          if (!(doc instanceof ObjectNode o)) throw new IOException("Failed to decode semaphore lock at " + key);
          lock = o;
          modifyIndex = pair.path("ModifyIndex").asLong();
        } else if (!pair.path("Session").asText("").isEmpty()) {
          contenders.add(pair.path("Session").asText());
        }
      }
    }
    if (lock == null) {
      lock = LockApi.JSON.createObjectNode();
      lock.put("Limit", limit);
      lock.putObject("Holders");
    }
    int theirs = lock.path("Limit").asInt();
    if (theirs != limit) throw new IOException("Semaphore limit conflict (lock: " + theirs + ", local: " + limit + ")");
    return new State(lock, modifyIndex, contenders, r.index());
  }

  /** Writes the lock document if it is still what was read; false if someone changed it first. */
  private boolean write(State s, Set<String> holders) throws IOException {
    ObjectNode doc = LockApi.JSON.createObjectNode();
    doc.put("Limit", limit);
    ObjectNode h = doc.putObject("Holders");
    holders.forEach(id -> h.put(id, true));
    JsonNode ok = api.put(kv(".lock") + "?cas=" + s.modifyIndex() + "&flags=" + flags(), LockApi.JSON.writeValueAsString(doc));
    return ok != null && ok.asBoolean();
  }

  @Override
  public boolean acquire(Duration timeout) throws IOException, InterruptedException {
    JsonNode made = api.put(kv(session.id) + "?acquire=" + session.id + "&flags=" + flags(), "");
    if (made == null || !made.asBoolean()) throw new IOException("Failed to make contender entry");
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    long index = 0;
    while (System.nanoTime() < deadline) {
      State s = read(index, Duration.ofNanos(Math.min(WAIT.toNanos(), deadline - System.nanoTime())));
      if (System.nanoTime() >= deadline) break;  // the wait ran out: -timeout means no later start
      Set<String> holders = s.holders();
      holders.retainAll(s.contenders());  // holders whose session is gone leave
      if (holders.size() >= limit) {
        index = s.index();
        continue;
      }
      holders.add(session.id);
      if (write(s, holders)) {
        startMonitor();
        return true;
      }
      index = 0;  // lost a race for the document: read it again at once
    }
    api.delete(kv(session.id));
    return false;
  }

  @Override
  long stillHeld(long index) throws IOException {
    State s = read(index);
    return s.holders().contains(session.id) ? s.index() : -1;
  }

  @Override
  public boolean release() throws IOException {
    boolean was = held;
    held = false;
    for (int attempt = 0; attempt < 10; attempt++) {
      State s = read(0);
      Set<String> holders = s.holders();
      if (!holders.remove(session.id) || write(s, holders)) break;
    }
    api.delete(kv(session.id));
    return was;
  }

  /** Deletes the lock document when it has no holder and nobody contends (Consul's Destroy). */
  @Override
  public void cleanup() throws IOException {
    State s = read(0);
    Set<String> holders = s.holders();
    holders.retainAll(s.contenders());
    if (s.modifyIndex() == 0 || !holders.isEmpty() || !s.contenders().isEmpty()) return;
    api.delete(kv(".lock") + "?cas=" + s.modifyIndex());
  }
}
