package io.cairn.cli;

import java.util.Collection;
import java.util.Optional;

/**
 * The correct spelling nearest to a mistyped command or flag name, for "did you mean …?".
 * Picocli's own suggestions rank by shared letter pairs, which offers {@code delete} for
 * {@code gte}; an edit distance that counts a swap of two letters as one edit offers {@code get}.
 */
final class NearestName {
  private NearestName() {}

  /**
   * The candidate fewest edits away from {@code typed}, or empty when even the nearest is too
   * far (more than two edits, or a third of the name) to be a typo of it; ties go to the first.
   */
  static Optional<String> among(String typed, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(typed, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int allowed = Math.max(2, typed.replaceFirst("^-+", "").length() / 3);
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
