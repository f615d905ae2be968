package io.cairn.http;

import io.cairn.endpoints.BlockingQuery;
import io.cairn.endpoints.QueryOptions;
import java.time.Duration;

/**
 * A blocking read whose answer passes through {@code ?filter=}: it returns when the filtered
 * answer changes, not when the index of what it reads moves. A write to an item the filter
 * drops moves the index but not the answer, so the read keeps waiting, on the new index, for
 * the rest of its wait; a client therefore wakes only for news it can see, and at the end of
 * the wait it is handed the newest index, so its next query starts from there.
 */
final class FilteredRead {
  private FilteredRead() {}

  /** Reads with the given options and answers the (already filtered) reply with its meta. */
  interface Render {
    Reply render(QueryOptions opts) throws Exception;
  }

  static Reply serve(ApiRequest req, boolean filtered, Render render) throws Exception {
    QueryOptions opts = req.queryOptions();
    if (!filtered || opts.minIndex() <= 0) return render.render(opts);
    // What the client holds, if its index is current: the answer now, without blocking.
    Reply now = render.render(at(opts, 0, null));
    long index = now.meta().index();
    if (index != opts.minIndex()) return now;
    long deadline = System.nanoTime() + BlockingQuery.effectiveWait(opts.maxWait()).toNanos();
    Reply latest = now;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) return latest;
      latest = render.render(at(opts, index, Duration.ofNanos(remaining)));
      long next = latest.meta().index();
      if (next == index) return latest;
      if (next < index || !latest.json().equals(now.json())) return latest;
      index = next;
    }
  }

  private static QueryOptions at(QueryOptions o, long index, Duration wait) {
    return new QueryOptions(o.consistency(), index, wait, o.token(), o.datacenter());
  }
}
