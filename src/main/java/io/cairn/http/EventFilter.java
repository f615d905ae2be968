package io.cairn.http;

import io.cairn.http.filter.Re2Guard;
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
    return Re2Guard.problem(re);
  }

  /** True when {@code re} matches somewhere in {@code input} within the step budget. */
  static boolean matches(String re, String input) {
    Pattern p;
    try {
      p = Pattern.compile(re);
    } catch (PatternSyntaxException e) {
      return false;
    }
    Boolean found = Re2Guard.find(p, input);
    if (found == null) {
      LOG.warn("event filter \"{}\" gave up on \"{}\" after {} steps: treated as no match", re, input, Re2Guard.STEP_BUDGET);
      return false;
    }
    return found;
  }
}
