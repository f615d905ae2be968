package io.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class VersionsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private static Versions of(Object... versionHostAge) {
    SortedMap<String, SortedMap<String, Instant>> m = new TreeMap<>();
    for (int i = 0; i < versionHostAge.length; i += 3) {
      m.computeIfAbsent((String) versionHostAge[i], v -> new TreeMap<>())
          .put((String) versionHostAge[i + 1], NOW.minus((Duration) versionHostAge[i + 2]));
    }
    return new Versions(m);
  }

  @Test
  void convergedOnlyWhenTheWantedVersionIsAloneAndNoHostIsStale() {
    Versions v = of("v10", "a", Duration.ofMinutes(1), "v10", "b", Duration.ofMinutes(2));
    assertThat(v.single("v10", Set.of()).converged()).isTrue();
    assertThat(v.single("v11", Set.of()).converged()).isFalse();
    Versions mixed = of("v10", "a", Duration.ofMinutes(1), "v9", "b", Duration.ofMinutes(2));
    assertThat(mixed.single("v10", Set.of()).unwanted()).containsExactly("v9");
  }

  @Test
  void aHostThatStoppedReportingIsStaleAndNamedNotCounted() {
    Versions v = of("v10", "a", Duration.ofMinutes(1), "v10", "gone", Duration.ofHours(2));
    Set<String> stale = v.stale(NOW, Duration.ofMinutes(30), Set.of());
    assertThat(stale).containsExactly("gone");
    Versions.SingleVersion r = v.single("v10", stale);
    assertThat(r.converged()).isFalse();
    assertThat(r.stale()).containsExactly("gone");
    // A failed node is stale at once, however recent its report.
    assertThat(v.stale(NOW, Duration.ofMinutes(30), Set.of("a"))).containsExactly("a", "gone");
    // Only stale hosts at the wanted version: it is not found.
    assertThat(of("v10", "gone", Duration.ofHours(2)).single("v10", Set.of("gone")).wantedFound()).isFalse();
  }

  @Test
  void versionsListInNaturalOrderAndBadOnesAreRefused() {
    assertThat(of("v9", "a", Duration.ZERO, "v10", "b", Duration.ZERO, "v100", "c", Duration.ZERO).versions())
        .containsExactly("v9", "v10", "v100");
    for (String bad : new String[] {"", " ", "a/b", "a b", "x".repeat(129), "tab\t"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Versions.check(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
