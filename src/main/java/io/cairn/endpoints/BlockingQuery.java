package io.cairn.endpoints;

import io.cairn.state.Indexed;
import io.cairn.state.StateStore;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Consul's blocking-query rules over the state store: with a {@code minIndex}, hold the read
 * until the index of what it reads differs from it (greater: news; smaller: the store was reset,
 * answer at once) or the wait (default 5 min, cap 10 min, plus up to wait/16 of jitter) runs out.
 * Waiting is on a watch of the topics the read itself registered, so unrelated writes never wake
 * it and a write that moves its index always does.
 */
public final class BlockingQuery {
  private BlockingQuery() {}

  public static Duration effectiveWait(Duration requested) {
    Duration wait = requested == null || requested.isZero() || requested.isNegative()
        ? QueryOptions.DEFAULT_WAIT : requested;
    if (wait.compareTo(QueryOptions.MAX_WAIT) > 0) wait = QueryOptions.MAX_WAIT;
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, wait.toNanos() / 16));
    return wait.plusNanos(jitter);
  }

  /** Runs {@code read}, blocking per the rules above; once {@code stopping} says so, a held query answers with what it has. */
  public static <T> Indexed<T> run(StateStore store, long minIndex, Duration maxWait, StateStore.Read<T> read,
                                   BooleanSupplier stopping) throws InterruptedException {
    if (minIndex <= 0) return read.run(store, new io.cairn.state.WatchSet());
    long deadline = System.nanoTime() + effectiveWait(maxWait).toNanos();
    while (true) {
      try (StateStore.Watched<T> round = store.readAndWatch(read)) {
        Indexed<T> result = round.result();
        long remaining = deadline - System.nanoTime();
        if (result.index() != minIndex || remaining <= 0 || stopping.getAsBoolean()) return result;
        round.watch().await(remaining);
      }
    }
  }
}
