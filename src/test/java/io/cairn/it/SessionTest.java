package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.session.ImmutableSession;

/** Sessions and KV locks against a real agent, with plain HTTP and kiwiproject's client. */
// Mostly waits on TTLs, intervals or quiet periods, with an agent of its own: runs beside the other classes.
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class SessionTest {
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    // session_ttl_min as Consul's: a short TTL here keeps the expiry test to seconds.
    agent = TestAgent.start(b -> b.sessionTtlMin = Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/v1/health/node/" + TestAgent.NODE, null).contains("serfHealth"));
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  static String call(String method, String path, String body) throws Exception {
    return agent.call(method, path, body).body();
  }

  static String create(String body) throws Exception {
    String out = call("PUT", "/v1/session/create", body);
    assertThat(out).startsWith("{\"ID\":\"");
    return out.substring(7, out.length() - 2);
  }

  @Test
  void onlyOneSessionHoldsALockAtATime() throws Exception {
    String a = create("{\"Name\":\"a\"}");
    String b = create("{\"Name\":\"b\"}");
    assertThat(call("PUT", "/v1/kv/lock/leader?acquire=" + a, "node-a")).isEqualTo("true");
    assertThat(call("PUT", "/v1/kv/lock/leader?acquire=" + b, "node-b")).isEqualTo("false");
    String entry = call("GET", "/v1/kv/lock/leader", null);
    assertThat(entry).contains("\"Session\":\"" + a + "\"").contains("\"LockIndex\":1");
    assertThat(call("PUT", "/v1/kv/lock/leader?release=" + b, "")).isEqualTo("false");
    assertThat(call("PUT", "/v1/kv/lock/leader?release=" + a, "")).isEqualTo("true");
    assertThat(call("PUT", "/v1/kv/lock/leader?acquire=" + b, "node-b")).isEqualTo("true");
    assertThat(call("GET", "/v1/kv/lock/leader", null)).contains("\"LockIndex\":2");
  }

  @Test
  void destroyingASessionReleasesOrDeletesWhatItHeld() throws Exception {
    String rel = create("{\"Behavior\":\"release\"}");
    String del = create("{\"Behavior\":\"delete\"}");
    assertThat(call("PUT", "/v1/kv/held/release?acquire=" + rel, "x")).isEqualTo("true");
    assertThat(call("PUT", "/v1/kv/held/delete?acquire=" + del, "y")).isEqualTo("true");
    assertThat(call("PUT", "/v1/session/destroy/" + rel, null)).isEqualTo("true");
    assertThat(call("PUT", "/v1/session/destroy/" + del, null)).isEqualTo("true");
    assertThat(call("GET", "/v1/kv/held/release", null)).doesNotContain("\"Session\"");
    assertThat(call("GET", "/v1/kv/held/delete?raw", null)).isEmpty();
    assertThat(call("GET", "/v1/session/info/" + rel, null)).isEqualTo("[]");
  }

  @Test
  void aCriticalCheckEndsTheSessionsThatDependOnIt() throws Exception {
    call("PUT", "/v1/agent/check/register", "{\"ID\":\"guard\",\"Name\":\"guard\",\"TTL\":\"10m\",\"Status\":\"passing\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/v1/health/node/" + TestAgent.NODE, null).contains("\"guard\""));
    String s = create("{\"NodeChecks\":[\"serfHealth\",\"guard\"]}");
    assertThat(call("PUT", "/v1/kv/guarded?acquire=" + s, "v")).isEqualTo("true");
    call("PUT", "/v1/agent/check/fail/guard", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/v1/session/info/" + s, null).equals("[]"));
    assertThat(call("GET", "/v1/kv/guarded", null)).doesNotContain("\"Session\"");
  }

  @Test
  void aSessionOnACriticalCheckIsRefused() throws Exception {
    call("PUT", "/v1/agent/check/register", "{\"ID\":\"down\",\"Name\":\"down\",\"TTL\":\"10m\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/v1/health/node/" + TestAgent.NODE, null).contains("\"down\""));
    assertThat(call("PUT", "/v1/session/create", "{\"NodeChecks\":[\"down\"]}")).contains("critical");
  }

  @Test
  void unrenewedTtlSessionExpiresAndRenewKeepsOneAlive() throws Exception {
    assertThat(call("PUT", "/v1/session/create", "{\"TTL\":\"500ms\"}")).contains("must be between [1s=1s]");
    String kept = create("{\"TTL\":\"2s\"}");
    String dropped = create("{\"TTL\":\"2s\"}");
    assertThat(call("PUT", "/v1/session/renew/" + kept, null)).contains(kept).contains("\"TTL\":\"2s\"");
    long start = System.nanoTime();
    // Renew one well within its TTL; the other must be gone within 2 x TTL (plus a tick).
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
      call("PUT", "/v1/session/renew/" + kept, null);
      return call("GET", "/v1/session/info/" + dropped, null).equals("[]");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before its TTL").isGreaterThan(Duration.ofMillis(1900));
    assertThat(call("GET", "/v1/session/info/" + kept, null)).contains(kept);
    assertThat(call("PUT", "/v1/session/renew/nope", null)).contains("not found");
  }

  @Test
  void kiwiClientTakesAndReleasesALock() {
    Consul consul = Consul.builder().withHostAndPort(com.google.common.net.HostAndPort.fromParts("127.0.0.1", agent.port())).build();
    String id = consul.sessionClient().createSession(ImmutableSession.builder().name("kiwi").build()).getId();
    assertThat(consul.keyValueClient().acquireLock("kiwi/lock", "me", id)).isTrue();
    assertThat(consul.keyValueClient().getValue("kiwi/lock").orElseThrow().getSession()).contains(id);
    assertThat(consul.keyValueClient().releaseLock("kiwi/lock", id)).isTrue();
    assertThat(consul.sessionClient().getSessionInfo(id)).isPresent();
    consul.sessionClient().destroySession(id);
    assertThat(consul.sessionClient().getSessionInfo(id)).isEmpty();
  }

  @Test
  void locksOfAnEndedSessionWaitOutItsLockDelay() throws Exception {
    String first = create("{\"LockDelay\":\"3s\"}");
    String second = create("{}");
    assertThat(call("PUT", "/v1/kv/delayed?acquire=" + first, "a")).isEqualTo("true");
    assertThat(call("PUT", "/v1/session/destroy/" + first, null)).isEqualTo("true");
    long ended = System.nanoTime();
    assertThat(call("PUT", "/v1/kv/delayed?acquire=" + second, "b")).isEqualTo("false");
    await().atMost(Duration.ofSeconds(10)).until(() -> call("PUT", "/v1/kv/delayed?acquire=" + second, "b").equals("true"));
    assertThat(Duration.ofNanos(System.nanoTime() - ended)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
  }
}
