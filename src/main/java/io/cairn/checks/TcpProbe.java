package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** TCP check: passing when a connection opens within the timeout. */
final class TcpProbe implements Probe {
  @Override
  public CheckResult run(CheckDefinition def) {
    String target = def.tcp();
    int colon = target.lastIndexOf(':');
    if (colon <= 0) return new CheckResult(CheckStatus.CRITICAL, "invalid TCP address \"" + target + "\"");
    String host = target.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      return new CheckResult(CheckStatus.CRITICAL, "invalid TCP port in \"" + target + "\"");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) def.effectiveTimeout().toMillis());
      return new CheckResult(CheckStatus.PASSING, "TCP connect " + target + ": Success");
    } catch (IOException | IllegalArgumentException e) {
      return new CheckResult(CheckStatus.CRITICAL, "dial tcp " + target + ": " + e.getMessage());
    }
  }
}
