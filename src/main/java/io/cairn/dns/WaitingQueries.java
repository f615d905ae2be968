package io.cairn.dns;

import io.cairn.dns.DnsHandler.Reply;
import io.cairn.dns.DnsHandler.WaitsOn;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the DNS answers that wait (on an upstream resolver, on a server round trip) on virtual
 * threads, so that the listener threads only receive and send, with a bound on how many wait
 * at once for each {@link WaitsOn}. Past the bound a query is answered SERVFAIL at once.
 */
final class WaitingQueries implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WaitingQueries.class);

  /**
   * The bound per kind of wait. A waiting query holds a virtual thread (a few KiB), its packet
   * and, for recursion, a UDP socket (one file descriptor) with a 64 KiB receive buffer: 256 of
   * them are about 17 MiB and 256 descriptors at worst, which any agent can spare. It costs no
   * throughput while upstreams answer: at a 10 ms round trip, 256 in flight carry 25,600
   * queries/s, more than two listener threads receive. It bites when upstreams hang: each query
   * then waits recursor_timeout per recursor (2 s by default), so past about 128 new hanging
   * queries a second the rest get SERVFAIL at once. A client would get SERVFAIL from that path
   * anyway, only later; answering (rather than dropping) lets its stub resolver go on to its
   * next server now instead of after its own timeout (5 s in glibc). Upstream and server waits
   * have separate bounds so a hanging upstream never refuses a client agent's first lookups.
   */
  static final int LIMIT = 256;

  private final int limit;
  private final Map<WaitsOn, Semaphore> permits = new EnumMap<>(WaitsOn.class);
  private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-wait-", 0).factory());
  private final AtomicLong busy = new AtomicLong();

  WaitingQueries(int limit) {
    this.limit = limit;
    for (WaitsOn on : WaitsOn.values()) permits.put(on, new Semaphore(limit));
  }

  /** Runs the answer on a virtual thread and hands its bytes to {@code send}; past the bound, sends SERVFAIL now. */
  void start(Reply.Later later, Consumer<byte[]> send) {
    Semaphore permit = permits.get(later.on());
    if (!permit.tryAcquire()) {
      send.accept(busy(later));
      return;
    }
    try {
      threads.execute(() -> {
        try {
          send.accept(later.answer().get());
        } catch (RuntimeException e) {
          LOG.warn("dns answer waiting on {} failed: {}", later.on(), e.toString());
        } finally {
          permit.release();
        }
      });
    } catch (RejectedExecutionException e) {
      permit.release();  // closing: the query goes unanswered, as every query does from a closed server
    }
  }

  /**
   * The answer on the calling thread, within the same bound: for a TCP connection, which has
   * a virtual thread of its own and answers its queries in order (RFC 7766 allows either).
   */
  byte[] answerHere(Reply.Later later) {
    Semaphore permit = permits.get(later.on());
    if (!permit.tryAcquire()) return busy(later);
    try {
      return later.answer().get();
    } finally {
      permit.release();
    }
  }

  /** How many queries wait on {@code on} now. */
  int waiting(WaitsOn on) {
    return limit - permits.get(on).availablePermits();
  }

  private byte[] busy(Reply.Later later) {
    long n = busy.incrementAndGet();
    if (n % 1000 == 1) {
      LOG.warn("{} DNS queries already wait on {}: answering SERVFAIL at once ({} so far)", limit, later.on(), n);
    }
    return later.busy().get();
  }

  /** Interrupts the waiting answers; their queries go unanswered. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
