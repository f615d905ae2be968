package io.cairn.endpoints;

import io.cairn.rpc.RpcClient;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a follower's writes to the leader, coalescing those that wait at the same time into
 * one {@code /rpc/apply-batch} call (the leader then commits them together, see
 * docs/write-path.md). A lone write leaves at once from its caller's thread; while
 * {@link #MAX_IN_FLIGHT} calls are out, later writes queue and leave together in the next one.
 * Every write carries its request id, so a call that fails and is resent applies once.
 */
final class WriteForwarder {
  /** 128 values of the 512 KB limit stay under the RPC port's 80 MB body limit. */
  private static final int MAX_BATCH = 128;
  private static final int MAX_IN_FLIGHT = 4;

  private record Pending(String leader, Command command, CompletableFuture<Outcome> result) {}

  /** The body of {@code /rpc/apply-batch} and its answer, one outcome per command, in order. */
  record Batch(List<Command> commands) {}

  record Outcomes(List<Outcome> outcomes) {}

  private final RpcClient rpc;
  private final Duration timeout;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  WriteForwarder(RpcClient rpc, Duration timeout) {
    this.rpc = rpc;
    this.timeout = timeout;
    Thread.ofVirtual().name("write-forwarder").start(this::sendLoop);  // lives as long as the agent
  }

  /** Sends {@code command} to the leader at {@code leader} and waits for its outcome. */
  Outcome forward(String leader, Command command) throws IOException {
    Pending p = new Pending(leader, command, new CompletableFuture<>());
    if (queue.isEmpty() && inFlight.tryAcquire()) {
      try {
        send(List.of(p));
      } finally {
        inFlight.release();
      }
    } else {
      queue.add(p);
    }
    try {
      return p.result().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer from the leader within " + timeout.toSeconds() + " s");
    }
  }

  private void sendLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      List<Pending> out = List.copyOf(batch);
      batch.clear();
      Thread.ofVirtual().name("write-forward").start(() -> {
        try {
          send(out);
        } finally {
          inFlight.release();
        }
      });
    }
  }

  /** One call per leader named in the batch (there is one unless the leader just changed). */
  private void send(List<Pending> batch) {
    Map<String, List<Pending>> byLeader = new LinkedHashMap<>();
    for (Pending p : batch) byLeader.computeIfAbsent(p.leader(), k -> new ArrayList<>()).add(p);
    byLeader.forEach((leader, ps) -> {
      try {
        Outcomes r;
        try {
          r = rpc.post(leader, "/rpc/apply-batch", new Batch(ps.stream().map(Pending::command).toList()),
              Outcomes.class, timeout, true);
        } catch (RpcClient.NoSuchRpcException e) {
          r = oneByOne(leader, ps);  // a leader of an older version, during a rolling upgrade
        }
        if (r.outcomes() == null || r.outcomes().size() != ps.size()) {
          throw new IOException("the leader answered " + (r.outcomes() == null ? 0 : r.outcomes().size())
              + " outcomes for " + ps.size() + " writes");
        }
        for (int i = 0; i < ps.size(); i++) ps.get(i).result().complete(r.outcomes().get(i));
      } catch (IOException | RuntimeException e) {
        ps.forEach(p -> p.result().completeExceptionally(e));
      }
    });
  }

  private Outcomes oneByOne(String leader, List<Pending> ps) throws IOException {
    List<Outcome> outcomes = new ArrayList<>();
    for (Pending p : ps) {
      outcomes.add(rpc.post(leader, "/rpc/apply", p.command(), Applied.class, timeout, true).outcome());
    }
    return new Outcomes(outcomes);
  }
}
