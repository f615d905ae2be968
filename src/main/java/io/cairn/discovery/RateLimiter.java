package io.cairn.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code rate} requests a second on average, up to {@code burst} at
 * once. A client is its IPv4 address, or its IPv6 /64 (one host usually holds a whole /64, so
 * counting its addresses one by one would let it spread past the limit). Time comes from the
 * given nanosecond source, so tests drive it.
 */
public final class RateLimiter {
  /** How many clients are remembered before full buckets (clients quiet long enough) are forgotten. */
  private static final int PRUNE_ABOVE = 100_000;

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<Client, Bucket> buckets = new ConcurrentHashMap<>();

  /** {@code rate} <= 0 means no limit. */
  public RateLimiter(double rate, int burst, LongSupplier nanoTime) {
    this.ratePerNano = rate / 1e9;
    this.burst = Math.max(1, burst);
    this.nanoTime = nanoTime;
  }

  public boolean unlimited() {
    return ratePerNano <= 0;
  }

  /** Takes one request from the client's bucket: 0 when it may go on, else the seconds to wait before asking again. */
  public long acquire(InetAddress address) {
    if (unlimited()) return 0;
    if (buckets.size() > PRUNE_ABOVE) prune();
    Bucket b = buckets.computeIfAbsent(Client.of(address), c -> new Bucket(burst, nanoTime.getAsLong()));
    return b.take(nanoTime.getAsLong(), ratePerNano, burst);
  }

  /** Forgets the clients whose buckets have refilled: they would start full anyway. */
  public void prune() {
    long now = nanoTime.getAsLong();
    buckets.values().removeIf(b -> b.fullAt(now, ratePerNano, burst));
  }

  int clients() {
    return buckets.size();
  }

  private record Client(byte[] prefix) {
    static Client of(InetAddress a) {
      byte[] b = a.getAddress();
      return new Client(a instanceof Inet6Address ? Arrays.copyOf(b, 8) : b);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Client c && Arrays.equals(prefix, c.prefix);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(prefix);
    }
  }

  private static final class Bucket {
    private double tokens;
    private long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    synchronized long take(long now, double ratePerNano, double burst) {
      refill(now, ratePerNano, burst);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      double waitNanos = (1 - tokens) / ratePerNano;
      return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
    }

    synchronized boolean fullAt(long now, double ratePerNano, double burst) {
      refill(now, ratePerNano, burst);
      return tokens >= burst;
    }

    private void refill(long now, double ratePerNano, double burst) {
      long elapsed = now - at;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * ratePerNano);
        at = now;
      }
    }
  }
}
