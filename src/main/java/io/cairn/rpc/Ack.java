package io.cairn.rpc;

/** The answer of a call that has nothing to say but that it was done. */
public record Ack(boolean ok) {
  public static final Ack OK = new Ack(true);
}
