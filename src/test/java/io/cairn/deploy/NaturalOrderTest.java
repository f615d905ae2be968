package io.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {
  private final NaturalOrder order = NaturalOrder.INSTANCE;

  @Test
  void digitRunsCompareAsNumbers() {
    assertThat(order.compare("9", "10")).isNegative();
    assertThat(order.compare("v9", "v10")).isNegative();
    assertThat(order.compare("1.2.9", "1.2.10")).isNegative();
    assertThat(order.compare("release-100", "release-99")).isPositive();
    assertThat(order.compare("123456789012345678901234567890", "123456789012345678901234567891")).isNegative();
    assertThat(order.compare("v10", "v10")).isZero();
    assertThat(order.compare("v1", "v1.1")).isNegative();
    assertThat(order.compare("007", "7")).isNotZero();  // total: equal numbers, different spellings
  }

  /** Property: on random version strings the order is a total order consistent with equals. */
  @Test
  void isATotalOrderOnRandomVersions() {
    Random r = new Random(42);
    List<String> vs = new ArrayList<>();
    String alphabet = "0123456789.v-";
    for (int i = 0; i < 300; i++) {
      StringBuilder b = new StringBuilder();
      for (int k = 1 + r.nextInt(8); k > 0; k--) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      vs.add(b.toString());
    }
    for (String a : vs) {
      for (String b : vs) {
        assertThat(Integer.signum(order.compare(a, b))).isEqualTo(-Integer.signum(order.compare(b, a)));
        assertThat(order.compare(a, b) == 0).isEqualTo(a.equals(b));
      }
    }
    List<String> sorted = new ArrayList<>(vs);
    Collections.shuffle(sorted, r);
    sorted.sort(order);
    for (int i = 0; i + 2 < sorted.size(); i++) {
      assertThat(order.compare(sorted.get(i), sorted.get(i + 2))).isNotPositive();  // transitivity along the sort
    }
  }

  @Test
  void needsParseAsServiceCountAndTag() {
    assertThat(Need.parse("db")).isEqualTo(new Need("db", 1, null));
    assertThat(Need.parse("db:3@primary")).isEqualTo(new Need("db", 3, "primary"));
    assertThat(Need.parse("keystone@v2")).isEqualTo(new Need("keystone", 1, "v2"));
    for (String bad : List.of("", ":2", "db:x", "db:0", "db@", "a b", "db:2@x/y")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Need.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
