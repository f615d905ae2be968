package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/txn against a real agent: all or nothing. */
class TxnTest {
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

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  @Test
  void allOperationsApplyTogetherAndReadsSeeEarlierWrites() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"t/a\",\"Value\":\"" + b64("1") + "\"}},"
        + "{\"KV\":{\"Verb\":\"set\",\"Key\":\"t/b\",\"Value\":\"" + b64("2") + "\"}},"
        + "{\"KV\":{\"Verb\":\"get\",\"Key\":\"t/a\"}}]");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"Errors\":null").contains("\"Value\":\"" + b64("1") + "\"");
    assertThat(call("GET", "/v1/kv/t/b?raw", null).body()).isEqualTo("2");
  }

  @Test
  void aFailingCheckRollsEverythingBackWith409() throws Exception {
    call("PUT", "/v1/kv/t/keep", "old");
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"t/keep\",\"Value\":\"" + b64("new") + "\"}},"
        + "{\"KV\":{\"Verb\":\"delete-tree\",\"Key\":\"t/\"}},"
        + "{\"KV\":{\"Verb\":\"check-not-exists\",\"Key\":\"t/never\"}},"
        + "{\"KV\":{\"Verb\":\"check-index\",\"Key\":\"t/keep\",\"Index\":1}}]");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("\"OpIndex\":3").contains("\"Results\":null");
    assertThat(call("GET", "/v1/kv/t/keep?raw", null).body()).isEqualTo("old");
  }

  @Test
  void casInsideATransaction() throws Exception {
    call("PUT", "/v1/kv/t/c", "v1");
    String entry = call("GET", "/v1/kv/t/c", null).body();
    long index = Long.parseLong(entry.replaceAll(".*\"ModifyIndex\":(\\d+).*", "$1"));
    assertThat(call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"cas\",\"Key\":\"t/c\",\"Index\":" + index + ",\"Value\":\"" + b64("v2") + "\"}}]").statusCode()).isEqualTo(200);
    assertThat(call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"cas\",\"Key\":\"t/c\",\"Index\":" + index + ",\"Value\":\"" + b64("v3") + "\"}}]").statusCode()).isEqualTo(409);
    assertThat(call("GET", "/v1/kv/t/c?raw", null).body()).isEqualTo("v2");
  }

  @Test
  void badInputIsRefused() throws Exception {
    assertThat(call("PUT", "/v1/txn", "{\"not\":\"a list\"}").statusCode()).isEqualTo(400);
    assertThat(call("PUT", "/v1/txn", "[{\"Node\":{\"Verb\":\"get\"}}]").statusCode()).isEqualTo(400);
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 129; i++) many.append(i == 0 ? "" : ",").append("{\"KV\":{\"Verb\":\"get\",\"Key\":\"x\"}}");
    assertThat(call("PUT", "/v1/txn", many.append("]").toString()).statusCode()).isEqualTo(413);
  }
}
