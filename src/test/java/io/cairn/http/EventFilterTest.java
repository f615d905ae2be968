package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Event filters: which patterns are refused when fired, and how a list-time match is bounded. */
class EventFilterTest {
  @ParameterizedTest
  @ValueSource(strings = {"(a+)+$", "(a*)*b", "(x+x+)+y", "((a+)*)*b", "(.*){20}!x", "(\\w+\\s?)+$", "(?:ab+)*c",
      "(a{2,})+", "(a)\\1", "\\k<n>", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "(?>a+)b", "a++", "a*+b", "a{2}+",
      "(", "[a-", "*a"})
  void refusedWhenFired(String re) {
    assertThat(EventFilter.problem(re)).as(re).isNotNull();
    assertThatThrownBy(() -> EventFilter.forFire(re)).isInstanceOf(ApiException.class)
        .hasMessageStartingWith("Invalid filter regular expression");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "^web$", "web-.*", "^(api|web)$", "(ab)+", "[a+]+", "\\(a+\\)+", "a\\++", "\\Q(a+)+\\E",
      "(a?)+", "(a{1})+", "(?i)^DB[0-9]+$", "^[^+*]*$", "v[0-9]+\\.[0-9]+"})
  void acceptedWhenFired(String re) {
    assertThat(EventFilter.problem(re)).as(re).isNull();
  }

  @Test
  void aFilterLongerThanTheLimitIsRefused() {
    assertThat(EventFilter.problem("a".repeat(EventFilter.MAX_LENGTH + 1))).contains("longer than");
    assertThat(EventFilter.problem("a".repeat(EventFilter.MAX_LENGTH))).isNull();
  }

  @Test
  void matchingFindsAPatternAnywhereInTheName() {
    assertThat(EventFilter.matches("^web", "web-1")).isTrue();
    assertThat(EventFilter.matches("eb-", "web-1")).isTrue();
    assertThat(EventFilter.matches("^db$", "web-1")).isFalse();
  }

  @Test
  void aMatchThatBacktracksWithoutEndGivesUpQuicklyAsNoMatch() {
    long started = System.nanoTime();
    assertThat(EventFilter.matches("a*a*a*a*a*a*a*b", "a".repeat(60))).isFalse();
    assertThat(EventFilter.matches("^(a|a){1,60}!x", "a".repeat(40) + "!")).isFalse();
    assertThat(EventFilter.matches("((a+)*)*b", "a".repeat(40))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aStoredFilterThatNoLongerCompilesMatchesNothing() {
    assertThat(EventFilter.matches("(", "anything")).isFalse();
  }
}
