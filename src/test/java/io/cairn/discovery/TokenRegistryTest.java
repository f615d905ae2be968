package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol's rules on a real SQLite store and a clock the test drives. */
class TokenRegistryTest {
  static final Duration ENTRY_TTL = Duration.ofSeconds(30);
  static final Duration IDLE_TTL = Duration.ofDays(7);

  @TempDir Path dir;
  DrivenClock clock = new DrivenClock(Instant.parse("2026-01-01T00:00:00Z"));
  SqliteTokenStore store;
  TokenRegistry registry;

  @BeforeEach
  void open() {
    store = SqliteTokenStore.open(dir.resolve("discovery.db"));
    registry = new TokenRegistry(store, clock, ENTRY_TTL, IDLE_TTL, 1000);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static ServerAddress a(String s) {
    return ServerAddress.parse(s);
  }

  static List<ServerAddress> list(String... s) {
    return java.util.Arrays.stream(s).map(ServerAddress::parse).toList();
  }

  @Test
  void aNewTokenIsKnownAndEmpty() {
    Token t = registry.create();
    assertThat(t.value()).matches("[0-9a-f]{32}");
    assertThat(t.value().charAt(12)).isEqualTo('4');  // version 4
    assertThat(registry.servers(t)).contains(List.of());
    assertThat(registry.servers(Token.random())).isEmpty();
  }

  @Test
  void putReplacesTheListedServersAtOnce() {
    Token t = registry.create();
    registry.replaceListed(t, list("10.0.0.1", "10.0.0.2:8301", "10.0.0.1:8300"));
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.2:8301"));
    registry.replaceListed(t, list("10.0.0.3"));
    assertThat(registry.servers(t)).contains(list("10.0.0.3:8300"));
    registry.replaceListed(t, List.of());
    assertThat(registry.servers(t)).contains(List.of());
  }

  @Test
  void putToAnUnknownTokenStoresNothing() {
    Token unknown = Token.random();
    assertThat(registry.replaceListed(unknown, list("10.0.0.1"))).isEmpty();
    assertThat(registry.post(unknown, a("10.0.0.1"))).isEmpty();
    assertThat(registry.remove(unknown, a("10.0.0.1"), true)).isEmpty();
    assertThat(registry.size()).isZero();
  }

  @Test
  void postedEntriesExpireUnlessPostedAgain() {
    Token t = registry.create();
    registry.post(t, a("10.0.0.1"));
    registry.post(t, a("10.0.0.2"));
    clock.advance(Duration.ofSeconds(20));
    registry.post(t, a("10.0.0.2"));  // refreshed: lives until 50 s
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.2:8300"));
    clock.advance(Duration.ofSeconds(10));  // 30 s: the first has expired
    assertThat(registry.servers(t)).contains(list("10.0.0.2:8300"));
    clock.advance(Duration.ofSeconds(20));  // 50 s: both
    assertThat(registry.servers(t)).contains(List.of());
  }

  @Test
  void postingTwiceIsOneEntry() {
    Token t = registry.create();
    registry.post(t, a("10.0.0.1:8300"));
    registry.post(t, a("10.0.0.1"));
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300"));
  }

  @Test
  void putAndPostAreSeparateSetsAnsweredAsTheirUnion() {
    Token t = registry.create();
    registry.post(t, a("10.0.0.9"));
    registry.replaceListed(t, list("10.0.0.1", "10.0.0.9"));
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.9:8300"));
    // A PUT that no longer lists the posted server leaves it: it was posted, and is still alive.
    registry.replaceListed(t, list("10.0.0.1"));
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.9:8300"));
    // Listed entries never expire.
    clock.advance(ENTRY_TTL);
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300"));
  }

  /** PUTs and POSTs racing on one token: every POST survives every PUT, and the last PUT's list stands. */
  @Test
  void racingPutsAndPostsLoseNothing() throws Exception {
    Token t = registry.create();
    int posters = 4;
    int postsEach = 25;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(posters + 1)) {
      var done = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int p = 0; p < posters; p++) {
        int poster = p;
        done.add(pool.submit(() -> {
          for (int i = 0; i < postsEach; i++) registry.post(t, ServerAddress.of("10.2." + poster + "." + (i + 1), 8300));
        }));
      }
      done.add(pool.submit(() -> {
        for (int i = 0; i < 50; i++) registry.replaceListed(t, list("10.3.0." + (i + 1)));
      }));
      for (var f : done) f.get();
    }
    List<ServerAddress> servers = registry.servers(t).orElseThrow();
    assertThat(servers).hasSize(1 + posters * postsEach);
    assertThat(servers.get(0)).isEqualTo(a("10.3.0.50"));
    store.close();
    open();
    assertThat(registry.servers(t)).contains(servers);
  }

  @Test
  void deleteRemovesFromBothSetsAndAHostAloneMeansEveryPort() {
    Token t = registry.create();
    registry.replaceListed(t, list("10.0.0.1:8300", "10.0.0.1:9300", "10.0.0.2"));
    registry.post(t, a("10.0.0.1:7300"));
    registry.post(t, a("10.0.0.3"));
    registry.remove(t, a("10.0.0.2:8300"), false);
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.1:9300", "10.0.0.1:7300", "10.0.0.3:8300"));
    registry.remove(t, a("10.0.0.1:9300"), false);
    assertThat(registry.servers(t)).contains(list("10.0.0.1:8300", "10.0.0.1:7300", "10.0.0.3:8300"));
    registry.remove(t, a("10.0.0.1"), true);
    assertThat(registry.servers(t)).contains(list("10.0.0.3:8300"));
    registry.remove(t, a("10.0.0.99"), true);  // absent: nothing changes, no error
    assertThat(registry.servers(t)).contains(list("10.0.0.3:8300"));
  }

  @Test
  void anIdleTokenExpiresAndUseKeepsItAlive() {
    Token used = registry.create();
    Token idle = registry.create();
    clock.advance(Duration.ofDays(4));
    assertThat(registry.servers(used)).isPresent();
    clock.advance(Duration.ofDays(4));  // 8 days: idle was last used 8 days ago, used 4
    assertThat(registry.servers(idle)).isEmpty();
    assertThat(registry.servers(used)).isPresent();
    assertThat(registry.post(idle, a("10.0.0.1"))).isEmpty();
    assertThat(registry.sweep()).isEqualTo(1);
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void aTokenIsReusedAfterAFailedBootstrap() {
    Token t = registry.create();
    registry.post(t, a("10.0.0.1"));
    registry.post(t, a("10.0.0.2"));
    registry.post(t, a("10.0.0.3"));
    // The first attempt's servers die and stop posting; the operator starts new ones on the same token.
    clock.advance(ENTRY_TTL.plusSeconds(1));
    registry.post(t, a("10.0.1.1"));
    registry.post(t, a("10.0.1.2"));
    registry.post(t, a("10.0.1.3"));
    assertThat(registry.servers(t)).contains(list("10.0.1.1:8300", "10.0.1.2:8300", "10.0.1.3:8300"));
  }

  @Test
  void everythingSurvivesReopeningTheStore() {
    Token t = registry.create();
    Token other = registry.create();
    registry.replaceListed(t, list("10.0.0.2", "host-a.example.com:8301", "[2001:db8::1]"));
    registry.post(t, a("10.0.0.9:9000"));
    registry.post(other, a("10.0.5.5"));
    List<ServerAddress> before = registry.servers(t).orElseThrow();
    store.close();
    open();
    assertThat(registry.servers(t)).contains(before);
    assertThat(registry.servers(other)).contains(list("10.0.5.5:8300"));
    clock.advance(ENTRY_TTL);
    assertThat(registry.servers(t)).contains(list("10.0.0.2:8300", "host-a.example.com:8301", "[2001:db8::1]:8300"));
  }

  @Test
  void sweepingForgetsExpiredEntriesDurably() {
    Token t = registry.create();
    registry.post(t, a("10.0.0.1"));
    clock.advance(ENTRY_TTL);
    registry.sweep();
    assertThat(store.find(t).orElseThrow().posted()).isEmpty();
    store.close();
    open();
    assertThat(store.find(t).orElseThrow().posted()).isEmpty();
  }

  @Test
  void aSecondStoreOnTheSameFileIsRefused() {
    registry.create();
    assertThatThrownBy(() -> SqliteTokenStore.open(dir.resolve("discovery.db")))
        .isInstanceOf(StoreFailedException.class).hasMessageContaining("in use");
  }

  @Test
  void listsAreBounded() {
    Token t = registry.create();
    List<ServerAddress> many = java.util.stream.IntStream.range(0, TokenRegistry.MAX_SERVERS + 1)
        .mapToObj(i -> ServerAddress.of("10.1." + i / 256 + "." + i % 256, 8300)).toList();
    assertThatThrownBy(() -> registry.replaceListed(t, many)).isInstanceOf(BadRequestException.class);
    for (int i = 0; i < TokenRegistry.MAX_SERVERS; i++) registry.post(t, many.get(i));
    assertThatThrownBy(() -> registry.post(t, many.get(TokenRegistry.MAX_SERVERS)))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("too many");
    assertThat(registry.post(t, many.get(0))).map(List::size).contains(TokenRegistry.MAX_SERVERS);  // a refresh is fine
    assertThat(registry.servers(t).orElseThrow()).hasSize(TokenRegistry.MAX_SERVERS);
  }

  @Test
  void theTokenLimitIsKept() {
    registry = new TokenRegistry(store, clock, ENTRY_TTL, IDLE_TTL, 2);
    registry.create();
    registry.create();
    assertThatThrownBy(registry::create).isInstanceOf(BadRequestException.class)
        .satisfies(e -> assertThat(((BadRequestException) e).status()).isEqualTo(503));
  }

  @Test
  void aReadLongAfterTheLastUseRecordsTheUse() {
    Token t = registry.create();
    clock.advance(Duration.ofHours(2));
    registry.servers(t);
    assertThat(store.find(t).map(TokenRecord::lastUsed)).contains(clock.instant());
    Instant recorded = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    registry.servers(t);  // within the touch interval: no write
    assertThat(store.find(t).map(TokenRecord::lastUsed)).contains(recorded);
    assertThat(Optional.of(registry.size())).contains(1);
  }
}
