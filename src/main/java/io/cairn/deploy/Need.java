package io.cairn.deploy;

/**
 * One dependency as {@code cairn wait-for} and {@code require} take it:
 * {@code <service>[:<min>][@<tag>]}, at least {@code min} (default 1) healthy instances of the
 * service, with the tag when one is given.
 */
public record Need(String service, int min, String tag) {
  public Need {
    if (service == null || service.isEmpty()) throw new IllegalArgumentException("empty service name");
    if (!service.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("service name \"" + service + "\": letters, digits, '-', '_' and '.' only");
    }
    if (min < 1) throw new IllegalArgumentException("\"" + service + "\": the count must be at least 1, got " + min);
    if (tag != null && (tag.isEmpty() || tag.contains("/") || tag.contains("@"))) {
      throw new IllegalArgumentException("\"" + service + "\": tag must be non-empty, without '/' or '@'");
    }
  }

  public static Need parse(String spec) {
    String rest = spec;
    String tag = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      tag = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    int min = 1;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      String n = rest.substring(colon + 1);
      if (!n.matches("[0-9]{1,6}")) throw new IllegalArgumentException("\"" + spec + "\": expected <service>[:<min>][@<tag>], the count a number");
      min = Integer.parseInt(n);
      rest = rest.substring(0, colon);
    }
    return new Need(rest, min, tag);
  }

  @Override
  public String toString() {
    return service + (min == 1 ? "" : ":" + min) + (tag == null ? "" : "@" + tag);
  }
}
