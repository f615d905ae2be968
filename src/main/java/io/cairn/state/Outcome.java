package io.cairn.state;

/**
 * What applying one command did. {@code applied} false with no error is a refused
 * compare-and-set; an error is a command the state refuses (the log entry still exists, but
 * changed nothing). A transaction also says what each of its operations returned.
 */
public record Outcome(boolean applied, String error, TxnResult txn) {
  public static final Outcome OK = new Outcome(true, null, null);
  public static final Outcome NOT_APPLIED = new Outcome(false, null, null);

  public Outcome(boolean applied, String error) {
    this(applied, error, null);
  }


  public static Outcome error(String message) {
    return new Outcome(false, message, null);
  }
}
