package io.cairn.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The discovery protocol's operations on tokens, over a {@link TokenStore}: hand out tokens,
 * answer a token's servers, replace its listed servers, add, refresh and remove posted ones,
 * and forget what has expired. Time comes from the injected clock, so tests drive expiry.
 */
public final class TokenRegistry {
  /** How many servers a token keeps in each of its two sets. */
  public static final int MAX_SERVERS = 256;
  private static final int CREATE_ATTEMPTS = 8;

  private final TokenStore store;
  private final Clock clock;
  private final Duration entryTtl;
  private final Duration idleTtl;
  private final Duration touchEvery;
  private final int maxTokens;

  /**
   * @param entryTtl how long a posted entry lives unless posted again
   * @param idleTtl how long a token lives unused
   * @param maxTokens how many tokens the service keeps at most
   */
  public TokenRegistry(TokenStore store, Clock clock, Duration entryTtl, Duration idleTtl, int maxTokens) {
    if (entryTtl.isNegative() || entryTtl.isZero()) throw new IllegalArgumentException("entry TTL must be positive");
    if (idleTtl.isNegative() || idleTtl.isZero()) throw new IllegalArgumentException("token TTL must be positive");
    this.store = store;
    this.clock = clock;
    this.entryTtl = entryTtl;
    this.idleTtl = idleTtl;
    // A read that finds a token used recently writes nothing: reads stay reads, and an idle
    // expiry of days is off by at most a hundredth of it.
    Duration hundredth = idleTtl.dividedBy(100);
    this.touchEvery = hundredth.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : hundredth;
    this.maxTokens = maxTokens;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A fresh token, stored with nothing under it; refused with 503 when the service is full. */
  public Token create() {
    if (store.size() >= maxTokens) throw new BadRequestException(503, "token limit reached (" + maxTokens + "); try later");
    for (int i = 0; i < CREATE_ATTEMPTS; i++) {
      Token t = Token.random();
      if (store.create(TokenRecord.fresh(t, now()))) return t;
    }
    throw new IllegalStateException("no unused token after " + CREATE_ATTEMPTS + " draws");  // 2^-122 each: a broken RNG
  }

  /** The token's servers now (listed, then live posted ones); empty when the token is unknown or idle too long. */
  public Optional<List<ServerAddress>> servers(Token token) {
    Instant now = now();
    Optional<TokenRecord> found = live(token, now);
    if (found.isEmpty()) return Optional.empty();
    TokenRecord r = found.get();
    if (Duration.between(r.lastUsed(), now).compareTo(touchEvery) >= 0) {
      store.update(token, x -> x.lastUsed().isBefore(now) ? x.touched(now) : x);
    }
    return Optional.of(r.servers(now));
  }

  /** PUT: the token's listed servers become {@code servers}; empty when the token is unknown. */
  public Optional<List<ServerAddress>> replaceListed(Token token, List<ServerAddress> servers) {
    if (servers.size() > MAX_SERVERS) throw tooMany();
    Instant now = now();
    if (live(token, now).isEmpty()) return Optional.empty();
    return store.update(token, r -> r.withListed(servers, now)).map(r -> r.servers(now));
  }

  /** POST: adds or refreshes one posted server, which now lives one entry TTL; empty when the token is unknown. */
  public Optional<List<ServerAddress>> post(Token token, ServerAddress server) {
    Instant now = now();
    if (live(token, now).isEmpty()) return Optional.empty();
    return store.update(token, r -> {
      TokenRecord trimmed = r.withoutExpired(now);
      if (!trimmed.posted().containsKey(server) && trimmed.posted().size() >= MAX_SERVERS) throw tooMany();
      return trimmed.withPosted(server, now.plus(entryTtl), now);
    }).map(r -> r.servers(now));
  }

  /**
   * DELETE: removes the server from both sets ({@code anyPort}: every entry of its host);
   * empty when the token is unknown.
   */
  public Optional<List<ServerAddress>> remove(Token token, ServerAddress server, boolean anyPort) {
    Instant now = now();
    if (live(token, now).isEmpty()) return Optional.empty();
    return store.update(token, r -> r.without(server, anyPort, now)).map(r -> r.servers(now));
  }

  /** Forgets idle tokens and expired posted entries; returns how many tokens went. */
  public int sweep() {
    Instant now = now();
    return store.sweep(now.minus(idleTtl), now);
  }

  public int size() {
    return store.size();
  }

  /** The token's record unless it is unknown or has been idle longer than the token TTL (and not swept yet). */
  private Optional<TokenRecord> live(Token token, Instant now) {
    return store.find(token).filter(r -> !r.lastUsed().isBefore(now.minus(idleTtl)));
  }

  private static BadRequestException tooMany() {
    return new BadRequestException("too many servers for one token (at most " + MAX_SERVERS + ")");
  }
}
