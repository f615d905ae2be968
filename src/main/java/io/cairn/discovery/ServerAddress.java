package io.cairn.discovery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One server under a token: an IPv4 address, an IPv6 address or a host name, and a port (the
 * server RPC port, 8300 when none is given). Written {@code host:port}, IPv6 in brackets; hosts
 * are kept in one canonical form (lowercase, IPv6 compressed as RFC 5952 says) so that the same
 * server given twice is one entry.
 */
public record ServerAddress(String host, int port, Kind kind) implements Comparable<ServerAddress> {
  public static final int DEFAULT_PORT = 8300;
  private static final int MAX_TEXT = 300;

  public enum Kind { IPV4, IPV6, NAME }

  /** Reads {@code host}, {@code host:port}, a bare IPv6 address or {@code [ipv6]:port}. */
  public static ServerAddress parse(String text) {
    if (text == null || text.isEmpty()) throw bad("empty address");
    if (text.length() > MAX_TEXT) throw bad("address too long");
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) throw bad("malformed address \"" + clip(text) + "\": no closing ]");
      String rest = text.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) throw bad("malformed address \"" + clip(text) + "\"");
      return of(text.substring(1, close), rest.isEmpty() ? DEFAULT_PORT : port(rest.substring(1)));
    }
    int first = text.indexOf(':');
    if (first >= 0 && first == text.lastIndexOf(':')) {
      return of(text.substring(0, first), port(text.substring(first + 1)));
    }
    return of(text, DEFAULT_PORT);  // no colon, or a bare IPv6 address
  }

  /** A host (an address, bracketed or not, or a name) and a port, both checked. */
  public static ServerAddress of(String host, int port) {
    if (port < 1 || port > 65535) throw bad("port out of range (1-65535): " + port);
    if (host == null || host.isEmpty()) throw bad("empty address");
    if (host.length() > MAX_TEXT) throw bad("address too long");
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (host.indexOf(':') >= 0) return ipv6(host, port);
    if (looksNumeric(host)) return new ServerAddress(ipv4(host), port, Kind.IPV4);
    return new ServerAddress(hostName(host), port, Kind.NAME);
  }

  /** A port given as text: digits only, 1 to 65535. */
  public static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad("malformed port \"" + clip(text) + "\"");
    }
    int p = Integer.parseInt(text);
    if (p < 1 || p > 65535) throw bad("port out of range (1-65535): " + p);
    return p;
  }

  private static ServerAddress ipv6(String host, int port) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      // No zone ids (%eth0): they mean nothing to another machine.
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
        throw bad("malformed IPv6 address \"" + clip(host) + "\"");
      }
    }
    InetAddress a;
    try {
      a = InetAddress.getByName(host);  // a literal with a colon: parsed, never looked up
    } catch (UnknownHostException e) {
      throw bad("malformed IPv6 address \"" + clip(host) + "\"");
    }
    if (a instanceof Inet4Address) return new ServerAddress(a.getHostAddress(), port, Kind.IPV4);  // ::ffff:a.b.c.d
    return new ServerAddress(compress((Inet6Address) a), port, Kind.IPV6);
  }

  private static boolean looksNumeric(String host) {
    int lastDot = host.lastIndexOf('.');
    String last = host.substring(lastDot + 1);
    return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) throw bad("malformed IPv4 address \"" + clip(host) + "\"");
    for (String p : parts) {
      // Leading zeros are refused: some resolvers read them as octal.
      if (p.isEmpty() || p.length() > 3 || p.length() > 1 && p.charAt(0) == '0'
          || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
        throw bad("malformed IPv4 address \"" + clip(host) + "\"");
      }
    }
    return host;
  }

  /** RFC 1123 host names: labels of letters, digits and hyphens, 1 to 63 long, 253 in all. */
  private static String hostName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    h = h.toLowerCase(Locale.ROOT);
    if (h.isEmpty() || h.length() > 253) throw bad("malformed host name \"" + clip(host) + "\"");
    for (String label : h.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
          || !label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        throw bad("malformed host name \"" + clip(host) + "\"");
      }
    }
    return h;
  }

  /** RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
  static String compress(Inet6Address a) {
    byte[] b = a.getAddress();
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  private static String clip(String s) {
    String printable = s.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
  }

  private static BadRequestException bad(String reason) {
    return new BadRequestException(reason);
  }

  /** The address part as a URL or an answer writes it: IPv6 in brackets. */
  public String hostForUrl() {
    return kind == Kind.IPV6 ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return hostForUrl() + ":" + port;
  }

  @Override
  public int compareTo(ServerAddress o) {
    int c = host.compareTo(o.host);
    return c != 0 ? c : Integer.compare(port, o.port);
  }
}
