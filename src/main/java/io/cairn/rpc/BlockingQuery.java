package io.cairn.rpc;

import io.cairn.state.Indexed;
import io.cairn.state.StateStore;
import io.cairn.state.Topic;
import io.cairn.state.Watch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Consul's blocking-query rules over the state store: with a {@code minIndex}, hold the read
 * until the index of what it reads differs from it (greater: news; smaller: the store was reset,
 * answer at once) or the wait (default 5 min, cap 10 min, plus up to wait/16 of jitter) runs out.
 * Waiting is on a {@link Watch} of the read's topics, so unrelated writes never wake it.
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

  public static <T> Indexed<T> run(StateStore store, List<Topic> topics, long minIndex, Duration maxWait,
                                   Function<StateStore, Indexed<T>> read) throws InterruptedException {
    return run(store, topics, minIndex, maxWait, read, () -> false);
  }

  /** As above; once {@code stopping} says so, a held query answers with what it has. */
  public static <T> Indexed<T> run(StateStore store, List<Topic> topics, long minIndex, Duration maxWait,
                                   Function<StateStore, Indexed<T>> read, java.util.function.BooleanSupplier stopping)
      throws InterruptedException {
    if (minIndex <= 0) return read.apply(store);
    long deadline = System.nanoTime() + effectiveWait(maxWait).toNanos();
    while (true) {
      try (Watch watch = store.watch(topics)) {
        // Registered before reading: a write between the read and the wait still fires it.
        Indexed<T> result = read.apply(store);
        long remaining = deadline - System.nanoTime();
        if (result.index() != minIndex || remaining <= 0 || stopping.getAsBoolean()) return result;
        watch.await(remaining);
      }
    }
  }
}
