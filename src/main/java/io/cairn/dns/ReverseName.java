package io.cairn.dns;

import java.util.Optional;

/** Turns a reverse-lookup name (in-addr.arpa or ip6.arpa) back into the address it names. */
final class ReverseName {
  private ReverseName() {}

  static Optional<String> address(String lowerName) {
    if (lowerName.endsWith(".in-addr.arpa.")) {
      String[] p = lowerName.substring(0, lowerName.length() - ".in-addr.arpa.".length()).split("\\.");
      if (p.length != 4) return Optional.empty();
      for (String o : p) {
        if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) return Optional.empty();
      }
      return Optional.of(p[3] + "." + p[2] + "." + p[1] + "." + p[0]);
    }
    if (lowerName.endsWith(".ip6.arpa.")) {
      String[] p = lowerName.substring(0, lowerName.length() - ".ip6.arpa.".length()).split("\\.");
      if (p.length != 32) return Optional.empty();
      StringBuilder b = new StringBuilder();
      for (int i = 31; i >= 0; i--) {
        if (p[i].length() != 1 || Character.digit(p[i].charAt(0), 16) < 0) return Optional.empty();
        b.append(p[i]);
        if (i % 4 == 0 && i > 0) b.append(':');
      }
      return Optional.of(b.toString());
    }
    return Optional.empty();
  }
}
