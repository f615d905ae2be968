package io.cairn.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadIndexRoundsTest {
  @Test
  void everyReadGetsARoundThatStartedAfterItArrivedAndRoundsAreShared() throws Exception {
    ReadIndexRounds rounds = new ReadIndexRounds();
    AtomicLong clock = new AtomicLong();
    AtomicInteger fetches = new AtomicInteger();
    List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      readers.add(Thread.ofVirtual().start(() -> {
        long arrived = clock.incrementAndGet();
        try {
          // The "read index" a round returns is the clock when the round started.
          long roundStart = rounds.await(() -> {
            fetches.incrementAndGet();
            long start = clock.incrementAndGet();
            Thread.sleep(2);
            return start;
          }, 10_000);
          if (roundStart < arrived) violations.add("arrived " + arrived + ", round started " + roundStart);
        } catch (Exception e) {
          violations.add(e.toString());
        }
      }));
    }
    for (Thread t : readers) t.join();
    assertThat(violations).isEmpty();
    assertThat(fetches.get()).as("rounds are shared").isLessThan(200);
  }

  @Test
  void aFailedRoundFailsItsReadersAndTheNextRoundStillRuns() throws Exception {
    ReadIndexRounds rounds = new ReadIndexRounds();
    assertThatThrownBy(() -> rounds.await(() -> {
      throw new java.io.IOException("leader gone");
    }, 1000)).hasMessageContaining("leader gone");
    assertThat(rounds.await(() -> 42L, 1000)).isEqualTo(42L);
  }
}
