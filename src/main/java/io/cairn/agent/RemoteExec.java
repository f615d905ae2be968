package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consul's remote execution, the agent's side (docs/remote-exec.md), on only where a config file
 * says {@code disable_remote_exec = false}. It follows the {@code _rexec} user events this agent
 * is sent (the event list already applies their node, service and tag filters) with blocking
 * queries on its own HTTP API, and runs each new one as a {@link RemoteExecJob}. Events already
 * listed when it starts are not run: an exec is for the agents alive when it was fired.
 */
final class RemoteExec {
  static final String EVENT = "_rexec";
  private static final Logger LOG = LoggerFactory.getLogger(RemoteExec.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final long RETRY_MILLIS = 1_000;

  private final AgentHttp api;
  private final String node;
  private volatile Thread loop;

  RemoteExec(URI self, String node) {
    this.api = new AgentHttp(self, "");
    this.node = node;
  }

  synchronized void start() {
    LOG.warn("remote execution is on (disable_remote_exec = false): anyone who can write KV and fire events "
        + "can run commands on this node as the agent's user");
    loop = Thread.ofVirtual().name("rexec").start(this::follow);
  }

  synchronized void stop() {
    if (loop != null) loop.interrupt();
    loop = null;
  }

  private void follow() {
    long index = 0;
    Set<String> seen = null;  // the IDs in the last answer; null until the first one
    while (!Thread.currentThread().isInterrupted()) {
      try {
        AgentHttp.Answer a = api.get("/v1/event/list?name=" + EVENT, index, WAIT);
        if (a.status() != 200) throw new IOException("event list answered " + a.status() + ": " + a.body().strip());
        index = a.index() < index ? 0 : a.index();
        Set<String> now = new HashSet<>();
        for (JsonNode e : JSON.readTree(a.body())) {
          String id = e.path("ID").asText();
          now.add(id);
          if (seen != null && !seen.contains(id)) launch(id, e.path("Payload").binaryValue());
        }
        seen = now;
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) return;
        LOG.warn("remote exec: cannot follow events, retrying: {}", e.getMessage());
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void launch(String id, byte[] payload) {
    LOG.debug("remote exec event {}", id);
    Thread.ofVirtual().name("rexec-job").start(() -> {
      try {
        new RemoteExecJob(api, node, payload).run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("remote exec {}: {}", id, e.getMessage());
      }
    });
  }
}
