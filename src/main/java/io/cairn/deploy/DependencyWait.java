package io.cairn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.agent.AgentHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Waits until every dependency holds at once: each service has its minimum of healthy
 * instances (every check passing; with {@code includeWarning}, warning counts too, as DNS
 * answers count it) and each KV key exists. One blocking query per dependency, so a change is
 * seen as the cluster makes it, not at the next poll; an agent not up yet is retried until the
 * deadline (a node at boot may start this before its agent).
 */
public final class DependencyWait {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BLOCK = Duration.ofMinutes(5);

  private final AgentHttp http;
  private final String datacenter;
  private final boolean includeWarning;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  public DependencyWait(AgentHttp http, String datacenter, boolean includeWarning) {
    this.http = http;
    this.datacenter = datacenter;
    this.includeWarning = includeWarning;
  }

  /** One dependency's last known state. */
  private final class Watched {
    final String label;
    final String path;
    final Need need;  // null: a KV key
    volatile int have = -1;  // healthy instances, or 1/0 for a key; -1: not known yet
    volatile String error;

    Watched(String label, String path, Need need) {
      this.label = label;
      this.path = path;
      this.need = need;
    }

    boolean satisfied() {
      return need == null ? have == 1 : have >= need.min();
    }

    String describe() {
      String what = need == null ? "key " + label + (have == 1 ? " present" : " absent")
          : label + " (" + Math.max(have, 0) + " of " + need.min() + " healthy)";
      return error == null ? what : what + " [" + error + "]";
    }

    /** One read; blocking past {@code index} when it is above 0. Returns the index to block past next. */
    long read(long index) throws IOException {
      AgentHttp.Answer a = http.get(path, index, BLOCK);
      if (need == null) {
        if (a.status() != 200 && a.status() != 404) throw new IOException("the agent answered " + a.status() + " for key " + label);
        have = a.status() == 200 ? 1 : 0;
      } else {
        if (a.status() != 200) throw new IOException("the agent answered " + a.status() + " for " + label);
        have = healthy(JSON.readTree(a.body()));
      }
      error = null;
      return a.index() < index ? 0 : a.index();  // an index going backwards starts over
    }
  }

  private int healthy(JsonNode entries) {
    int n = 0;
    for (JsonNode e : entries) {
      boolean ok = true;
      for (JsonNode c : e.path("Checks")) {
        String s = c.path("Status").asText();
        if (!(s.equals("passing") || includeWarning && s.equals("warning"))) ok = false;
      }
      if (ok) n++;
    }
    return n;
  }

  private List<Watched> watched(List<Need> needs, List<String> keys) {
    String dc = datacenter == null ? "" : "dc=" + AgentHttp.enc(datacenter);
    List<Watched> all = new ArrayList<>();
    for (Need n : needs) {
      String q = (n.tag() == null ? "" : "tag=" + AgentHttp.enc(n.tag())) + (n.tag() != null && !dc.isEmpty() ? "&" : "") + dc;
      all.add(new Watched(n.toString(), "/v1/health/service/" + AgentHttp.enc(n.service()) + (q.isEmpty() ? "" : "?" + q), n));
    }
    for (String k : keys) all.add(new Watched(k, "/v1/kv/" + AgentHttp.enc(k) + (dc.isEmpty() ? "" : "?" + dc), null));
    return all;
  }

  /** How many healthy instances {@code need}'s service has now (its tag and datacenter applied). */
  public int healthyNow(Need need) throws IOException {
    Watched w = watched(List.of(need), List.of()).getFirst();
    w.read(0);
    return w.have;
  }

  /** What is missing now, by one read of each dependency; empty when all hold. */
  public List<String> missingNow(List<Need> needs, List<String> keys) throws IOException {
    List<String> out = new ArrayList<>();
    for (Watched w : watched(needs, keys)) {
      w.read(0);
      if (!w.satisfied()) out.add(w.describe());
    }
    return out;
  }

  /**
   * Blocks until every dependency holds or {@code timeout} passes; returns what was still
   * missing (empty: all held). Every {@code reportEvery}, {@code progress} hears what it still
   * waits on.
   */
  public List<String> await(List<Need> needs, List<String> keys, Duration timeout, Duration reportEvery,
                            Consumer<String> progress) throws InterruptedException {
    List<Watched> all = watched(needs, keys);
    List<Thread> threads = new ArrayList<>();
    for (Watched w : all) threads.add(Thread.ofVirtual().name("wait-for " + w.label).start(() -> follow(w)));
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextReport = System.nanoTime() + reportEvery.toNanos();
    try {
      lock.lock();
      try {
        while (true) {
          if (all.stream().allMatch(Watched::satisfied)) return List.of();
          long now = System.nanoTime();
          if (now >= deadline) break;
          if (now >= nextReport) {
            progress.accept("waiting for: " + String.join(", ", missing(all)));
            nextReport = now + reportEvery.toNanos();
          }
          changed.awaitNanos(Math.min(deadline, nextReport) - now);
        }
      } finally {
        lock.unlock();
      }
      return missing(all);
    } finally {
      threads.forEach(Thread::interrupt);
    }
  }

  private static List<String> missing(List<Watched> all) {
    return all.stream().filter(w -> !w.satisfied()).map(Watched::describe).toList();
  }

  private void follow(Watched w) {
    long index = 0;
    long backoffMs = 100;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        index = w.read(index);
        backoffMs = 100;
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) return;
        w.error = e.getMessage();
        index = 0;
        try {
          TimeUnit.MILLISECONDS.sleep(backoffMs);  // a retry's spacing while the agent is away, not a wait for a state
        } catch (InterruptedException stop) {
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
