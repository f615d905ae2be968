package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final RateLimiter limiter = new RateLimiter(10, 20, nanos::get);

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void aBurstPassesThenTheClientWaitsWhileOthersAreServed() throws Exception {
    for (int i = 0; i < 20; i++) assertThat(limiter.acquire(ip("192.0.2.1"))).isZero();
    assertThat(limiter.acquire(ip("192.0.2.1"))).isEqualTo(1);  // one token comes back in 0.1 s: retry after 1 s
    assertThat(limiter.acquire(ip("192.0.2.2"))).isZero();
    nanos.addAndGet(100_000_000L);
    assertThat(limiter.acquire(ip("192.0.2.1"))).isZero();
    assertThat(limiter.acquire(ip("192.0.2.1"))).isPositive();
  }

  @Test
  void theRateRefillsTheBucketUpToTheBurst() throws Exception {
    for (int i = 0; i < 20; i++) limiter.acquire(ip("192.0.2.1"));
    nanos.addAndGet(60_000_000_000L);  // a minute: full again, but no more than the burst
    int passed = 0;
    while (limiter.acquire(ip("192.0.2.1")) == 0) passed++;
    assertThat(passed).isEqualTo(20);
  }

  @Test
  void anIpv6ClientIsItsSlash64() throws Exception {
    for (int i = 0; i < 20; i++) assertThat(limiter.acquire(ip("2001:db8:1:2::" + Integer.toHexString(i + 1)))).isZero();
    assertThat(limiter.acquire(ip("2001:db8:1:2:ffff::1"))).isPositive();
    assertThat(limiter.acquire(ip("2001:db8:1:3::1"))).isZero();
  }

  @Test
  void quietClientsAreForgotten() throws Exception {
    limiter.acquire(ip("192.0.2.1"));
    limiter.acquire(ip("192.0.2.2"));
    assertThat(limiter.clients()).isEqualTo(2);
    nanos.addAndGet(1_000_000_000L);
    limiter.prune();
    assertThat(limiter.clients()).isZero();
  }

  @Test
  void zeroMeansNoLimit() throws Exception {
    RateLimiter none = new RateLimiter(0, 1, nanos::get);
    for (int i = 0; i < 1000; i++) assertThat(none.acquire(ip("192.0.2.1"))).isZero();
  }
}
