package io.cairn.discovery;

/**
 * Input the discovery service refuses: a malformed token, address or body, or one too large.
 * The HTTP layer answers {@link #status()} with the message as a one-line reason.
 */
public final class BadRequestException extends RuntimeException {
  private final int status;

  public BadRequestException(String reason) {
    this(400, reason);
  }

  public BadRequestException(int status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
