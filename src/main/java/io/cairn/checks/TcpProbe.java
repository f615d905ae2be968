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
    ProbeAddress a = ProbeAddress.parse(target, "TCP");
    if (a.invalid() != null) return a.invalid();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(a.host(), a.port()), (int) def.effectiveTimeout().toMillis());
      return new CheckResult(CheckStatus.PASSING, "TCP connect " + target + ": Success");
    } catch (IOException | IllegalArgumentException e) {
      return new CheckResult(CheckStatus.CRITICAL, "dial tcp " + target + ": " + e.getMessage());
    }
  }
}
