package io.cairn.discovery;

import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the discovery service keeps its tokens. Each call is atomic: {@link #update} applies its
 * change to the record as it is at that moment and writes the result in one transaction, so two
 * requests on the same token never lose each other's change, and no call touches another token.
 */
public interface TokenStore extends AutoCloseable {
  /** Stores a new token; false (and nothing written) when the token exists already. */
  boolean create(TokenRecord fresh);

  Optional<TokenRecord> find(Token token);

  /** Applies {@code change} to the token's record and stores the result; empty when the token is unknown. */
  Optional<TokenRecord> update(Token token, UnaryOperator<TokenRecord> change);

  /**
   * Removes the tokens last used before {@code idleCutoff} and the posted entries expired at
   * {@code now}; returns how many tokens went.
   */
  int sweep(Instant idleCutoff, Instant now);

  /** How many tokens are stored. */
  int size();

  @Override
  void close();
}
