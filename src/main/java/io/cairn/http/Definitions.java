package io.cairn.http;

import io.cairn.checks.CheckDefinition;
import io.cairn.checks.CheckType;
import io.cairn.state.CheckStatus;
import io.cairn.state.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Service and check definitions decoded from JSON-shaped trees: API bodies (lenient: unknown
 * keys ignored) and config files (strict: unknown keys refused). Applies Consul's defaults:
 * a service's ID is its name; its checks are {@code service:<id>} or {@code service:<id>:<n>}.
 */
public final class Definitions {
  /** A service with the checks registered along with it. */
  public record ServiceDefinition(ServiceInstance service, List<CheckDefinition> checks) {}

  private Definitions() {}

  public static ServiceDefinition service(Fields f, boolean strict, boolean scriptsAllowed) {
    String name = f.text("Name");
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("Missing service name");
    String id = f.text("ID");
    if (id == null || id.isEmpty()) id = name;
    int port = f.integer(0, "Port");
    if (port < 0 || port > 65535) throw f.bad("Port", "out of range: " + port);
    List<String> tags = f.strings("Tags");
    Map<String, String> meta = f.stringMap("Meta");
    int passing = 1;
    int warning = 1;
    var weights = f.object("Weights");
    if (weights.isPresent()) {
      passing = weights.get().integer(1, "Passing");
      warning = weights.get().integer(1, "Warning");
      if (strict) weights.get().rejectUnknown();
    }
    ServiceInstance s = new ServiceInstance("", id, name, tags, f.text("Address"), port, meta,
        f.bool(false, "EnableTagOverride"), passing, warning, 0, 0);
    s = MeshFields.read(f, strict ? MeshFields.Source.CONFIG_FILE : MeshFields.Source.AGENT_API, id, port).applyTo(s);
    List<Fields> checkFields = new ArrayList<>(f.objects("Check"));
    checkFields.addAll(f.objects("Checks"));
    List<CheckDefinition> checks = new ArrayList<>();
    for (int i = 0; i < checkFields.size(); i++) {
      String defaultId = checkFields.size() > 1 ? "service:" + id + ":" + (i + 1) : "service:" + id;
      checks.add(check(checkFields.get(i), defaultId, "Service '" + name + "' check", id, strict, scriptsAllowed));
    }
    // Accepted and ignored: Enterprise's tenancy, and the ACL token Cairn has no use for.
    f.get("Namespace", "Partition", "Token");
    if (strict) f.rejectUnknown();
    return new ServiceDefinition(s, checks);
  }

