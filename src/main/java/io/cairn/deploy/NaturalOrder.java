package io.cairn.deploy;

import java.util.Comparator;

/**
 * Versions in natural order: runs of digits compare as numbers, everything else character by
 * character, so {@code 9 < 10}, {@code v9 < v10} and {@code 1.2.9 < 1.2.10}. Leading zeros do
 * not count ({@code 007} equals {@code 7} as a number; the shorter spelling sorts first so the
 * order stays total). Numbers of any length compare exactly.
 */
public final class NaturalOrder implements Comparator<String> {
  public static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (isDigit(x) && isDigit(y)) {
        int ei = runEnd(a, i);
        int ej = runEnd(b, j);
        int c = compareNumbers(a.substring(i, ei), b.substring(j, ej));
        if (c != 0) return c;
        i = ei;
        j = ej;
      } else {
        if (x != y) return Character.compare(x, y);
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int runEnd(String s, int from) {
    int e = from;
    while (e < s.length() && isDigit(s.charAt(e))) e++;
    return e;
  }

  private static int compareNumbers(String x, String y) {
    String p = x.replaceFirst("^0+(?=.)", "");
    String q = y.replaceFirst("^0+(?=.)", "");
    if (p.length() != q.length()) return Integer.compare(p.length(), q.length());
    return p.compareTo(q);
  }
}
