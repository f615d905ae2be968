package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/**
 * A lock on {@code <prefix>/.lock} as Consul's api Lock takes it, so that {@code consul lock},
 * the Go recipe and this command exclude each other: the key holds the lock flag value, and it
 * is held by acquiring it with our session. While held, a blocking read watches the key; it is
 * lost when another session holds it, the key is gone, or the agent fails more than
 * {@code monitorRetries} times in a row.
 */
final class KvLock extends MonitoredHold {
  /** Consul's api.LockFlagValue: marks a key as a lock, so a semaphore at the same prefix is refused. */
  static final long LOCK_FLAG = 0x2ddccbc058a50c18L;
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** After an acquire refused by the lock-delay, as Consul's DefaultLockRetryTime. */
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final LockApi api;
  private final LockSession session;
  private final String key;

  KvLock(LockApi api, LockSession session, String prefix, int monitorRetries) {
    super(monitorRetries);
    this.api = api;
    this.session = session;
    this.key = prefix.isEmpty() ? ".lock" : prefix + "/.lock";
  }

  /** A pair's Flags, a uint64 on the wire, in a long's bits. */
  static long flagsOf(JsonNode pair) {
    try {
      return Long.parseUnsignedLong(pair.path("Flags").asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private String path() {
    return "/v1/kv/" + LockApi.enc(key);
  }

  @Override
  public boolean acquire(Duration timeout) throws IOException, InterruptedException {
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    long index = 0;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      Duration wait = Duration.ofNanos(Math.min(WAIT.toNanos(), left));
      LockApi.Read r = api.get(path(), index, wait);
      if (index > 0 && System.nanoTime() >= deadline) return false;  // the wait ran out: -timeout means no later start
      JsonNode pair = r.body() == null ? null : r.body().get(0);
      if (pair != null) {
        if (flagsOf(pair) != LOCK_FLAG) throw new IOException("Existing key does not match lock use");
        if (!pair.path("Session").asText("").isEmpty()) {
          index = r.index();  // held by another: wait for it to change
          continue;
        }
      }
      if (api.put(path() + "?acquire=" + session.id + "&flags=" + Long.toUnsignedString(LOCK_FLAG), "").asBoolean()) {
        startMonitor();
        return true;
      }
      // Free but refused: the lock-delay of a session that held it and died. Try again later.
      index = 0;
      Thread.sleep(Math.max(1, Math.min(RETRY.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  @Override
  long stillHeld(long index) throws IOException {
    LockApi.Read r = api.get(path(), index, WAIT);
    JsonNode pair = r.body() == null ? null : r.body().get(0);
    return pair == null || !session.id.equals(pair.path("Session").asText("")) ? -1 : r.index();
  }

  @Override
  public boolean release() throws IOException {
    if (!held) return false;
    held = false;
    api.put(path() + "?release=" + session.id + "&flags=" + Long.toUnsignedString(LOCK_FLAG), "");
    return true;
  }

  /** Deletes the key if nobody holds it (Consul's Destroy: check-and-set on what was read). */
  @Override
  public void cleanup() throws IOException {
    LockApi.Read r = api.get(path(), 0, WAIT);
    JsonNode pair = r.body() == null ? null : r.body().get(0);
    if (pair == null || flagsOf(pair) != LOCK_FLAG || !pair.path("Session").asText("").isEmpty()) return;
    api.delete(path() + "?cas=" + pair.path("ModifyIndex").asLong());
  }
}
