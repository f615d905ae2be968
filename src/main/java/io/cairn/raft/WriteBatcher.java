package io.cairn.raft;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Writes on their way into the log (docs/write-path.md): while up to {@value #MAX_IN_FLIGHT}
 * entries are in flight, the writes that arrive meanwhile wait and leave together as one
 * {@code Command.Batch} entry, so a busy leader appends one entry for many writes; a lone writer
 * is sent at once. A batch encoding larger than 1 MB is split; a single entry larger than Ratis
 * can log is refused with a reason.
 */
final class WriteBatcher {
  private static final int MAX_BATCH = 1024;
  private static final int MAX_IN_FLIGHT = 8;
  /** A batch whose commands encode larger than this is split into several log entries. */
  private static final int BATCH_BYTES = 1024 * 1024;
  /** Below Ratis's 8 MB log write buffer (RatisTuning), which must hold a whole entry. */
  private static final int MAX_ENTRY_BYTES = 7 * 1024 * 1024;

  /** Where entries go: appended to the log, and Ratis's failures told in the callers' terms. */
  interface Log {
    CompletableFuture<RaftClientReply> append(byte[] entry) throws IOException;

    RuntimeException failure(RaftClientReply reply, Throwable error);
  }

  private record Pending(Command command, CompletableFuture<Outcome> result) {}

  private record Entry(List<Pending> batch, byte[] bytes) {}

  private final Log log;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final Thread batcher;
  private volatile boolean closed;

  WriteBatcher(Log log) {
    this.log = log;
    this.batcher = Thread.ofVirtual().name("raft-batcher").unstarted(this::batchLoop);
  }

  void start() {
    batcher.start();
  }

  void close() {
    closed = true;
    batcher.interrupt();
  }

  /** Submits a command; completes with its outcome once committed and applied. */
  CompletableFuture<Outcome> submit(Command command) {
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new IllegalStateException("server is shutting down"));
      return f;
    }
    Pending p = new Pending(command, f);
    // Nothing waiting and room in flight: send from here, sparing a lone writer the hop to
    // the batcher thread. Under load the queue is not empty and writes batch as before.
    if (queue.isEmpty() && inFlight.tryAcquire()) {
      send(List.of(p));
      return f;
    }
    queue.add(p);
    return f;
  }

  private void batchLoop() {
    List<Pending> batch = new ArrayList<>();
    while (!closed) {
      try {
        batch.add(queue.take());
        inFlight.acquire();
        // While earlier entries are in flight, callers pile up here: that is the batching.
        queue.drainTo(batch, MAX_BATCH - 1);
        send(List.copyOf(batch));
      } catch (InterruptedException e) {
        break;
      } finally {
        batch.clear();
      }
    }
    Pending p;
    while ((p = queue.poll()) != null) p.result().completeExceptionally(new IllegalStateException("server is shutting down"));
  }

  /**
   * Sends one batch as one log entry or, when its commands together are larger than
   * {@link #BATCH_BYTES}, as several; releases the in-flight permit once all are answered.
   */
  private void send(List<Pending> batch) {
    List<Entry> entries = new ArrayList<>();
    split(batch, entries);
    AtomicInteger unanswered = new AtomicInteger(entries.size());
    Runnable answered = () -> {
      if (unanswered.decrementAndGet() == 0) inFlight.release();
    };
    for (Entry e : entries) submit(e, answered);
  }

  private static void split(List<Pending> batch, List<Entry> out) {
    Command command = batch.size() == 1 ? batch.getFirst().command()
        : new Command.Batch(batch.stream().map(Pending::command).toList());
    byte[] bytes = CommandCodec.encode(command);
    if (bytes.length > BATCH_BYTES && batch.size() > 1) {
      split(batch.subList(0, batch.size() / 2), out);
      split(batch.subList(batch.size() / 2, batch.size()), out);
    } else {
      out.add(new Entry(batch, bytes));
    }
  }

  private void submit(Entry e, Runnable answered) {
    if (e.bytes().length > MAX_ENTRY_BYTES) {
      // Ratis cannot log an entry larger than its write buffer, and a failed log append stops
      // the server's log for good: refuse it here, with a reason the caller can show.
      answered.run();
      e.batch().forEach(p -> p.result().completeExceptionally(new IllegalArgumentException(
          "write too large: " + e.bytes().length + " bytes encoded, the limit is " + MAX_ENTRY_BYTES)));
      return;
    }
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = log.append(e.bytes());
    } catch (IOException ex) {
      answered.run();
      e.batch().forEach(p -> p.result().completeExceptionally(ex));
      return;
    }
    reply.whenComplete((r, err) -> {
      answered.run();
      if (err == null && r.isSuccess()) {
        deliver(e.batch(), r);
      } else {
        RuntimeException failure = log.failure(r, err);
        e.batch().forEach(p -> p.result().completeExceptionally(failure));
      }
    });
  }

  private void deliver(List<Pending> batch, RaftClientReply r) {
    List<Outcome> outcomes;
    if (r.getMessage() instanceof OutcomesMessage m) {
      outcomes = m.outcomes();
    } else {
      try {
        outcomes = CommandCodec.decodeOutcomes(r.getMessage().getContent().toByteArray());
      } catch (IOException e) {
        batch.forEach(p -> p.result().completeExceptionally(e));
        return;
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(i < outcomes.size() ? outcomes.get(i) : Outcome.error("missing outcome"));
    }
  }

}
