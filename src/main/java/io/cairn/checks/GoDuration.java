package io.cairn.checks;

import java.time.Duration;

/**
 * Durations spelled as Go's {@code time.ParseDuration} spells them ("10s", "1m30s", "250ms",
 * "1.5h"), which is how Consul's API and config files carry them. A bare number other than 0 is
 * refused, as Go refuses it.
 */
public final class GoDuration {
  private GoDuration() {}

  public static Duration parse(String text) {
    if (text == null) throw new IllegalArgumentException("missing duration");
    String s = text.trim();
    if (s.isEmpty()) throw new IllegalArgumentException("invalid duration \"\"");
    boolean negative = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i++;
    }
    if (s.substring(i).equals("0")) return Duration.ZERO;
    if (i == s.length()) throw invalid(text);
    double nanos = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
      if (start == i) throw invalid(text);
      double value;
      try {
        value = Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
      String unit = s.substring(unitStart, i);
      nanos += value * unitNanos(unit, text);
    }
    if (nanos > Long.MAX_VALUE) throw new IllegalArgumentException("invalid duration \"" + text + "\": too large");
    long n = Math.round(nanos);
    return Duration.ofNanos(negative ? -n : n);
  }

  private static double unitNanos(String unit, String text) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs", "μs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      case "" -> throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
      default -> throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + text + "\"");
    };
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid duration \"" + text + "\"");
  }

  /** Formats as Go's {@code Duration.String()} does: "10s", "1m30s", "250ms", "1h0m0s". */
  public static String format(Duration d) {
    if (d == null) return "";
    long n = d.toNanos();
    if (n == 0) return "0s";
    String sign = n < 0 ? "-" : "";
    n = Math.abs(n);
    if (n < 1_000) return sign + n + "ns";
    if (n < 1_000_000) return sign + trim(n / 1e3) + "µs";
    if (n < 1_000_000_000) return sign + trim(n / 1e6) + "ms";
    long h = n / 3_600_000_000_000L;
    long m = (n / 60_000_000_000L) % 60;
    double sec = (n % 60_000_000_000L) / 1e9;
    StringBuilder b = new StringBuilder(sign);
    if (h > 0) b.append(h).append('h');
    if (h > 0 || m > 0) b.append(m).append('m');
    return b.append(trim(sec)).append('s').toString();
  }

  private static String trim(double v) {
    String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s;
  }
}
