package io.cairn.state;

import java.util.Locale;
import java.util.Optional;

/** Health of a check, ordered from best to worst so that the worst of several is the max. */
public enum CheckStatus {
  PASSING, WARNING, CRITICAL;

  /** Consul's spelling on the wire and in config: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CheckStatus> parse(String s) {
    if (s == null) return Optional.empty();
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "passing" -> Optional.of(PASSING);
      case "warning" -> Optional.of(WARNING);
      case "critical" -> Optional.of(CRITICAL);
      default -> Optional.empty();
    };
  }

  public CheckStatus worst(CheckStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
