package io.cairn.cli;

import io.cairn.agent.AgentHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code deploy status --watch} waits on between frames: a blocking query on the hosts'
 * version reports and one on the deploy-status checks; the first to change (or the period)
 * ends the wait. No polling: an unchanged cloud costs two open requests.
 */
final class StatusWatch {
  private static final String[] PATHS = {"/v1/kv/running_version/?recurse", "/v1/health/service/deploy-status"};
  private final AgentHttp http;
  private final long[] index = new long[PATHS.length];

  /** Takes the indexes now, before the first frame is read: a change after this wakes the first wait. */
  StatusWatch(AgentHttp http) throws java.io.IOException {
    this.http = http;
    for (int i = 0; i < PATHS.length; i++) index[i] = Math.max(1, http.get(PATHS[i], 0, Duration.ZERO).index());
  }

  void awaitChange(Duration atMost) throws Exception {
    List<Callable<Integer>> waits = new ArrayList<>();
    for (int i = 0; i < PATHS.length; i++) {
      int n = i;
      waits.add(() -> {
        while (true) {
          AgentHttp.Answer a = http.get(PATHS[n], index[n], Duration.ofMinutes(5));
          if (a.index() != index[n]) {
            index[n] = Math.max(1, a.index());
            return n;
          }
        }
      });
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      pool.invokeAny(waits, atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // redraw anyway: report ages move on
    }
  }
}
