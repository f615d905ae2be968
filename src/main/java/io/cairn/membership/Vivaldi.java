package io.cairn.membership;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Network coordinates as Serf keeps them (the Vivaldi model with height, error and adjustment,
 * with Serf's constants): each node places itself in an 8-dimensional space from the round
 * trips it measures to others and their coordinates, so that the distance between two
 * coordinates estimates the round trip between their nodes without measuring it.
 */
public final class Vivaldi {
  static final int DIMENSIONS = 8;
  static final double ERROR_MAX = 1.5;
  static final double CE = 0.25;
  static final double CC = 0.25;
  static final int ADJUSTMENT_WINDOW = 20;
  static final double HEIGHT_MIN = 10.0e-6;
  static final int LATENCY_FILTER = 3;
  static final double GRAVITY_RHO = 150.0;
  private static final double ZERO = 1.0e-6;

  /** A node's place: Consul's Coord JSON ({@code Vec, Error, Adjustment, Height}), in seconds. */
  public record Coordinate(double[] Vec, double Error, double Adjustment, double Height) {
    public static Coordinate origin() {
      return new Coordinate(new double[DIMENSIONS], ERROR_MAX, 0, HEIGHT_MIN);
    }

    /** Whether it can be used: the right size and finite everywhere (a peer's may be neither). */
    public boolean valid() {
      if (Vec == null || Vec.length != DIMENSIONS) return false;
      for (double v : Vec) if (!Double.isFinite(v)) return false;
      return Double.isFinite(Error) && Double.isFinite(Adjustment) && Double.isFinite(Height);
    }

    /** The estimated round trip to {@code o}, as Serf's DistanceTo (adjustments applied when they keep it positive). */
    public Duration distanceTo(Coordinate o) {
      double dist = rawDistance(o);
      double adjusted = dist + Adjustment + o.Adjustment;
      if (adjusted > 0) dist = adjusted;
      return Duration.ofNanos((long) (dist * 1e9));
    }

    double rawDistance(Coordinate o) {
      return magnitude(diff(Vec, o.Vec)) + Height + o.Height;
    }

    @Override
    public boolean equals(Object x) {
      return x instanceof Coordinate c && Arrays.equals(Vec, c.Vec) && Error == c.Error && Adjustment == c.Adjustment
          && Height == c.Height;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(Vec);
    }
  }

  private Coordinate coord = Coordinate.origin();
  private final Coordinate origin = Coordinate.origin();
  private final double[] adjustmentSamples = new double[ADJUSTMENT_WINDOW];
  private int adjustmentIndex;
  private final Map<String, Deque<Double>> latency = new HashMap<>();

  public synchronized Coordinate coordinate() {
    return coord;
  }

  /**
   * One observation: {@code rtt} to {@code node}, whose coordinate is {@code other}. A sample
   * that is not usable (non-positive, over 10 s, an invalid coordinate) is ignored, as Serf's.
   */
  public synchronized void observe(String node, Coordinate other, Duration rtt) {
    if (other == null || !other.valid()) return;
    double seconds = rtt.toNanos() / 1e9;
    if (seconds <= 0 || seconds > 10) return;
    seconds = filtered(node, seconds);
    updateVivaldi(other, seconds);
    updateAdjustment(other, seconds);
    updateGravity();
    if (!coord.valid()) coord = Coordinate.origin();  // Serf resets a coordinate that went bad
  }

  /** The median of the node's last few samples: one slow answer does not throw the coordinate. */
  private double filtered(String node, double seconds) {
    Deque<Double> samples = latency.computeIfAbsent(node, k -> new ArrayDeque<>());
    samples.addLast(seconds);
    if (samples.size() > LATENCY_FILTER) samples.removeFirst();
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  private void updateVivaldi(Coordinate other, double rtt) {
    double dist = coord.rawDistance(other);
    double totalError = Math.max(coord.Error + other.Error, ZERO);
    double weight = coord.Error / totalError;
    double error = CE * weight * Math.abs(dist - rtt) / rtt + coord.Error * (1.0 - CE * weight);
    error = Math.min(error, ERROR_MAX);
    double force = CC * weight * (rtt - dist);
    coord = applyForce(new Coordinate(coord.Vec, error, coord.Adjustment, coord.Height), force, other);
  }

  private void updateAdjustment(Coordinate other, double rtt) {
    adjustmentSamples[adjustmentIndex] = rtt - coord.rawDistance(other);
    adjustmentIndex = (adjustmentIndex + 1) % ADJUSTMENT_WINDOW;
    double sum = 0;
    for (double s : adjustmentSamples) sum += s;
    coord = new Coordinate(coord.Vec, coord.Error, sum / (2.0 * ADJUSTMENT_WINDOW), coord.Height);
  }

  private void updateGravity() {
    double dist = origin.rawDistance(coord);
    double force = -1.0 * Math.pow(dist / GRAVITY_RHO, 2.0);
    coord = applyForce(coord, force, origin);
  }

  /** Moves {@code c} by {@code force} along the line from {@code other} to it (a random direction when they coincide). */
  static Coordinate applyForce(Coordinate c, double force, Coordinate other) {
    double[] d = diff(c.Vec, other.Vec);
    double mag = magnitude(d);
    double[] unit = new double[DIMENSIONS];
    if (mag > ZERO) {
      for (int i = 0; i < DIMENSIONS; i++) unit[i] = d[i] / mag;
    } else {
      java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
      double m = 0;
      for (int i = 0; i < DIMENSIONS; i++) {
        unit[i] = r.nextDouble() - 0.5;
        m += unit[i] * unit[i];
      }
      m = Math.sqrt(m);
      if (m > ZERO) for (int i = 0; i < DIMENSIONS; i++) unit[i] /= m;
      mag = 0;
    }
    double[] vec = new double[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) vec[i] = c.Vec[i] + unit[i] * force;
    double height = c.Height;
    if (mag > ZERO) height = Math.max((c.Height + other.Height) * force / mag + c.Height, HEIGHT_MIN);
    return new Coordinate(vec, c.Error, c.Adjustment, height);
  }

  private static double[] diff(double[] a, double[] b) {
    double[] out = new double[DIMENSIONS];
    for (int i = 0; i < DIMENSIONS; i++) out[i] = a[i] - b[i];
    return out;
  }

  private static double magnitude(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return Math.sqrt(s);
  }
}
