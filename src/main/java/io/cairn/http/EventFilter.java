package io.cairn.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user event's node, service or tag filter: a regular expression, evaluated by every agent
 * that lists events. Consul evaluates it with Go's RE2, whose matching time is linear in the
 * input; Java's backtracking engine can take exponential time on the same pattern. So both:
 *
 * <ul>
 *   <li>at fire time a filter is refused (400) when it does not compile, is longer than
 *       {@link #MAX_LENGTH}, uses what RE2 does not have (backreferences, lookaround, atomic
 *       groups, possessive quantifiers: Consul refuses those too), or repeats a group that itself
 *       repeats ({@code (a+)+}), the shape of almost every catastrophic pattern; and</li>
 *   <li>at list time the match runs within a step budget and a filter that exceeds it, or no
 *       longer compiles, matches nothing. Events reach the list from the Raft log, which may
 *       hold filters fired through an older server; the fire-time check cannot be the only
 *       guard, and some slow shapes pass it: overlapping repeats in a row
 *       ({@code a*a*a*a*b}), an alternation under a bounded repeat ({@code (a|a){1,40}}).</li>
 * </ul>
 */
final class EventFilter {
  private static final Logger LOG = LoggerFactory.getLogger(EventFilter.class);
  static final int MAX_LENGTH = 256;
  /**
   * Character reads per match. A sane filter on a name of a few hundred characters takes at most
   * tens of thousands ({@code .*x.*} is quadratic); this bound is a few milliseconds of work.
   */
  static final int STEP_BUDGET = 500_000;
  private static final String NOT_IN_RE2 =
      "backreferences, lookaround, atomic groups and possessive quantifiers are not supported";

  private EventFilter() {}

  /** The filter as fired: compiled, or refused with a 400 that says why. */
  static Pattern forFire(String re) {
    String why = problem(re);
    if (why != null) throw ApiException.badRequest("Invalid filter regular expression \"" + re + "\": " + why);
    return Pattern.compile(re);
  }

  /** Why a filter is refused at fire time, or null. */
  static String problem(String re) {
    if (re.length() > MAX_LENGTH) return "longer than " + MAX_LENGTH + " characters";
    try {
      Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
    return shapeProblem(re);
  }

  /** True when {@code re} matches somewhere in {@code input} within the step budget. */
  static boolean matches(String re, String input) {
    Pattern p;
    try {
      p = Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      return false;
    }
    try {
      return p.matcher(new Budgeted(input, STEP_BUDGET)).find();
    } catch (BudgetExceeded | StackOverflowError e) {
      LOG.warn("event filter \"{}\" gave up on \"{}\" after {} steps: treated as no match", re, input, STEP_BUDGET);
      return false;
    }
  }

  /**
   * What RE2 lacks, or a quantified group that holds an unbounded quantifier. Walks the
   * (compilable) pattern once, skipping escapes, {@code \Q...\E} and character classes; a
   * group's "repeats inside" flag passes to its enclosing group when it closes.
   */
  static String shapeProblem(String re) {
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
