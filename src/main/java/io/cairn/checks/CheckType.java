package io.cairn.checks;

import java.util.Locale;

/** The kinds of check an agent runs itself. */
public enum CheckType {
  HTTP, TCP, SCRIPT, TTL, UDP, OS_SERVICE, ALIAS, GRPC, H2PING, DOCKER;

  /** Consul's spelling in the {@code Type} field of a check. */
  public String wireName() {
    return this == OS_SERVICE ? "os_service" : name().toLowerCase(Locale.ROOT);
  }
}
