package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A request body's bounds, on streams standing in for the connection. */
class RequestBodyTest {
  private final AtomicInteger shortened = new AtomicInteger();
  private final AtomicInteger restored = new AtomicInteger();

  private RequestBody body(InputStream in, long declared) {
    return new RequestBody(in, declared, shortened::incrementAndGet, restored::incrementAndGet);
  }

  /** A connection that has sent {@code sent} and then fails the next read with {@code failure}. */
  private static InputStream thenFails(byte[] sent, IOException failure) {
    return new SequenceInputStream(new ByteArrayInputStream(sent), new InputStream() {
      @Override
      public int read() throws IOException {
        throw failure;
      }
    });
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedWithoutReadingAByte() {
    InputStream untouchable = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body was read");
      }
    };
    RequestBody b = body(untouchable, 1_000_000_000_000L);
    assertThatThrownBy(() -> b.readAll(1024, "too large")).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(413));
    assertThat(b.abandoned()).isTrue();
    assertThat(shortened).hasValue(0);
  }

  @Test
  void aChunkedBodyPastTheLimitIsRefusedOnceItPassesIt() {
    RequestBody b = body(new ByteArrayInputStream(new byte[5000]), -1);
    assertThatThrownBy(() -> b.readAll(1024, "too large")).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(413));
    assertThat(b.abandoned()).isTrue();
  }

  @Test
  void aBodyThatStopsArrivingIsA408AndTheIdleTimeoutIsPutBack() {
    RequestBody b = body(thenFails(new byte[10], new IOException(new TimeoutException("Idle timeout expired"))), 100);
    assertThatThrownBy(() -> b.readAll(1024, "too large")).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(408));
    assertThat(b.abandoned()).isTrue();
    assertThat(shortened).hasValue(1);
    assertThat(restored).hasValue(1);
  }

  @Test
  void aBodyThatEndsBeforeItsLengthIsA400() {
    RequestBody b = body(new ByteArrayInputStream(new byte[10]), 100);
    assertThatThrownBy(() -> b.readAll(1024, "too large")).isInstanceOf(ApiException.class)
        .hasMessageStartingWith("Request body incomplete")
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
  }

  @Test
  void aBrokenChunkedBodyIsA400() {
    RequestBody b = body(thenFails(new byte[10], new java.io.EOFException("Early EOF")), -1);
    assertThatThrownBy(() -> b.readAll(1024, "too large")).isInstanceOf(ApiException.class)
        .hasMessageStartingWith("Request body incomplete");
  }

  @Test
  void aWholeBodyIsReadAndTheIdleTimeoutPutBack() {
    RequestBody b = body(new ByteArrayInputStream("hello".getBytes()), 5);
    assertThat(b.readAll(5, "too large")).asString().isEqualTo("hello");
    assertThat(b.abandoned()).isFalse();
    assertThat(shortened).hasValue(1);
    assertThat(restored).hasValue(1);
  }

  @Test
  void aStreamedBodyHasTheSameLimit() throws IOException {
    RequestBody b = body(new ByteArrayInputStream(new byte[3000]), -1);
    InputStream s = b.stream(2048, "too large");
    assertThatThrownBy(s::readAllBytes).isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(413));
    assertThat(restored).hasValue(1);
  }
}
