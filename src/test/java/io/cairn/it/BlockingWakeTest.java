package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every blocking read wakes when its answer changes, with a higher X-Consul-Index, as a client
 * that compares indexes (consul-template, Prometheus SD, Spring Cloud Consul, watch plans)
 * needs: one held read per endpoint, one write that changes its answer, well inside the wait.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlockingWakeTest {
  private TestAgent agent;

  @BeforeAll
  void start() throws Exception {
    agent = TestAgent.start();
    put("/v1/catalog/register", "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Service\":{\"Service\":\"base\"}}");
  }

  @AfterAll
  void stop() {
    agent.close();
  }

  /** A read, and a write (method, path, body) that changes what it answers. */
  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of("/v1/catalog/nodes", "PUT", "/v1/catalog/register", "{\"Node\":\"joined\",\"Address\":\"10.1.0.2\"}"),
        Arguments.of("/v1/catalog/nodes", "PUT", "/v1/catalog/register", "{\"Node\":\"base\",\"Address\":\"10.1.0.9\"}"),
        Arguments.of("/v1/catalog/node/n-svc", "PUT", "/v1/catalog/register",
            "{\"Node\":\"n-svc\",\"Address\":\"10.1.0.3\",\"Service\":{\"Service\":\"extra\"}}"),
        Arguments.of("/v1/catalog/services", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Service\":{\"Service\":\"fresh\"}}"),
        Arguments.of("/v1/catalog/services?node-meta=rack:r7", "PUT", "/v1/catalog/register",
            "{\"Node\":\"racked\",\"Address\":\"10.1.0.4\",\"NodeMeta\":{\"rack\":\"r7\"},\"Service\":{\"Service\":\"racked\"}}"),
        Arguments.of("/v1/catalog/service/web", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Service\":{\"Service\":\"web\",\"ID\":\"web1\"}}"),
        Arguments.of("/v1/health/service/api", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Service\":{\"Service\":\"api\"},\"Check\":{\"CheckID\":\"api-up\",\"ServiceID\":\"api\",\"Status\":\"passing\"}}"),
        Arguments.of("/v1/health/checks/base", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Check\":{\"CheckID\":\"base-up\",\"ServiceID\":\"base\",\"Status\":\"passing\"}}"),
        Arguments.of("/v1/health/node/base", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Check\":{\"CheckID\":\"disk\",\"Status\":\"warning\"}}"),
        Arguments.of("/v1/health/state/critical", "PUT", "/v1/catalog/register",
            "{\"Node\":\"base\",\"Address\":\"10.1.0.1\",\"Check\":{\"CheckID\":\"mem\",\"Status\":\"critical\"}}"),
        Arguments.of("/v1/kv/not/yet", "PUT", "/v1/kv/not/yet", "1"),
        // Spring Cloud Consul holds the empty profile folder before the app's own: a write next
        // to it must end the wait, as Consul's (the 404 carries the KV table's index).
        Arguments.of("/v1/kv/config/app,default/?recurse", "PUT", "/v1/kv/config/app/greeting", "hello"),
        Arguments.of("/v1/kv/config/app/?recurse", "PUT", "/v1/kv/config/app/port", "8080"),
        Arguments.of("/v1/kv/listing/?keys&separator=/", "PUT", "/v1/kv/listing/sub/k", "1"),
        Arguments.of("/v1/event/list", "PUT", "/v1/event/fire/deploy", "v2"));
  }

  @ParameterizedTest(name = "{0} wakes on {2}")
  @MethodSource("endpoints")
  void aHeldReadWakesWithAHigherIndexWhenItsAnswerChanges(String read, String method, String writePath, String body)
      throws Exception {
    HttpResponse<String> first = agent.call("GET", read, null);
    long index = index(first);
    String sep = read.contains("?") ? "&" : "?";
    CompletableFuture<HttpResponse<String>> held = TestAgent.async(() -> {
      try {
        return agent.call("GET", read + sep + "index=" + index + "&wait=60s", null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    HttpResponse<String> written = agent.call(method, writePath, body);
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    // Well inside the 60 s wait: a read that is not woken sleeps it out and fails here.
    HttpResponse<String> woken = held.get(20, TimeUnit.SECONDS);
    assertThat(index(woken)).as("index after the write").isGreaterThan(index);
    // The empty folder stays empty (404): only its index moves, as Consul's does.
    if (!read.contains("app,default")) assertThat(woken.body()).as("answer after the write").isNotEqualTo(first.body());
  }

  private void put(String path, String body) throws Exception {
    assertThat(agent.call("PUT", path, body).statusCode()).isEqualTo(200);
  }

  private static long index(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
  }
}
