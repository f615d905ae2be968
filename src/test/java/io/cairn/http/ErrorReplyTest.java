package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.state.KvEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a client reads when a request fails: Consul's status, one line, no Java or Jackson names. */
class ErrorReplyTest {
  private static final String LEAK = "java\\.|io\\.cairn|com\\.fasterxml|Exception|jackson|org\\.eclipse|`|Feature|Constraints";

  private static String text(Reply r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static Reply decodeFailure(String json) {
    try {
      Wire.JSON.readTree(json);
    } catch (Exception e) {
      return ErrorReply.of(e, "PUT /test");
    }
    throw new AssertionError("decoded: " + json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\": NaN}", "{'a': 1}", "{\"a\": 01}", "[1, 2", "{\"a\" 1}", "nul", "{\"a\": \"\u0001\"}",
      "{\"a\": 1]", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})
  void aDecodeFailureIsA400SayingWhereWithoutInternals(String json) {
    String body = json.startsWith("[[[") ? json.repeat(4) : json;
    Reply r = decodeFailure(body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(text(r)).startsWith("Request decode failed: invalid JSON").doesNotContain("\n").doesNotContainPattern(LEAK);
  }

  @Test
  void aSyntaxErrorNamesItsLineAndColumn() {
    assertThat(text(decodeFailure("{\"Name\": \"x\",\n  \"Port\": x}"))).contains("at line 2 column");
  }

  @Test
  void aValueOfTheWrongShapeNamesItsPathNotTheJavaType() throws Exception {
    JsonNode doc = new ObjectMapper().readTree("{\"kv\": [{\"key\": \"a\", \"value\": \"!!\"}, {\"key\": {\"x\": 1}}]}");
    Exception thrown = null;
    try {
      Wire.JSON.readerFor(KvHolder.class).readValue(doc);
    } catch (Exception e) {
      thrown = e;
    }
    Reply r = ErrorReply.of(thrown, "PUT /test");
    assertThat(r.status()).isEqualTo(400);
    assertThat(text(r)).contains("invalid value at kv[0].value").doesNotContainPattern(LEAK);
  }

  record KvHolder(List<KvEntry> kv) {}

  @Test
  void anUnexpectedFailureIsA500WithAReferenceAndNoDetail() {
    Reply r = ErrorReply.of(new NullPointerException("Cannot invoke \"java.time.Duration.isZero()\" because \"ttl\" is null"), "PUT /x");
    assertThat(r.status()).isEqualTo(500);
    assertThat(text(r)).startsWith("Internal error (reference ").doesNotContainPattern(LEAK).doesNotContain("ttl");
  }

  @Test
  void aClientMistakeKeepsItsReasonOnOneLine() {
    Reply r = ErrorReply.of(ApiException.badRequest("key \"a\nb\" is bad"), "PUT /x");
    assertThat(r.status()).isEqualTo(400);
    assertThat(text(r)).isEqualTo("key \"a\\nb\" is bad");
  }

  @ParameterizedTest
  @ValueSource(strings = {"No enum constant io.cairn.state.CheckStatus.X", "java.lang.IllegalStateException: x",
      "see `StreamReadConstraints.getMaxNestingDepth()`", "com.fasterxml.jackson.databind.Foo", "NullPointerException",
      "OutOfMemoryError", "enable JsonReadFeature.ALLOW_SINGLE_QUOTES"})
  void anErrorTextCarryingAnInternalNameIsReplaced(String message) {
    assertThat(ErrorText.oneLine(400, message)).isEqualTo("Bad request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Missing key name", "Invalid wait time: missing unit in duration \"10\"", "Error", "an error occurred",
      "Must provide key", "TTL must be > 0 for TTL checks"})
  void anOrdinaryErrorTextPassesUnchanged(String message) {
    assertThat(ErrorText.oneLine(400, message)).isEqualTo(message);
  }

  @Test
  void aVeryLongErrorTextIsCut() {
    assertThat(ErrorText.oneLine(400, "x".repeat(5000))).hasSizeLessThan(500).endsWith("...");
  }
}
