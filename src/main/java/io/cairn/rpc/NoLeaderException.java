package io.cairn.rpc;

/** No server can serve this now: Consul answers 500 "No cluster leader". */
public final class NoLeaderException extends RuntimeException {
  public NoLeaderException() {
    super("No cluster leader");
  }
}
