package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A few thousand hostile requests over raw sockets against one real agent, drawn from a seed
 * (printed; rerun one with {@code -Dcairn.fuzz.seed=N}, more or fewer with
 * {@code -Dcairn.fuzz.requests=N}). It fails on any 5xx (a healthy dev agent has no reason for
 * one), any request not answered within {@link #DEADLINE}, any answer that names Java, Jackson
 * or Jetty internals, any error text over more than one line, and any change to the canaries:
 * KV keys, an agent service and a catalog node written before and never targeted by the fuzzer.
 */
class HttpFuzzTest {
  private static final long SEED = Long.getLong("cairn.fuzz.seed", 20261204L);
  private static final int REQUESTS = Integer.getInteger("cairn.fuzz.requests", 5000);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  /** Requests in flight at once: the stalled bodies wait out their 5 s side by side. */
  private static final int CLIENTS = 4;
  private static final Pattern LEAK = Pattern.compile(
      "java\\.|javax\\.|io\\.cairn|com\\.fasterxml|org\\.eclipse|org\\.apache|Exception|jackson|Jackson|`|\\tat ");
  private static final Pattern NAMED_INTERNALS = Pattern.compile("java\\.|io\\.cairn|com\\.fasterxml|org\\.eclipse|Exception\\b");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  /** The canaries as read back: keys, the agent's service, the catalog node; equal before and after. */
  private static Map<String, String> readCanaries() throws Exception {
    Map<String, String> seen = new TreeMap<>();
    seen.put("kv", ok(agent.call("GET", "/v1/kv/canary/?recurse", null)));
    seen.put("agent service", ok(agent.call("GET", "/v1/agent/service/canary-svc", null)));
    seen.put("agent checks", JSON.readTree(ok(agent.call("GET", "/v1/agent/checks", null))).path("service:canary-svc").toString());
    seen.put("catalog node", ok(agent.call("GET", "/v1/catalog/node/canary-node", null)));
    return seen;
  }

  private static String ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as("%s: %s", r.uri(), r.body()).isEqualTo(200);
    return r.body();
  }

  private static void writeCanaries() throws Exception {
    for (int i = 0; i < 5; i++) ok(agent.call("PUT", "/v1/kv/canary/key-" + i + "?flags=" + i, "canary value " + i));
    ok(agent.call("PUT", "/v1/kv/canary/nested/deep%2Fkey", "nested"));
    ok(agent.call("PUT", "/v1/agent/service/register", "{\"ID\":\"canary-svc\",\"Name\":\"canary\",\"Port\":9,\"Tags\":[\"t\"],"
        + "\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}"));
    ok(agent.call("PUT", "/v1/catalog/register", "{\"Node\":\"canary-node\",\"Address\":\"10.9.9.9\",\"NodeMeta\":{\"k\":\"v\"},"
        + "\"Service\":{\"ID\":\"canary-db\",\"Service\":\"canary-db\",\"Port\":5432},"
        + "\"Check\":{\"CheckID\":\"canary-check\",\"Name\":\"c\",\"Status\":\"passing\",\"ServiceID\":\"canary-db\"}}"));
    // Records that are not canaries, for the snapshot fuzzer to bend.
    for (int i = 0; i < 3; i++) ok(agent.call("PUT", "/v1/kv/fz/base/" + i, "base " + i));
  }

  private static ObjectNode savedSnapshot() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    byte[] gz = http.send(java.net.http.HttpRequest.newBuilder(agent.uri("/v1/snapshot")).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  @Test
  void hostileRequestsGetClientErrorsPromptlyAndChangeNothingTheyShouldNot() throws Exception {
    System.out.println("HttpFuzzTest seed=" + SEED + " requests=" + REQUESTS + " (rerun with -Dcairn.fuzz.seed=" + SEED + ")");
    writeCanaries();
    Map<String, String> before = readCanaries();
    Random random = new Random(SEED);
    HttpFuzzInputs inputs = new HttpFuzzInputs(random, new HttpFuzzSnapshots(random, savedSnapshot()));
    List<HttpFuzzInputs.Request> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) requests.add(inputs.next());

    long started = System.nanoTime();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        int n = i;
        running.add(clients.submit(() -> send(n, requests.get(n), failures, statuses)));
      }
      for (Future<?> f : running) f.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
    } finally {
      clients.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    System.out.println("HttpFuzzTest seed=" + SEED + ": " + requests.size() + " requests in " + took.toMillis() + " ms, statuses " + statuses);

    if (!failures.isEmpty()) {
      throw new AssertionError("seed " + SEED + ": " + failures.size() + " of " + requests.size() + " requests failed; the first:\n"
          + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
    }
    assertThat(readCanaries()).as("canaries after the fuzz (seed %d)", SEED).isEqualTo(before);
    assertStillServing();
  }

  private static void send(int n, HttpFuzzInputs.Request q, List<String> failures, Map<Integer, Integer> statuses) {
    RawHttp.Answer a;
    try {
      a = RawHttp.exchange(agent.address(), q.bytes(), q.closeAfterSending(), DEADLINE);
    } catch (RawHttp.NoAnswer e) {
      failures.add(describe(n, q, "no answer within " + DEADLINE.toSeconds() + " s"));
      return;
    } catch (IOException e) {
      failures.add(describe(n, q, "connection failed: " + e));
      return;
    }
    statuses.merge(a.status(), 1, Integer::sum);
    String why = judge(q, a);
    if (why != null) failures.add(describe(n, q, why + " [" + a.status() + " " + a.body().lines().findFirst().orElse("") + "]"));
  }

  /** What is wrong with this answer to this request, or null. */
  private static String judge(HttpFuzzInputs.Request q, RawHttp.Answer a) {
    if (a.status() == 0) return q.mayGoUnanswered() ? null : "closed without an answer";
    if (a.status() >= 500 && !serverMayRefuse(q, a)) return "a 5xx for a client's request";
    // An error may not name the server's internals. A JSON answer may carry what the fuzzer
    // stored (bent bytes, a backquote among them) but no Java name either (a check's output).
    if (a.status() >= 400 && LEAK.matcher(a.body()).find()) return "an internal name in the error";
    if (a.status() < 400 && !isData(a) && NAMED_INTERNALS.matcher(a.body()).find()) return "an internal name in the answer";
    String type = a.header("Content-Type");
    if (a.status() >= 400 && type != null && type.startsWith("text/plain") && a.body().strip().contains("\n")) {
      return "an error text over more than one line";
    }
    return null;
  }

  private static boolean isData(RawHttp.Answer a) {
    String type = a.header("Content-Type");
    return type == null || !(type.startsWith("application/json") || type.startsWith("text/"));
  }

  /**
   * The 5xx answers a client can ask for: Jetty's 505 to an HTTP version it does not speak, and
   * Consul's 500 "No path to datacenter" for a {@code ?dc=} this agent cannot reach (the request
   * could be valid; it is the server that cannot serve it).
   */
  private static boolean serverMayRefuse(HttpFuzzInputs.Request q, RawHttp.Answer a) {
    String requestLine = new String(q.bytes(), StandardCharsets.ISO_8859_1).split("\r?\n", 2)[0];
    // Judged by what went on the wire: a raw line break in a path ends the request line early.
    if (a.status() == 505) return !requestLine.endsWith(" HTTP/1.1") && !requestLine.endsWith(" HTTP/1.0");
    boolean head = requestLine.startsWith("HEAD ");
    return a.status() == 500 && requestLine.contains("dc=") && a.body().equals(head ? "" : "No path to datacenter");
  }

  private static String describe(int n, HttpFuzzInputs.Request q, String why) {
    String text = new String(q.bytes(), 0, Math.min(q.bytes().length, 200), StandardCharsets.ISO_8859_1)
        .replace("\r", "\\r").replace("\n", "\\n");
    return "#" + n + " " + q.label() + ": " + why + " <- " + text;
  }

  private static void assertStillServing() throws Exception {
    HttpResponse<String> leader = agent.call("GET", "/v1/status/leader", null);
    assertThat(leader.statusCode()).isEqualTo(200);
    assertThat(leader.body()).isNotEqualTo("\"\"");
    assertThat(ok(agent.call("PUT", "/v1/kv/after-fuzz", "still here"))).isEqualTo("true");
    assertThat(ok(agent.call("GET", "/v1/kv/after-fuzz?raw", null))).isEqualTo("still here");
    RawHttp.Answer events = RawHttp.exchange(agent.address(), "GET /v1/event/list HTTP/1.1\r\nHost: x\r\n\r\n", DEADLINE);
    assertThat(events.status()).isEqualTo(200);
  }
}
