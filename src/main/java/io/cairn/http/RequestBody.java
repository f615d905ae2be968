package io.cairn.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;

/**
 * A request's body as it arrives, held to the two bounds a hostile client must not get past. A
 * declared length over the endpoint's limit is refused before a byte is read (413), and a body
 * that stops arriving is given up on after {@link #IDLE_SECONDS} (408): the connection's own
 * idle timeout is 11 minutes, for blocking queries, far too long to hold a stalled upload.
 * A body that ends early (a truncated chunked body, a lying Content-Length) is a 400.
 *
 * <p>While the body is read, {@code whileReading} shortens the connection's idle timeout;
 * {@code afterReading} puts it back. Both come from the HTTP server; this class knows no Jetty.
 */
final class RequestBody {
  static final int IDLE_SECONDS = 5;

  private final InputStream in;
  private final long declared;
  private final Runnable whileReading;
  private final Runnable afterReading;
  private boolean reading;
  private boolean abandoned;

  /** {@code declaredLength} is the Content-Length, or -1 when there is none (chunked). */
  RequestBody(InputStream in, long declaredLength, Runnable whileReading, Runnable afterReading) {
    this.in = in;
    this.declared = declaredLength;
    this.whileReading = whileReading;
    this.afterReading = afterReading;
  }

  /** A body that is already all here (tests, forwarded requests). */
  static RequestBody of(byte[] bytes) {
    return new RequestBody(new java.io.ByteArrayInputStream(bytes), bytes.length, () -> {}, () -> {});
  }

  /**
   * True when the body was refused or failed part way: what is left of it on the connection
   * cannot be skipped safely, so the connection is closed after the answer.
   */
  boolean abandoned() {
    return abandoned;
  }

  /** The whole body, refused with 413 past {@code limit} bytes. */
  byte[] readAll(int limit, String tooLargeMessage) {
    InputStream s = stream(limit, tooLargeMessage);
    try {
      if (declared >= 0) {
        // The usual case: read straight into an array of the declared size, nothing to grow or copy.
        byte[] b = new byte[(int) declared];
        int off = 0;
        for (int n; off < b.length && (n = s.read(b, off, b.length - off)) >= 0; ) off += n;
        if (off < b.length) throw incomplete();
        return b;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw failed(e);
    } finally {
      done();
    }
  }

  /**
   * The body as a stream, for a reader that decodes as it goes (a gzipped snapshot): it throws
   * {@link ApiException} (413, 408 or 400) instead of an IOException when a bound is hit.
   */
  InputStream stream(int limit, String tooLargeMessage) {
    if (declared > limit) {
      // Refused at once: reading (or skipping) a body declared at a terabyte is what a hostile
      // client wants the server to do.
      abandoned = true;
      throw new ApiException(413, tooLargeMessage);
    }
    return new Bounded(limit, tooLargeMessage);
  }

  private void done() {
    if (reading) {
      reading = false;
      afterReading.run();
    }
  }

  private ApiException failed(IOException e) {
    abandoned = true;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
        return new ApiException(408, "Request body timed out: nothing arrived for " + IDLE_SECONDS + "s");
      }
    }
    return incomplete();
  }

  private ApiException incomplete() {
    abandoned = true;
    return ApiException.badRequest("Request body incomplete: the connection ended, or its chunked encoding broke, before the whole body arrived");
  }

  /** Counts what is read, fails past the limit, turns read failures into answers. */
  private final class Bounded extends InputStream {
    private final int limit;
    private final String tooLargeMessage;
    private long count;

    Bounded(int limit, String tooLargeMessage) {
      this.limit = limit;
      this.tooLargeMessage = tooLargeMessage;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) return 0;
      if (!reading) {
        reading = true;
        whileReading.run();
      }
      int n;
      try {
        // One byte past the limit is enough to know it is over, whatever the client declared.
        n = in.read(b, off, (int) Math.min(len, limit - count + 1));
      } catch (IOException e) {
        done();
        throw failed(e);
      }
      if (n < 0) {
        done();
        if (declared >= 0 && count < declared) throw incomplete();
        return -1;
      }
      count += n;
      if (count > limit) {
        done();
        abandoned = true;
        throw new ApiException(413, tooLargeMessage);
      }
      if (declared >= 0 && count >= declared) done();
      return n;
    }

    @Override
    public void close() {
      done();
    }
  }
}
