package io.cairn.checks;

import io.cairn.state.CheckStatus;

/** A probe's {@code host:port} target ({@code [v6]:port} too), or why it is not one: shared by the TCP and UDP probes. */
record ProbeAddress(String host, int port, CheckResult invalid) {
  static ProbeAddress parse(String target, String kind) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) return new ProbeAddress(null, 0, new CheckResult(CheckStatus.CRITICAL, "invalid " + kind + " address \"" + target + "\""));
    String host = target.substring(0, colon).replace("[", "").replace("]", "");
    try {
      return new ProbeAddress(host, Integer.parseInt(target.substring(colon + 1)), null);
    } catch (NumberFormatException e) {
      return new ProbeAddress(null, 0, new CheckResult(CheckStatus.CRITICAL, "invalid " + kind + " port in \"" + target + "\""));
    }
  }
}