  /**
   * A check. {@code defaultId}/{@code defaultName} fill in what the body leaves out;
   * {@code serviceId}, if not null, ties the check to that service regardless of the body.
   */
  public static CheckDefinition check(Fields f, String defaultId, String defaultName, String serviceId,
                                      boolean strict, boolean scriptsAllowed) {
    String name = f.text("Name");
    String id = f.text("CheckID", "ID");
    if (id == null || id.isEmpty()) id = defaultId != null ? defaultId : name;
    if (name == null || name.isEmpty()) name = defaultName != null ? defaultName : id;
    if (id == null || id.isEmpty()) throw new IllegalArgumentException("Missing check name");
    String svc = serviceId != null ? serviceId : f.text("ServiceID");
    CheckType type = typeOf(f);
    String http = f.text("HTTP");
    String tcp = f.text("TCP");
    List<String> args = f.strings("Args", "ScriptArgs");
    String script = f.text("Script");
    String shell = f.text("Shell");
    if (args == null && script != null) args = List.of(type == CheckType.DOCKER && shell != null && !shell.isEmpty() ? shell : "/bin/sh", "-c", script);
    if (type == CheckType.DOCKER && (args == null || args.isEmpty())) {
      throw new IllegalArgumentException("a Docker check needs Args (or Script) to run in the container");
    }
    if ((type == CheckType.SCRIPT || type == CheckType.DOCKER) && !scriptsAllowed) {
      throw new IllegalArgumentException("Scripts are disabled on this agent; to enable, configure 'enable_script_checks' to true");
    }
    Duration ttl = f.duration("TTL");
    Duration interval = f.duration("Interval");
    Duration timeout = f.duration("Timeout");
    if (type != CheckType.TTL && type != CheckType.ALIAS && (interval == null || interval.isZero() || interval.isNegative())) {
      throw new IllegalArgumentException("Interval must be > 0 for Script, Docker, HTTP, TCP, UDP, gRPC, H2PING or OSService checks");
    }
    // "TTL": "" reads as no duration at all: as Consul, a TTL check without a positive TTL is refused.
    if (type == CheckType.TTL && (ttl == null || ttl.isZero() || ttl.isNegative())) {
      throw new IllegalArgumentException("TTL must be > 0 for TTL checks");
    }
    if (timeout != null && timeout.isNegative()) throw f.bad("Timeout", "must not be negative");
    CheckStatus initial = CheckStatus.CRITICAL;
    String status = f.text("Status");
    if (status != null && !status.isEmpty()) {
      initial = CheckStatus.parse(status).orElseThrow(() -> f.bad("Status", "must be passing, warning or critical, got \"" + status + "\""));
    }
    int successBefore = f.integer(0, "SuccessBeforePassing");
    int failuresBefore = f.integer(0, "FailuresBeforeCritical");
    if (successBefore < 0 || failuresBefore < 0) throw new IllegalArgumentException("SuccessBeforePassing and FailuresBeforeCritical must not be negative");
    CheckDefinition def = new CheckDefinition(id, name, f.text("Notes"), svc, type, http, f.text("Method"),
        f.headers("Header"), f.text("Body"), f.bool(false, "TLSSkipVerify"), tcp, args, ttl, interval, timeout,
        f.duration("DeregisterCriticalServiceAfter"), successBefore, failuresBefore, initial,
        target(f, type), useTls(f, type), f.text("TLSServerName"), f.integer(0, "OutputMaxSize"));
    if (def.outputMaxSize() < 0) throw f.bad("OutputMaxSize", "must not be negative");
    if (type == CheckType.ALIAS && (f.text("AliasService") == null || f.text("AliasService").isEmpty())
        && (f.text("AliasNode") == null || f.text("AliasNode").isEmpty())) {
      throw new IllegalArgumentException("an alias check needs AliasService or AliasNode");
    }
    if (type == CheckType.UDP && (def.target() == null || def.target().lastIndexOf(':') <= 0)) throw f.bad("UDP", "must be host:port");
    if (type == CheckType.GRPC && (def.target() == null || def.target().split("/", 2)[0].lastIndexOf(':') <= 0)) {
      throw f.bad("GRPC", "must be host:port or host:port/service");
    }
    if (type == CheckType.H2PING && (def.target() == null || def.target().lastIndexOf(':') <= 0)) throw f.bad("H2PING", "must be host:port");
    if (type == CheckType.OS_SERVICE && (def.target() == null || !def.target().matches("[A-Za-z0-9@._:-]+"))) {
      throw f.bad("OSService", "must be a service (unit) name");
    }
    f.get("GRPCUseTLS", "H2PingUseTLS", "FailuresBeforeWarning", "Type", "Definition",
        "DisableRedirects", "Namespace", "Partition", "Node", "ServiceName", "ServiceTags", "Output",
        "CreateIndex", "ModifyIndex", "Interval", "Timeout");
    if (strict) f.rejectUnknown();
    return def;
  }

  /** What a UDP, OSService, alias, gRPC or H2PING check probes; null for the others. */
  private static String target(Fields f, CheckType type) {
    return switch (type) {
      case UDP -> f.text("UDP");
      case OS_SERVICE -> f.text("OSService");
      case ALIAS -> io.cairn.checks.AliasProbe.target(f.text("AliasNode"), f.text("AliasService"));
      case GRPC -> f.text("GRPC");
      case H2PING -> f.text("H2PING");
      case DOCKER -> f.text("DockerContainerID");
      default -> null;
    };
  }

  /** gRPC over TLS only when asked (GRPCUseTLS); H2PING over TLS unless told not to (H2PingUseTLS, true by default, as Consul's). */
  private static boolean useTls(Fields f, CheckType type) {
    return switch (type) {
      case GRPC -> f.bool(false, "GRPCUseTLS");
      case H2PING -> f.bool(true, "H2PingUseTLS");
      default -> false;
    };
  }

  private static CheckType typeOf(Fields f) {
    // A Docker check carries Args or Script too: what runs in the container.
    if (f.get("DockerContainerID").isPresent()) return CheckType.DOCKER;
    List<CheckType> found = new ArrayList<>();
    if (f.get("HTTP").isPresent()) found.add(CheckType.HTTP);
    if (f.get("TCP").isPresent()) found.add(CheckType.TCP);
    if (f.get("Args", "ScriptArgs", "Script").isPresent()) found.add(CheckType.SCRIPT);
    if (f.get("TTL").isPresent()) found.add(CheckType.TTL);
    if (f.get("UDP").isPresent()) found.add(CheckType.UDP);
    if (f.get("OSService").isPresent()) found.add(CheckType.OS_SERVICE);
    if (f.get("AliasService").isPresent() || f.get("AliasNode").isPresent()) found.add(CheckType.ALIAS);
    if (f.get("GRPC").isPresent()) found.add(CheckType.GRPC);
    if (f.get("H2PING").isPresent()) found.add(CheckType.H2PING);
    if (found.size() == 1) return found.getFirst();
    if (found.size() > 1) throw new IllegalArgumentException("a check must have exactly one of HTTP, TCP, Args or TTL, got " + found);
    throw new IllegalArgumentException("Invalid check: one of HTTP, TCP, UDP, GRPC, H2PING, OSService, Args (script), "
        + "DockerContainerID, AliasService, AliasNode or TTL must be set");
  }
}
