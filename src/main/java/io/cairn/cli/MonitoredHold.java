package io.cairn.cli;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * What a lock and a semaphore slot share once held, as Consul's recipes do it: a blocking read
 * follows the keys until the hold is lost, or until the agent has failed more than
 * {@code monitorRetries} times in a row (1 s apart), which counts as lost too.
 */
abstract class MonitoredHold implements LockHolder {
  private final int monitorRetries;
  private final CountDownLatch lost = new CountDownLatch(1);
  /** Whether this process holds it (as far as it knows). */
  volatile boolean held;

  MonitoredHold(int monitorRetries) {
    this.monitorRetries = monitorRetries;
  }

  /**
   * One blocking read past {@code index}: the index to wait past next while still held, or -1
   * once it is not (another session has it, or ours is gone).
   */
  abstract long stillHeld(long index) throws IOException;

  /** Now held: starts following it. */
  final void startMonitor() {
    held = true;
    Thread.ofVirtual().name("lock-monitor").start(this::monitor);
  }

  private void monitor() {
    long index = 0;
    int failures = 0;
    while (held) {
      try {
        index = stillHeld(index);
        failures = 0;
        if (index < 0) break;
      } catch (IOException e) {
        if (++failures > monitorRetries) break;
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
    held = false;
    lost.countDown();
  }

  @Override
  public final void awaitLoss() throws InterruptedException {
    lost.await();
  }
}
