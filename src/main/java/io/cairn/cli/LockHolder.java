package io.cairn.cli;

import java.io.IOException;
import java.time.Duration;

/** What {@code cairn lock} holds while its child runs: a lock ({@code -n 1}) or a semaphore slot. */
interface LockHolder {
  /** Blocks until held; false when {@code timeout} (if positive) passes first. */
  boolean acquire(Duration timeout) throws IOException, InterruptedException;

  /** Blocks while held; returns once the hold is lost (another session has it, or ours is gone). */
  void awaitLoss() throws InterruptedException;

  /** Gives it up; false if it was no longer held. */
  boolean release() throws IOException;

  /** Removes the shared keys if nobody holds or waits for them any more. */
  void cleanup() throws IOException;
}
