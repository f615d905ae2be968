package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP protocol without a server: what each request answers, and that refusals store nothing. */
class HttpProtocolTest {
  @TempDir Path dir;
  DrivenClock clock = new DrivenClock(Instant.parse("2026-01-01T00:00:00Z"));
  SqliteTokenStore store;
  HttpProtocol http;
  InetAddress caller;

  @BeforeEach
  void open() throws Exception {
    store = SqliteTokenStore.open(dir.resolve("d.db"));
    http = new HttpProtocol(new TokenRegistry(store, clock, Duration.ofSeconds(30), Duration.ofDays(7), 100));
    caller = InetAddress.getByName("192.0.2.7");
  }

  @AfterEach
  void close() {
    store.close();
  }

  HttpAnswer call(String method, String path, String contentType, String body) {
    return http.answer(new HttpCall(method, path, contentType, body.getBytes(StandardCharsets.UTF_8), caller));
  }

  HttpAnswer get(String path) {
    return call("GET", path, null, "");
  }

  String newToken() {
    HttpAnswer a = get("/new");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).startsWith("text/plain");
    return a.bodyText().strip();
  }

  @Test
  void newTokenStartsEmptyAndUnknownTokensAre404() {
    String t = newToken();
    assertThat(t).matches("[0-9a-f]{32}");
    HttpAnswer list = get("/" + t);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.contentType()).isEqualTo("application/json");
    assertThat(list.bodyText()).isEqualTo("[]");
    assertThat(get("/" + "0".repeat(32)).status()).isEqualTo(404);
    assertThat(get("/" + t.toUpperCase())).extracting(HttpAnswer::status).isEqualTo(200);
  }

  @Test
  void usageAndHealth() {
    assertThat(get("/").bodyText()).contains("GET /new").doesNotContain("\n\n").hasLineCount(1);
    assertThat(get("/health").status()).isEqualTo(200);
    assertThat(get("/health").bodyText()).isEqualTo("ok\n");
  }

  @Test
  void putSetsTheListAndPostAddsToIt() {
    String t = newToken();
    HttpAnswer put = call("PUT", "/" + t, "application/json", "[\"10.0.0.5:8300\", \"10.0.0.6\", \"[2001:db8::1]:8301\"]");
    assertThat(put.status()).isEqualTo(200);
    assertThat(get("/" + t).bodyText()).isEqualTo("[\"10.0.0.5:8300\",\"10.0.0.6:8300\",\"[2001:db8::1]:8301\"]");
    call("POST", "/" + t, "application/json", "{\"address\": \"10.0.0.9\", \"port\": 9300}");
    call("POST", "/" + t, "application/x-www-form-urlencoded", "address=10.0.0.10&port=8302");
    assertThat(get("/" + t).bodyText()).isEqualTo(
        "[\"10.0.0.5:8300\",\"10.0.0.6:8300\",\"[2001:db8::1]:8301\",\"10.0.0.10:8302\",\"10.0.0.9:9300\"]");
  }

  @Test
  void aPostWithoutAddressMeansTheCallerOnThePortGivenOr8300() {
    String t = newToken();
    call("POST", "/" + t, null, "");
    call("POST", "/" + t, "application/json", "{\"port\": \"8400\"}");
    assertThat(get("/" + t).bodyText()).isEqualTo("[\"192.0.2.7:8300\",\"192.0.2.7:8400\"]");
  }

  @Test
  void deleteTakesAHostOrAHostAndPort() {
    String t = newToken();
    call("PUT", "/" + t, "application/json", "[\"10.0.0.5:8300\", \"10.0.0.5:8301\", \"[::1]:8300\", \"10.0.0.6\"]");
    assertThat(call("DELETE", "/" + t + "/10.0.0.5:8301", null, "").bodyText())
        .isEqualTo("[\"10.0.0.5:8300\",\"[::1]:8300\",\"10.0.0.6:8300\"]");
    call("DELETE", "/" + t + "/[::1]:8300", null, "");
    call("DELETE", "/" + t + "/10.0.0.5", null, "");
    assertThat(get("/" + t).bodyText()).isEqualTo("[\"10.0.0.6:8300\"]");
    assertThat(call("DELETE", "/" + "0".repeat(32) + "/10.0.0.6", null, "").status()).isEqualTo(404);
  }

  @Test
  void malformedInputIs400AndChangesNothing() {
    String t = newToken();
    call("PUT", "/" + t, "application/json", "[\"10.0.0.5\"]");
    String before = get("/" + t).bodyText();
    String[][] bad = {
        {"GET", "/not-a-token", null, ""},
        {"GET", "/" + t + "z", null, ""},
        {"PUT", "/" + t, "application/json", ""},
        {"PUT", "/" + t, "application/json", "{\"a\":1}"},
        {"PUT", "/" + t, "application/json", "[\"10.0.0.1\", 7]"},
        {"PUT", "/" + t, "application/json", "[\"10.0.0.1\", \"10.0.0.300\"]"},
        {"PUT", "/" + t, "application/json", "[\"10.0.0.1\"] trailing"},
        {"PUT", "/" + t, "application/json", "[\"10.0.0.1:99999\"]"},
        {"PUT", "/" + t, "application/json", "[\"10.0.0.1\""},
        {"POST", "/" + t, "application/json", "{\"address\": \"bad host!\"}"},
        {"POST", "/" + t, "application/json", "{\"address\": \"10.0.0.1\", \"port\": 0}"},
        {"POST", "/" + t, "application/json", "{\"address\": \"10.0.0.1\", \"port\": 1.5}"},
        {"POST", "/" + t, "application/json", "{\"address\": [\"10.0.0.1\"]}"},
        {"POST", "/" + t, "application/json", "[1]"},
        {"POST", "/" + t, "application/x-www-form-urlencoded", "address=10.0.0.1&port=x"},
        {"POST", "/" + t, "application/x-www-form-urlencoded", "address=%zz"},
        {"DELETE", "/" + t + "/not_a_host", null, ""},
    };
    for (String[] b : bad) {
      HttpAnswer a = call(b[0], b[1], b[2], b[3]);
      assertThat(a.status()).as(String.join(" ", b)).isEqualTo(400);
      assertThat(a.bodyText()).as(String.join(" ", b)).hasLineCount(1).doesNotContain("Exception");
    }
    assertThat(get("/" + t).bodyText()).isEqualTo(before);
    assertThat(store.size()).isEqualTo(1);
  }

  /** Whatever body arrives, the answer is 200 or a one-line 400, and a refused one changes nothing. */
  @Test
  void anyBodyIsAcceptedWholeOrRefusedWithoutAChange() {
    String t = newToken();
    java.util.Random random = new java.util.Random(7);
    String[] pieces = {"[", "]", "{", "}", ",", ":", "\"", "\"10.0.0.1\"", "\"[::1]:8300\"", "\"address\"", "\"port\"",
        "8300", "-1", "1e9", "null", "true", "\"h.example\"", "\"\\u0000\"", " ", "=", "&", "address", "port", "%41"};
    int accepted = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder body = new StringBuilder();
      for (int n = random.nextInt(10); n > 0; n--) body.append(pieces[random.nextInt(pieces.length)]);
      String before = get("/" + t).bodyText();
      String method = random.nextBoolean() ? "PUT" : "POST";
      HttpAnswer a = call(method, "/" + t, random.nextBoolean() ? "application/json" : null, body.toString());
      assertThat(a.status()).as(method + " " + body).isIn(200, 400);
      if (a.status() == 400) {
        assertThat(a.bodyText()).hasLineCount(1);
        assertThat(get("/" + t).bodyText()).as(method + " " + body).isEqualTo(before);
      } else {
        accepted++;
      }
    }
    assertThat(accepted).isPositive();
  }

  @Test
  void aListOverTheLimitIsRefusedWhole() {
    String t = newToken();
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i <= TokenRegistry.MAX_SERVERS; i++) body.append(i == 0 ? "" : ",").append("\"10.9.").append(i / 250).append('.').append(i % 250 + 1).append('"');
    HttpAnswer a = call("PUT", "/" + t, "application/json", body.append("]").toString());
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.bodyText()).contains("too many");
    assertThat(get("/" + t).bodyText()).isEqualTo("[]");
  }

  @Test
  void wrongMethodsAre405WithAllow() {
    String t = newToken();
    HttpAnswer a = call("POST", "/new", null, "");
    assertThat(a.status()).isEqualTo(405);
    assertThat(a.headers()).containsEntry("Allow", "GET");
    assertThat(call("PATCH", "/" + t, null, "").status()).isEqualTo(405);
    assertThat(call("GET", "/" + t + "/10.0.0.1", null, "").status()).isEqualTo(405);
    assertThat(get("/" + t + "/a/b").status()).isEqualTo(404);
  }

  @Test
  void aPostedEntryLeavesTheAnswerAfterItsTtl() {
    String t = newToken();
    call("POST", "/" + t, "application/json", "{\"address\": \"10.0.0.9\"}");
    clock.advance(Duration.ofSeconds(29));
    assertThat(get("/" + t).bodyText()).isEqualTo("[\"10.0.0.9:8300\"]");
    clock.advance(Duration.ofSeconds(1));
    assertThat(get("/" + t).bodyText()).isEqualTo("[]");
  }
}
