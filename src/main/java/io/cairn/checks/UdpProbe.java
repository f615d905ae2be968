package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * UDP check, as Consul's: send a datagram; an answer, or silence until the timeout, is passing
 * (UDP owes no reply); a refusal (ICMP port unreachable) or a send that fails is critical.
 */
final class UdpProbe implements Probe {
  private static final byte[] PAYLOAD = "Cairn UDP health check".getBytes(StandardCharsets.UTF_8);

  @Override
  public CheckResult run(CheckDefinition def) {
    String target = def.target();
    ProbeAddress a = ProbeAddress.parse(target, "UDP");
    if (a.invalid() != null) return a.invalid();
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(a.host(), a.port()));
      s.setSoTimeout((int) def.effectiveTimeout().toMillis());
      s.send(new DatagramPacket(PAYLOAD, PAYLOAD.length));
      try {
        s.receive(new DatagramPacket(new byte[512], 512));
      } catch (SocketTimeoutException quiet) {
        // no answer is an answer for UDP
      }
      return new CheckResult(CheckStatus.PASSING, "UDP connect " + target + ": Success");
    } catch (PortUnreachableException e) {
      return new CheckResult(CheckStatus.CRITICAL, "UDP " + target + ": port unreachable");
    } catch (IOException | IllegalArgumentException e) {
      return new CheckResult(CheckStatus.CRITICAL, "UDP " + target + ": " + e.getMessage());
    }
  }
}
