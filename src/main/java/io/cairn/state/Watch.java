package io.cairn.state;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A registration for the topics of one read. It fires at most once, on the first change to any
 * of them after it was made; a blocking query makes a new one per round. Close it when done.
 */
public final class Watch implements AutoCloseable {
  final List<Topic> topics;
  private final CountDownLatch fired = new CountDownLatch(1);
  private final Consumer<Watch> onClose;

  Watch(List<Topic> topics, Consumer<Watch> onClose) {
    this.topics = topics;
    this.onClose = onClose;
  }

  void fire() {
    fired.countDown();
  }

  /** Waits until a change or the time is up; true if something changed. */
  public boolean await(long nanos) throws InterruptedException {
    return fired.await(nanos, TimeUnit.NANOSECONDS);
  }

  public boolean hasFired() {
    return fired.getCount() == 0;
  }

  @Override
  public void close() {
    onClose.accept(this);
  }
}
