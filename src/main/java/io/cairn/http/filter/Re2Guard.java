package io.cairn.http.filter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions from requests, held to what Go's RE2 (which Consul uses) allows and run
 * within a step budget, since Java's engine backtracks: a pattern RE2 would refuse is refused,
 * a repeated group that repeats inside ({@code (a+)+}) is refused, and a match that still runs
 * too long gives up rather than holding a thread.
 */
public final class Re2Guard {
  /**
   * Character reads per match. A sane pattern on a value of a few hundred characters takes at
   * most tens of thousands ({@code .*x.*} is quadratic); this bound is a few milliseconds of work.
   */
  public static final int STEP_BUDGET = 500_000;
  private static final String NOT_IN_RE2 =
      "backreferences, lookaround, atomic groups and possessive quantifiers are not supported";

  private Re2Guard() {}

  /** Why {@code re} is refused (it does not compile, RE2 lacks what it uses, or its shape is catastrophic), or null. */
  public static String problem(String re) {
    try {
      Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
    return shapeProblem(re);
  }

  /** Whether {@code p} matches somewhere in {@code input}; null when the match gave up past the budget. */
  public static Boolean find(Pattern p, String input) {
    try {
      return p.matcher(new Budgeted(input, STEP_BUDGET)).find();
    } catch (BudgetExceeded | StackOverflowError e) {
      return null;
    }
  }

  /**
   * What RE2 lacks, or a quantified group that holds an unbounded quantifier. Walks the
   * (compilable) pattern once, skipping escapes, {@code \Q...\E} and character classes; a
   * group's "repeats inside" flag passes to its enclosing group when it closes.
   */
  public static String shapeProblem(String re) {
    Deque<boolean[]> groups = new ArrayDeque<>();
    groups.push(new boolean[1]);
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        char next = i + 1 < re.length() ? re.charAt(i + 1) : ' ';
        if (next >= '1' && next <= '9' || next == 'k') return NOT_IN_RE2;
        if (next == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          i = end < 0 ? re.length() : end + 1;
        } else {
          i++;
        }
      } else if (c == '[') {
        i = endOfClass(re, i);
      } else if (c == '(') {
        if (re.startsWith("(?=", i) || re.startsWith("(?!", i) || re.startsWith("(?<=", i)
            || re.startsWith("(?<!", i) || re.startsWith("(?>", i)) {
          return NOT_IN_RE2;
        }
        groups.push(new boolean[1]);
      } else if (c == ')' && groups.size() > 1) {
        boolean repeatsInside = groups.pop()[0];
        boolean repeated = i + 1 < re.length() && unbounded(re, i + 1);
        if (repeatsInside && repeated) return "a repeated group repeats inside (such as (a+)+) and could take exponential time";
        if (repeatsInside || repeated) groups.peek()[0] = true;
      } else if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < re.length() && re.charAt(i + 1) == '+') {
        return NOT_IN_RE2;
      } else if (unbounded(re, i)) {
        groups.peek()[0] = true;
      }
    }
    return null;
  }

  /** A quantifier at {@code i} that allows more than one repetition: *, +, {n,} or {n,m} with m > 1. */
  private static boolean unbounded(String re, int i) {
    char c = re.charAt(i);
    if (c == '*' || c == '+') return true;
    if (c != '{') return false;
    int close = re.indexOf('}', i);
    if (close < 0) return false;
    String body = re.substring(i + 1, close);
    int comma = body.indexOf(',');
    String max = comma < 0 ? body : body.substring(comma + 1);
    return max.isBlank() || !max.strip().matches("[01]");
  }

  /** The index of the ']' closing the class opened at {@code open} (Java classes nest). */
  private static int endOfClass(String re, int open) {
    int depth = 0;
    for (int i = open; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        depth++;
        if (i + 1 < re.length() && re.charAt(i + 1) == '^') i++;
        if (i + 1 < re.length() && re.charAt(i + 1) == ']') i++;  // a leading ']' is literal
      } else if (c == ']' && --depth == 0) {
        return i;
      }
    }
    return re.length();
  }

  private static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /** The input, counting reads: the regex engine reads through charAt, one call per step. */
  private static final class Budgeted implements CharSequence {
    private final String s;
    private int left;

    Budgeted(String s, int budget) {
      this.s = s;
      this.left = budget;
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) throw new BudgetExceeded();
      return s.charAt(index);
    }

    @Override
    public int length() {
      return s.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return s.substring(start, end);
    }

    @Override
    public String toString() {
      return s;
    }
  }
}
