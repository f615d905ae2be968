package io.cairn.discovery;

/** The token store could not read or write its storage; what was being written was not applied. */
public final class StoreFailedException extends RuntimeException {
  public StoreFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
