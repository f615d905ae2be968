package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A watch (Consul's watch plan): one view of the catalog, KV store or events, followed with
 * blocking queries against an agent's HTTP API, and handed to a handler each time it changes,
 * never for a wake-up that changed nothing. {@code cairn watch} runs one; the agent runs those of
 * its config's {@code watches}.
 */
public final class WatchPlan {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final Duration RETRY = Duration.ofSeconds(5);

  /** What to watch, as consul watch's flags and the config's watch blocks say it. */
  public record Spec(String type, String key, String prefix, String service, List<String> tags, boolean passingOnly,
                     String state, String name) {
    public Spec {
      tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The API path (with its query) the view is read from; a missing parameter is refused. */
    public String path() {
      return switch (type == null ? "" : type) {
        case "key" -> "/v1/kv/" + AgentHttp.enc(need(key, "key").replaceAll("^/+", ""));
        case "keyprefix" -> "/v1/kv/" + AgentHttp.enc(need(prefix, "prefix").replaceAll("^/+", "")) + "?recurse";
        case "services" -> "/v1/catalog/services";
        case "nodes" -> "/v1/catalog/nodes";
        case "service" -> {
          StringBuilder q = new StringBuilder("/v1/health/service/" + AgentHttp.enc(need(service, "service")) + "?");
          for (String t : tags) q.append("tag=").append(AgentHttp.enc(t)).append('&');
          if (passingOnly) q.append("passing&");
          yield q.substring(0, q.length() - 1);
        }
        case "checks" -> service != null && !service.isEmpty() ? "/v1/health/checks/" + AgentHttp.enc(service)
            : "/v1/health/state/" + AgentHttp.enc(state == null || state.isEmpty() ? "any" : state);
        case "event" -> "/v1/event/list" + (name == null || name.isEmpty() ? "" : "?name=" + AgentHttp.enc(name));
        default -> throw new IllegalArgumentException("Unsupported watch type: " + type);
      };
    }

    private String need(String v, String what) {
      if (v == null || v.isEmpty()) throw new IllegalArgumentException("Must specify -" + what + " for watch type " + type);
      return v;
    }
  }

  /** Gets the view each time it changes; returns false to end the watch. */
  @FunctionalInterface
  public interface Handler {
    boolean handle(long index, JsonNode view) throws Exception;
  }

  /** Where errors go: the first failure of a row is said, then the watch retries quietly. */
  @FunctionalInterface
  public interface Problems {
    void report(String message);
  }

  private final AgentHttp http;
  private final String path;
  private final boolean keyView;
  private volatile boolean stopped;

  public WatchPlan(URI agent, String token, Spec spec) {
    this.http = new AgentHttp(agent, token);
    this.path = spec.path();
    this.keyView = "key".equals(spec.type());
  }

  /**
   * Follows the view until stopped or the handler says so. With {@code failFast}, the first error
   * reading the view is thrown (a one-shot {@code cairn watch}); otherwise it is reported and retried.
   */
  public void run(Handler handler, Problems problems, boolean failFast) throws Exception {
    long index = 0;
    JsonNode last = null;
    boolean failing = false;
    while (!stopped) {
      AgentHttp.Answer r;
      try {
        r = read(index);
        failing = false;
      } catch (IOException e) {
        if (failFast) throw e;
        if (!failing) problems.report("watch " + path + ": " + e.getMessage());
        failing = true;
        Thread.sleep(RETRY);
        continue;
      }
      long at = r.index();
      // Consul's rules: an index that went backwards starts over; an unchanged view is no event.
      index = at < index ? 0 : at;
      JsonNode body = r.status() == 404 || r.body().isBlank() ? null : JSON.readTree(r.body());
      JsonNode view = keyView && body != null && body.size() > 0 ? body.get(0) : body;
      if (view == null || view.equals(last)) continue;
      last = view;
      if (!handler.handle(at, view)) return;
    }
  }

  private AgentHttp.Answer read(long index) throws IOException {
    AgentHttp.Answer a = http.get(path, index, WAIT);
    if (a.status() >= 400 && a.status() != 404) {
      throw new IOException("Unexpected response code: " + a.status() + " (" + a.body().strip() + ")");
    }
    return a;
  }

  public void stop() {
    stopped = true;
  }
}
