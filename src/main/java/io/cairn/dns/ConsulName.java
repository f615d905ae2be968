package io.cairn.dns;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A name inside the Consul domain, parsed: what kind of lookup it asks for. Pure, so every
 * spelling is unit-tested without sockets.
 */
public sealed interface ConsulName {
  /** {@code [tag.]svc.service[.dc]} or RFC 2782 {@code _svc._tag.service[.dc]} ({@code _tcp}/{@code _udp} mean no tag). */
  record Service(String service, String tag, String datacenter, boolean rfc2782) implements ConsulName {}

  record NodeName(String node, String datacenter) implements ConsulName {}

  /** {@code <hex ip>.addr[.dc]}: 8 hex digits for IPv4, 32 for IPv6. */
  record Addr(byte[] address, String datacenter) implements ConsulName {}

  record PreparedQuery(String name, String datacenter) implements ConsulName {}

  /** The domain itself, e.g. for its SOA or NS. */
  record Apex() implements ConsulName {}

  /**
   * Parses the labels left of the domain (lowercase, in order). Empty when the name is in the
   * domain but means nothing (NXDOMAIN).
   */
  static Optional<ConsulName> parse(String[] labels) {
    int n = labels.length;
    if (n == 0) return Optional.of(new Apex());
    for (String kind : new String[] {"service", "node", "addr", "query"}) {
      int at = -1;
      if (n >= 2 && labels[n - 1].equals(kind)) at = n - 1;
      else if (n >= 3 && labels[n - 2].equals(kind)) at = n - 2;
      if (at < 0) continue;
      String dc = at == n - 2 ? labels[n - 1] : null;
      String[] head = Arrays.copyOfRange(labels, 0, at);
      Optional<ConsulName> parsed = switch (kind) {
        case "service" -> service(head, dc);
        case "node" -> head.length >= 1 ? Optional.of(new NodeName(String.join(".", head), dc)) : Optional.empty();
        case "addr" -> head.length == 1 ? addr(head[0]).map(a -> new Addr(a, dc)) : Optional.empty();
        default -> head.length >= 1 ? Optional.of(new PreparedQuery(String.join(".", head), dc)) : Optional.empty();
      };
      // "web.service.node" style collisions: prefer the reading that parses.
      if (parsed.isPresent()) return parsed;
    }
    return Optional.empty();
  }

  private static Optional<ConsulName> service(String[] head, String dc) {
    if (head.length == 2 && head[0].startsWith("_") && head[1].startsWith("_")) {
      String svc = head[0].substring(1);
      String tag = head[1].substring(1);
      if (svc.isEmpty()) return Optional.empty();
      return Optional.of(new Service(svc, tag.equals("tcp") || tag.equals("udp") ? null : tag, dc, true));
    }
    if (head.length == 1) return Optional.of(new Service(head[0], null, dc, false));
    if (head.length == 2) return Optional.of(new Service(head[1], head[0], dc, false));
    return Optional.empty();
  }

  private static Optional<byte[]> addr(String hex) {
    if (hex.length() != 8 && hex.length() != 32) return Optional.empty();
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) return Optional.empty();
      out[i] = (byte) (hi * 16 + lo);
    }
    return Optional.of(out);
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
