package io.cairn.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({"10s,10000", "1m30s,90000", "250ms,250", "120000ms,120000", "525s,525000", "1.5h,5400000", "0,0", "2h45m,9900000"})
  void parsesGoSpellings(String text, long millis) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void parsesSubMillisecondUnits() {
    assertThat(GoDuration.parse("1500us")).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(GoDuration.parse("10ns")).isEqualTo(Duration.ofNanos(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "", "s", "10x", "1.2.3s", "abc", "-", "10 s"})
  void refusesWhatGoRefuses(String text) {
    assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"10000,10s", "90000,1m30s", "250,250ms", "3600000,1h0m0s", "0,0s", "1500,1.5s"})
  void formatsAsGoDoes(long millis, String text) {
    assertThat(GoDuration.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @Test
  void randomInputOnlyEverFailsWithIllegalArgument() {
    Random r = new Random(42);
    String alphabet = "0123456789.smhunµ-+ x";
    for (int i = 0; i < 5000; i++) {
      StringBuilder b = new StringBuilder();
      for (int j = r.nextInt(12); j > 0; j--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      try {
        GoDuration.parse(b.toString());
      } catch (IllegalArgumentException expected) {
        // the only failure allowed
      }
    }
  }
}
