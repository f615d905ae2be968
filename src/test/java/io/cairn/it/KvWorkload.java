package io.cairn.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Clients of a cluster under faults: writers PUT unique keys under {@code w/} to the servers'
 * HTTP APIs and record which PUTs were acknowledged (200 {@code true}), when and by which server;
 * an optional reader does {@code ?consistent} listings and records every answer that went back
 * in index, or that misses a write acknowledged before the read was sent.
 */
final class KvWorkload {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();
  static final ObjectMapper JSON = new ObjectMapper();

  /** An acknowledged write: its key, the server (1-based) that acknowledged it, and when (System.nanoTime). */
  record Ack(String key, int server, long sentNanos, long ackNanos) {}

  /** A {@code ?consistent} answer: from which server, sent and answered when, its index and key count. */
  record Read(int server, long sentNanos, long answeredNanos, long index, int keys) {}

  /** A read that broke linearizability. */
  record Violation(String what, Read read, long maxIndexSeen, int missing, List<String> sample) {}

  private final int servers;
  private final IntFunction<String> baseUrl;
  private final String keyPrefix;
  private final Duration requestTimeout;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger seq = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  final Set<Integer> writersAvoid = ConcurrentHashMap.newKeySet();
  final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  final Set<String> ackedKeys = ConcurrentHashMap.newKeySet();
  final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Violation> violations = new ConcurrentLinkedQueue<>();
  /** Per server: [attempts, acks, timeouts, other failures, non-200 answers]. */
  final Map<Integer, AtomicLong[]> writeStats = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> failureKinds = new ConcurrentHashMap<>();
  /** The highest X-Consul-Index of any read answered so far. */
  private final AtomicLong maxIndexAnswered = new AtomicLong();
  final ConcurrentLinkedQueue<String> probeResults = new ConcurrentLinkedQueue<>();
  private static final ThreadLocal<String> LAST_REFUSAL = new ThreadLocal<>();

