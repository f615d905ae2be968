package io.cairn.http.filter;

/** A filter that cannot be compiled: the reason and where in the expression (1-based). */
public final class FilterException extends Exception {
  private final int position;

  FilterException(String reason, int position) {
    super(reason + " (at character " + position + ")");
    this.position = position;
  }

  public int position() {
    return position;
  }
}
