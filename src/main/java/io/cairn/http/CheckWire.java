package io.cairn.http;

import io.cairn.checks.CheckDefinition;
import io.cairn.checks.GoDuration;

/** A check an agent runs, as Consul's wire shows it. */
public final class CheckWire {
  private CheckWire() {}

  /**
   * The check's {@code Definition} as the catalog shows it (Consul's HealthCheckDefinition): what
   * it probes and how, the fields it has set, as JSON.
   */
  public static String catalogDefinition(CheckDefinition d) {
    var o = Wire.JSON.createObjectNode();
    switch (d.type()) {
      case HTTP -> {
        o.put("HTTP", d.http());
        if (!d.method().equals("GET")) o.put("Method", d.method());
        if (!d.header().isEmpty()) o.set("Header", Wire.JSON.valueToTree(d.header()));
        if (!d.body().isEmpty()) o.put("Body", d.body());
      }
      case TCP -> o.put("TCP", d.tcp());
      case UDP -> o.put("UDP", d.target());
      case OS_SERVICE -> o.put("OSService", d.target());
      case GRPC -> {
        o.put("GRPC", d.target());
        o.put("GRPCUseTLS", d.useTls());
      }
      case H2PING -> {
        o.put("H2PING", d.target());
        o.put("H2PingUseTLS", d.useTls());
      }
      case SCRIPT -> o.set("ScriptArgs", Wire.JSON.valueToTree(d.args()));
      case DOCKER -> {
        o.put("DockerContainerID", d.target());
        o.set("ScriptArgs", Wire.JSON.valueToTree(d.args()));
      }
      default -> { }
    }
    if (d.tlsServerName() != null && !d.tlsServerName().isEmpty()) o.put("TLSServerName", d.tlsServerName());
    if (d.tlsSkipVerify()) o.put("TLSSkipVerify", true);
    if (d.outputMaxSize() > 0) o.put("OutputMaxSize", d.outputMaxSize());
    if (d.interval() != null) o.put("Interval", GoDuration.format(d.interval()));
    if (d.timeout() != null) o.put("Timeout", GoDuration.format(d.timeout()));
    if (d.deregisterCriticalServiceAfter() != null) o.put("DeregisterCriticalServiceAfter", GoDuration.format(d.deregisterCriticalServiceAfter()));
    return o.toString();
  }

}
