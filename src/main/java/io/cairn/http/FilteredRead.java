package io.cairn.http;

import io.cairn.endpoints.BlockingQuery;
import io.cairn.endpoints.QueryOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A blocking read whose answer passes through {@code ?filter=}: it returns when the filtered
 * answer changes, not when the index of what it reads moves. A write to an item the filter
 * drops moves the index but not the answer, so the read keeps waiting, on the new index, for
 * the rest of its wait; at the end of the wait it is handed the newest index.
 *
 * <p>A client whose index is behind (writes it cannot see came while its next request was on
 * the way) would be answered at once, as any blocking query with an old index, and could go
 * round like that for as long as such writes keep coming. So the answer given at each index is
 * remembered (its hash, per agent and request, for the most recent requests): a client whose
 * index is behind but whose answer at that index is what it would get now holds as if current.
 */
final class FilteredRead {
  private FilteredRead() {}

  /** Reads with the given options and answers the (already filtered) reply with its meta. */
  interface Render {
    Reply render(QueryOptions opts) throws Exception;
  }

  private static final int REMEMBERED = 4096;
  /** (agent, request without index and wait, index) -> hash of the filtered answer given at that index. */
  private static final Map<String, Integer> ANSWERED = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > REMEMBERED;
    }
  };

  static Reply serve(ApiContext ctx, ApiRequest req, boolean filtered, Render render) throws Exception {
    QueryOptions opts = req.queryOptions();
    if (!filtered) return render.render(opts);
    String key = key(ctx, req);
    Reply now = render.render(at(opts, 0, null));
    long index = now.meta().index();
    remember(key, index, now);
    if (opts.minIndex() <= 0) return now;
    boolean current = index == opts.minIndex() || (index > opts.minIndex() && sameAs(key, opts.minIndex(), now));
    if (!current) return now;
    long deadline = System.nanoTime() + BlockingQuery.effectiveWait(opts.maxWait()).toNanos();
    Reply latest = now;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) return latest;
      latest = render.render(at(opts, index, Duration.ofNanos(remaining)));
      long next = latest.meta().index();
      remember(key, next, latest);
      if (next == index) return latest;
      if (next < index || !latest.json().equals(now.json())) return latest;
      index = next;
    }
  }

  /** The request as it would be asked again: this agent's router, path and query without index and wait. */
  private static String key(ApiContext ctx, ApiRequest req) {
    String raw = req.rawPathAndQuery().replaceAll("([?&])(index|wait)=[^&]*", "$1");
    return System.identityHashCode(ctx) + "|" + raw;
  }

  private static void remember(String key, long index, Reply r) {
    if (r.json() == null) return;
    synchronized (ANSWERED) {
      ANSWERED.put(key + "#" + index, r.json().hashCode());
    }
  }

  private static boolean sameAs(String key, long index, Reply r) {
    Integer h;
    synchronized (ANSWERED) {
      h = ANSWERED.get(key + "#" + index);
    }
    return h != null && r.json() != null && h == r.json().hashCode();
  }

  private static QueryOptions at(QueryOptions o, long index, Duration wait) {
    return new QueryOptions(o.consistency(), index, wait, o.token(), o.datacenter());
  }
}
