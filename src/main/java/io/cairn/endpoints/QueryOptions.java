package io.cairn.endpoints;

import java.time.Duration;

/**
 * How a read is to be served: read mode, and for a blocking query the index to wait past and
 * for how long. {@code token} travels with every request so ACLs can be enforced here later.
 */
public record QueryOptions(Consistency consistency, long minIndex, Duration maxWait, String token, String datacenter) {
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  public static QueryOptions defaults() {
    return new QueryOptions(Consistency.DEFAULT, 0, null, "", "");
  }
}
