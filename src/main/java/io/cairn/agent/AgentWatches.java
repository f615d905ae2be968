package io.cairn.agent;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The config's watches, each a {@link WatchPlan} on a virtual thread of its own, run against the agent's HTTP API. */
final class AgentWatches {
  private static final Logger LOG = LoggerFactory.getLogger(AgentWatches.class);

  private final List<WatchPlan> plans = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** Stops those running and starts {@code watches} against the agent at {@code self}. */
  synchronized void replace(URI self, List<WatchDefinition> watches) {
    stop();
    for (WatchDefinition w : watches) {
      WatchPlan plan = new WatchPlan(self, "", w.spec());
      WatchPlan.Problems problems = m -> LOG.warn("{}", m);
      plans.add(plan);
      threads.add(Thread.ofVirtual().name("watch").start(() -> {
        try {
          plan.run(w.handler(problems), problems, false);
        } catch (InterruptedException e) {
          // stopped
        } catch (Exception e) {
          LOG.warn("watch {} stopped: {}", w.spec().type(), e.getMessage());
        }
      }));
    }
    if (!plans.isEmpty()) LOG.info("watches running: {}", plans.size());
  }

  synchronized void stop() {
    plans.forEach(WatchPlan::stop);
    threads.forEach(Thread::interrupt);
    plans.clear();
    threads.clear();
  }
}