  KvWorkload(int servers, IntFunction<String> baseUrl, String keyPrefix, Duration requestTimeout) {
    this.servers = servers;
    this.baseUrl = baseUrl;
    this.keyPrefix = keyPrefix;
    this.requestTimeout = requestTimeout;
    for (int i = 1; i <= servers; i++) {
      writeStats.put(i, new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()});
    }
  }

  void start(int writers, boolean reader) {
    running.set(true);
    for (int c = 0; c < writers; c++) threads.add(Thread.ofVirtual().name("writer-" + c).start(this::writeLoop));
    if (reader) threads.add(Thread.ofVirtual().name("reader").start(this::readLoop));
  }

  void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) t.join(Duration.ofSeconds(30));
  }

  long acksFrom(int server, long afterNanos) {
    return acks.stream().filter(a -> a.server() == server && a.ackNanos() > afterNanos).count();
  }

  long acksAfter(long afterNanos) {
    return acks.stream().filter(a -> a.ackNanos() > afterNanos).count();
  }

  private void writeLoop() {
    while (running.get()) {
      int s = pick(true);
      String key = keyPrefix + seq.incrementAndGet();
      AtomicLong[] st = writeStats.get(s);
      st[0].incrementAndGet();
      long sent = System.nanoTime();
      try {
        HttpResponse<String> r = send("PUT", s, "/v1/kv/" + key, key);
        if (r.statusCode() == 200 && r.body().trim().equals("true")) {
          long at = System.nanoTime();
          acks.add(new Ack(key, s, sent, at));
          ackedKeys.add(key);
          st[1].incrementAndGet();
        } else {
          st[4].incrementAndGet();
          failureKinds.computeIfAbsent("s" + s + " " + r.statusCode() + " " + abbreviate(r.body()), k -> new AtomicInteger()).incrementAndGet();
        }
      } catch (HttpTimeoutException e) {
        st[2].incrementAndGet();
      } catch (Exception e) {
        st[3].incrementAndGet();
        failureKinds.computeIfAbsent("s" + s + " " + e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
        if (e instanceof InterruptedException) return;
      }
    }
  }

  private void readLoop() {
    while (running.get()) {
      try {
        checkedRead(pick(false), "consistent", requestTimeout);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // timed out or refused: no answer, nothing to check
      }
    }
  }

  /**
   * One read of the key listing ({@code mode}: "consistent", "default" or "stale"), checked
   * against what was known when it was sent: it must hold every write acknowledged by then, and
   * (unless stale) its index must not be below any index answered by then.
   */
  Read checkedRead(int s, String mode, Duration timeout) throws Exception {
    Set<String> mustSee = Set.copyOf(ackedKeys);
    long floor = maxIndexAnswered.get();
    long sent = System.nanoTime();
    String query = switch (mode) {
      case "consistent" -> "?keys&consistent";
      case "stale" -> "?keys&stale";
      default -> "?keys";
    };
    HttpResponse<String> r = send("GET", s, "/v1/kv/" + keyPrefix + query, null, timeout);
    long answered = System.nanoTime();
    if (r.statusCode() != 200 && r.statusCode() != 404) {
      failureKinds.computeIfAbsent("read s" + s + " " + r.statusCode() + " " + abbreviate(r.body()), k -> new AtomicInteger()).incrementAndGet();
      LAST_REFUSAL.set(r.statusCode() + " " + abbreviate(r.body()) + " after " + TimeUnit.NANOSECONDS.toMillis(answered - sent) + " ms");
      return null;
    }
    long index = Long.parseLong(r.headers().firstValue("X-Consul-Index").orElse("0"));
    Set<String> keys = r.statusCode() == 404 ? Set.of() : new HashSet<>(JSON.readValue(r.body(), new TypeReference<List<String>>() {}));
    Read read = new Read(s, sent, answered, index, keys.size());
    if (mode.equals("stale")) return read;
    reads.add(read);
    if (index < floor) violations.add(new Violation(mode + " read: X-Consul-Index went back", read, floor, 0, List.of()));
    List<String> missing = mustSee.stream().filter(k -> !keys.contains(k)).sorted().toList();
    if (!missing.isEmpty()) {
      violations.add(new Violation(mode + " read misses writes acknowledged before it was sent", read, floor, missing.size(),
          missing.subList(0, Math.min(5, missing.size()))));
    }
    maxIndexAnswered.accumulateAndGet(index, Math::max);
    return read;
  }

  /** Starts {@code n} checked reads of each mode and {@code n} writes to server {@code s}, with a long timeout. */
  List<Thread> probe(int s, int n, Duration timeout) {
    List<Thread> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (String mode : List.of("consistent", "default")) {
        out.add(Thread.ofVirtual().start(() -> {
          try {
            Read r = checkedRead(s, mode, timeout);
            probeResults.add(mode + " read on s" + s + (r == null ? ": refused " + LAST_REFUSAL.get() : ": index " + r.index() + " keys " + r.keys()
                + " answered " + TimeUnit.NANOSECONDS.toMillis(r.answeredNanos() - r.sentNanos()) + " ms after sending"));
          } catch (Exception e) {
            probeResults.add(mode + " read on s" + s + ": " + e);
          }
        }));
      }
      out.add(Thread.ofVirtual().start(() -> {
        String key = keyPrefix + "probe-" + seq.incrementAndGet();
        long sent = System.nanoTime();
        try {
          HttpResponse<String> r = send("PUT", s, "/v1/kv/" + key, key, timeout);
          if (r.statusCode() == 200 && r.body().trim().equals("true")) {
            acks.add(new Ack(key, s, sent, System.nanoTime()));
            ackedKeys.add(key);
          }
          probeResults.add("write on s" + s + ": " + r.statusCode() + " " + abbreviate(r.body()) + " after "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent) + " ms");
        } catch (Exception e) {
          probeResults.add("write on s" + s + ": " + e);
        }
      }));
    }
    return out;
  }

  private int pick(boolean writer) {
    while (true) {
      int s = 1 + ThreadLocalRandom.current().nextInt(servers);
      if (!writer || !writersAvoid.contains(s) || writersAvoid.size() >= servers) return s;
    }
  }

  private HttpResponse<String> send(String method, int server, String path, String body) throws Exception {
    return send(method, server, path, body, requestTimeout);
  }

  private HttpResponse<String> send(String method, int server, String path, String body, Duration timeout) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl.apply(server) + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() > 80 ? one.substring(0, 80) : one;
  }

  String statsLine() {
    StringBuilder b = new StringBuilder();
    writeStats.forEach((s, st) -> b.append(String.format("s%d: attempts=%d acks=%d timeouts=%d errors=%d rejected=%d; ",
        s, st[0].get(), st[1].get(), st[2].get(), st[3].get(), st[4].get())));
    b.append("reads=").append(reads.size()).append(" failures=").append(failureKinds);
    return b.toString();
  }
}
