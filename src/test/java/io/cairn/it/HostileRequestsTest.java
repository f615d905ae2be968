package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests a hostile or broken client sends, against a real agent: lying and huge lengths,
 * stalled and truncated bodies, transactions Consul refuses, bodies that break the decoder.
 * Each is refused with Consul's status and one plain line, stores nothing, and never holds the
 * connection.
 */
class HostileRequestsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = TestAgent.start();
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return agent.call(method, path, body);
  }

  private static RawHttp.Answer raw(String request, boolean closeAfterSending) throws Exception {
    return RawHttp.exchange(agent.address(), request.getBytes(StandardCharsets.ISO_8859_1), closeAfterSending, DEADLINE);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertOneLineOfText(String body) {
    assertThat(body).isNotBlank().doesNotContain("\n");
    assertThat(body).doesNotContainPattern("java\\.|io\\.cairn|com\\.fasterxml|Exception|jackson|org\\.eclipse|`");
  }

  // --- lengths and timing ---

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedAtOnceAndTheConnectionClosed() throws Exception {
    RawHttp.Answer a = raw("PUT /v1/kv/hostile/huge HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n0123456789", false);
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.took()).isLessThan(Duration.ofSeconds(2));
    assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(call("GET", "/v1/kv/hostile/huge", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aStalledBodyIsAnswered408WithinSecondsNotHeldOpen() throws Exception {
    RawHttp.Answer a = raw("PUT /v1/kv/hostile/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789", false);
    assertThat(a.status()).isEqualTo(408);
    assertThat(a.took()).isLessThan(Duration.ofSeconds(10));
    assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
    assertOneLineOfText(a.body());
    assertThat(call("GET", "/v1/kv/hostile/stalled", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aTruncatedChunkedBodyIsA400NotEarlyEof() throws Exception {
    RawHttp.Answer a = raw("PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "10\r\n{\"Name\":\"trunc\",", true);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body()).startsWith("Request body incomplete");
    assertOneLineOfText(a.body());
    assertThat(call("GET", "/v1/agent/services", null).body()).doesNotContain("trunc");
  }

  @Test
  void aBodyShorterThanItsLengthIsA400() throws Exception {
    RawHttp.Answer a = raw("PUT /v1/kv/hostile/short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789", true);
    assertThat(a.status()).isEqualTo(400);
    assertThat(call("GET", "/v1/kv/hostile/short", null).statusCode()).isEqualTo(404);
  }

  @Test
  void jettysOwnRefusalsAreOneLineOfPlainText() throws Exception {
    RawHttp.Answer a = raw("GET /v1/kv/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", true);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.header("Content-Type")).startsWith("text/plain");
    assertOneLineOfText(a.body());
  }

  // --- transactions: Consul's agent checks the body before anything is written ---

  @Test
  void aTransactionWithANonNumericIndexIsA400AndStoresNothing() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"hostile/txn-index\",\"Index\":\"abc\"}}]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).startsWith("Failed to parse body").contains("Index");
    assertThat(call("GET", "/v1/kv/hostile/txn-index", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aTransactionOperationWithoutAKeyIsRefusedAsConsulsPrecheckDoes() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"hostile/txn-ok\",\"Value\":\"" + b64("x") + "\"}},"
        + "{\"KV\":{\"Verb\":\"set\",\"Value\":\"" + b64("y") + "\"}}]");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("\"OpIndex\":1").contains("Must provide key");
    assertThat(call("GET", "/v1/kv/hostile/txn-ok", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/kv/?keys", null).body()).doesNotContain("\"\"");
  }

  @Test
  void aTransactionKeyWithANulIsA400() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"hostile/nul\\u0000key\",\"Value\":\"" + b64("x") + "\"}}]");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("NUL");
    assertThat(call("GET", "/v1/kv/hostile/?keys", null).body()).doesNotContain("nul");
  }

  @Test
  void aTransactionValueOverTheKvLimitIsA413() throws Exception {
    String twoMegabytes = Base64.getEncoder().encodeToString(new byte[2 * 1024 * 1024]);
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"hostile/big\",\"Value\":\"" + twoMegabytes + "\"}}]");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("hostile/big").contains("too large");
    assertThat(call("GET", "/v1/kv/hostile/big", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aTransactionWithAnUnknownVerbStoresNothing() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"hostile/verb-ok\"}},"
        + "{\"KV\":{\"Verb\":\"explode\",\"Key\":\"hostile/verb\"}}]");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("\"OpIndex\":1").contains("unknown KV verb");
    assertThat(call("GET", "/v1/kv/hostile/verb-ok", null).statusCode()).isEqualTo(404);
  }

  // --- bodies that break the decoder, and what the answer may say ---

  @Test
  void aTtlCheckWithAnEmptyTtlIsA400WithAReason() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/agent/check/register", "{\"Name\":\"empty-ttl\",\"TTL\":\"\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("TTL must be > 0 for TTL checks");
    assertThat(call("GET", "/v1/agent/checks", null).body()).doesNotContain("empty-ttl");
  }

  @Test
  void decodeErrorsSayWhereAndWhatWithoutJacksonsNames() throws Exception {
    HttpResponse<String> deep = call("PUT", "/v1/agent/service/register", "[".repeat(2000));
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(deep.body()).startsWith("Request decode failed: ").contains("nested too deeply");
    assertOneLineOfText(deep.body());

    HttpResponse<String> nan = call("PUT", "/v1/agent/service/register", "{\"Name\": NaN}");
    assertThat(nan.statusCode()).isEqualTo(400);
    assertThat(nan.body()).startsWith("Request decode failed: invalid JSON at line 1 column");
    assertOneLineOfText(nan.body());

    HttpResponse<String> open = call("PUT", "/v1/catalog/register", "{\"Node\": \"x\",\n \"Address\": ");
    assertThat(open.statusCode()).isEqualTo(400);
    assertThat(open.body()).contains("line 2").contains("unexpected end of input");
    assertOneLineOfText(open.body());
  }

  @Test
  void aSessionOnAMissingNodeIsAClientMistakeNotA500() throws Exception {
    HttpResponse<String> r = call("PUT", "/v1/session/create", "{\"Node\":\"no-such-node\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("no-such-node");
  }

  @Test
  void theAgentStillServesAfterAllOfIt() throws Exception {
    assertThat(call("PUT", "/v1/kv/hostile/after", "fine").body()).isEqualTo("true");
    assertThat(call("GET", "/v1/kv/hostile/after?raw", null).body()).isEqualTo("fine");
    assertThat(call("GET", "/v1/status/leader", null).body()).isNotEqualTo("\"\"");
  }
}
