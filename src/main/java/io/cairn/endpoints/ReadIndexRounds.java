package io.cairn.endpoints;

import io.cairn.rpc.NoLeaderException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shares a follower's ReadIndex round trips among concurrent reads. A read may only use a
 * round that starts after it arrived (else it could miss a write acknowledged before it), so
 * reads arriving while a round is in flight wait for the next one, which then serves them all:
 * at most one round in flight, each answering everyone who came while the last one ran.
 */
final class ReadIndexRounds {
  /** Asks the leader for its read index. */
  interface Fetch {
    long readIndex() throws Exception;
  }

  private final Object lock = new Object();
  private CompletableFuture<Long> next;
  private boolean inFlight;

  long await(Fetch fetch, long timeoutMillis) throws Exception {
    CompletableFuture<Long> mine;
    boolean send;
    synchronized (lock) {
      if (next == null) next = new CompletableFuture<>();
      mine = next;
      send = !inFlight;
      if (send) {
        inFlight = true;
        next = null;
      }
    }
    if (send) runRounds(mine, fetch);
    try {
      return mine.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new NoLeaderException();
    }
  }

  /** Runs this round, then any that gathered meanwhile, until none is waiting. */
  private void runRounds(CompletableFuture<Long> round, Fetch fetch) {
    while (round != null) {
      try {
        round.complete(fetch.readIndex());
      } catch (Exception e) {
        round.completeExceptionally(e);
      }
      synchronized (lock) {
        round = next;
        next = null;
        if (round == null) inFlight = false;
      }
    }
  }
}
