package io.cairn.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Coordinates converge on the round trips they are fed, as Serf's do (its simulation, on a grid). */
class VivaldiTest {
  @Test
  void estimatesConvergeToTheTrueRoundTripsOfAGrid() {
    int n = 16;
    double[][] pos = new double[n][2];
    for (int i = 0; i < n; i++) {
      pos[i][0] = (i % 4) * 0.010;  // 10 ms apart on a 4x4 grid
      pos[i][1] = (i / 4) * 0.010;
    }
    Vivaldi[] nodes = new Vivaldi[n];
    for (int i = 0; i < n; i++) nodes[i] = new Vivaldi();
    Random random = new Random(3);
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < n; i++) {
        int j = random.nextInt(n);
        if (j == i) continue;
        nodes[i].observe("n" + j, nodes[j].coordinate(), Duration.ofNanos((long) (truth(pos, i, j) * 1e9)));
      }
    }
    double worst = 0;
    double total = 0;
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double est = nodes[i].coordinate().distanceTo(nodes[j].coordinate()).toNanos() / 1e9;
        double err = Math.abs(est - truth(pos, i, j)) / truth(pos, i, j);
        worst = Math.max(worst, err);
        total += err;
        pairs++;
      }
    }
    assertThat(total / pairs).as("mean relative error").isLessThan(0.15);
    assertThat(worst).as("worst relative error").isLessThan(0.6);
  }

  private static double truth(double[][] pos, int i, int j) {
    return Math.hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]) + 0.0005;
  }

  @Test
  void unusableSamplesAreIgnored() {
    Vivaldi v = new Vivaldi();
    Vivaldi.Coordinate before = v.coordinate();
    v.observe("x", new Vivaldi.Coordinate(new double[3], 1, 0, 0), Duration.ofMillis(5));
    v.observe("x", new Vivaldi.Coordinate(new double[] {Double.NaN, 0, 0, 0, 0, 0, 0, 0}, 1, 0, 0), Duration.ofMillis(5));
    v.observe("x", Vivaldi.Coordinate.origin(), Duration.ZERO);
    v.observe("x", Vivaldi.Coordinate.origin(), Duration.ofSeconds(11));
    assertThat(v.coordinate()).isEqualTo(before);
  }
}
