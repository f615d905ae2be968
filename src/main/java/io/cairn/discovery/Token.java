package io.cairn.discovery;

import java.util.UUID;

/**
 * A discovery token: 32 lowercase hex characters, a version-4 UUID without its dashes (122
 * random bits from {@link java.security.SecureRandom}), as the original service handed out.
 * Tokens are compared in lowercase: DNS names are case-insensitive, so HTTP is too.
 */
public record Token(String value) {
  public static final int LENGTH = 32;

  public Token {
    if (!wellFormed(value)) throw new BadRequestException("malformed token: expected 32 hex characters");
  }

  /** A fresh random token. */
  public static Token random() {
    // UUID.randomUUID draws from SecureRandom and sets the version and variant bits: 122 random bits.
    return new Token(UUID.randomUUID().toString().replace("-", ""));
  }

  /** Reads a token from a URL path or a DNS label; refuses anything but 32 hex characters. */
  public static Token parse(String text) {
    if (text == null || text.length() != LENGTH) {
      throw new BadRequestException("malformed token: expected 32 hex characters");
    }
    return new Token(text.toLowerCase(java.util.Locale.ROOT));
  }

  private static boolean wellFormed(String s) {
    if (s == null || s.length() != LENGTH) return false;
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return value;
  }
}
