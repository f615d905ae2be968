package io.cairn.local;

/** A check or service id that this agent does not hold. */
public final class UnknownCheckException extends RuntimeException {
  public UnknownCheckException(String message) {
    super(message);
  }
}
