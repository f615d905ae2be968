package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** User events against a real agent: fire, list, filters, and a blocking list woken by a fire. */
class EventTest {
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return agent.call(method, path, body);
  }

  @Test
  void firedEventsAreListedByNameWithTheirPayload() throws Exception {
    HttpResponse<String> fired = call("PUT", "/v1/event/fire/deploy", "v2.1");
    assertThat(fired.statusCode()).isEqualTo(200);
    assertThat(fired.body()).contains("\"Name\":\"deploy\"");
    String list = call("GET", "/v1/event/list?name=deploy", null).body();
    assertThat(list).contains("\"Payload\":\"djIuMQ==\"");
    assertThat(call("GET", "/v1/event/list?name=other", null).body()).isEqualTo("[]");
  }

  @Test
  void eventsForOtherNodesAreNotListedHere() throws Exception {
    call("PUT", "/v1/event/fire/elsewhere?node=%5Esome-other-node%24", "x");
    call("PUT", "/v1/event/fire/here?node=%5E" + TestAgent.NODE + "%24", "y");
    String list = call("GET", "/v1/event/list", null).body();
    assertThat(list).contains("\"here\"").doesNotContain("\"elsewhere\"");
    assertThat(call("PUT", "/v1/event/fire/bad?node=%28", "").statusCode()).isEqualTo(400);
  }

  @Test
  void aBlockingListIsWokenByTheNextEvent() throws Exception {
    HttpResponse<String> first = call("GET", "/v1/event/list?name=wake", null);
    String index = first.headers().firstValue("X-Consul-Index").orElseThrow();
    CompletableFuture<HttpResponse<String>> held = TestAgent.async(() -> {
      try {
        return call("GET", "/v1/event/list?name=wake&index=" + index + "&wait=30s", null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    TestAgent.later(java.time.Duration.ofMillis(300), () -> {
      try {
        call("PUT", "/v1/event/fire/wake", "now");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(held.get(20, TimeUnit.SECONDS).body()).contains("\"wake\"");
  }

  @Test
  void aFilterThatCouldTakeExponentialTimeIsRefusedWhenFired() throws Exception {
    for (String re : new String[] {"%28a%2B%29%2B%24", "%28x%2Bx%2B%29%2By", "%28a%29%5C1", "a%28%3F%3Db%29"}) {
      HttpResponse<String> r = call("PUT", "/v1/event/fire/evil?node=" + re, "");
      assertThat(r.statusCode()).as(re).isEqualTo(400);
      assertThat(r.body()).as(re).startsWith("Invalid filter regular expression");
    }
    HttpResponse<String> tooLong = call("PUT", "/v1/event/fire/evil?service=" + "a".repeat(300), "");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/event/list?name=evil", null).body()).isEqualTo("[]");
  }

  @Test
  void theListAnswersPromptlyEvenWhenAStoredFilterBacktracksWithoutEnd() throws Exception {
    // Seven overlapping repeats in a row pass the fire-time check (none is nested), but against
    // this service name Java's engine backtracks for minutes: the list's step budget must stop it.
    String name = "a".repeat(60);
    assertThat(call("PUT", "/v1/agent/service/register", "{\"Name\":\"" + name + "\"}").statusCode()).isEqualTo(200);
    HttpResponse<String> fired = call("PUT", "/v1/event/fire/backtrack?service=a*a*a*a*a*a*a*b", "");
    assertThat(fired.statusCode()).isEqualTo(200);

    CompletableFuture<HttpResponse<String>> list = TestAgent.async(() -> {
      try {
        return call("GET", "/v1/event/list?name=backtrack", null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    HttpResponse<String> r = list.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[]");
    assertThat(call("PUT", "/v1/agent/service/deregister/" + name, null).statusCode()).isEqualTo(200);
  }
}
