package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.ServiceAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Consul's checks of what a service registration carries for its service mesh (its
 * NodeService.Validate: a proxy names its destination and has a port, a gateway has no upstreams,
 * ...) and of the family of its well-known tagged addresses, with Consul's messages. They run on
 * the canonical objects local/MeshFields builds, so they see Consul's field names whatever the
 * spelling sent.
 */
final class MeshValidation {
  private static final String CONNECT_PROXY = "connect-proxy";
  private static final Set<String> GATEWAYS = Set.of("mesh-gateway", "terminating-gateway", "ingress-gateway",
      "api-gateway");

  private MeshValidation() {}

  static List<String> problems(String kind, boolean hasPortOrSocket, int port, ObjectNode proxy,
                                       ObjectNode connect) {
    List<String> problems = new ArrayList<>();
    boolean nativeConnect = connect.path("Native").asBoolean(false);
    JsonNode sidecar = connect.get("SidecarService");
    if (kind.equals(CONNECT_PROXY)) {
      if (!hasPortOrSocket) problems.add("Port or SocketPath must be set for a " + kind);
      String destination = proxy.path("DestinationServiceName").asText("");
      if (destination.isBlank()) problems.add("Proxy.DestinationServiceName must be non-empty for Connect proxy services");
      if (destination.equals("*")) problems.add("Proxy.DestinationServiceName must not be a wildcard for Connect proxy services");
      if (nativeConnect) problems.add("A Proxy cannot also be Connect Native, only typical services");
      problems.addAll(upstreamProblems(proxy.path("Upstreams")));
      problems.addAll(exposeProblems(proxy.path("Expose").path("Paths")));
    }
    if (GATEWAYS.contains(kind)) {
      if (port == 0 && !kind.equals("ingress-gateway") && !kind.equals("api-gateway")) {
        problems.add("Port must be non-zero for a " + kind);
      }
      if (sidecar != null) problems.add("A " + kind + " cannot have a sidecar service defined");
      for (String field : List.of("DestinationServiceName", "DestinationServiceID", "LocalServiceAddress",
          "LocalServicePort", "LocalServiceSocketPath", "Upstreams")) {
        if (proxy.has(field)) problems.add("The Proxy." + field + " configuration is invalid for a " + kind);
      }
    }
    if (sidecar != null && sidecar.isObject()) {
      if (!Fields.lookup(sidecar, "ID").asText("").isEmpty()) {
        problems.add("A SidecarService cannot specify an ID as this is managed by the agent");
      }
      JsonNode nested = Fields.lookup(sidecar, "Connect");
      if (nested.isObject() && !Fields.lookup(nested, "SidecarService").isMissingNode()
          && !Fields.lookup(nested, "SidecarService").isNull()) {
        problems.add("A SidecarService cannot have a nested SidecarService");
      }
    }
    if (nativeConnect && !hasPortOrSocket) problems.add("Port or SocketPath must be set for a Connect native service.");
    return problems;
  }

  private static List<String> upstreamProblems(JsonNode upstreams) {
    List<String> problems = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    Set<String> binds = new HashSet<>();
    for (JsonNode u : upstreams) {
      String type = u.path("DestinationType").asText("");
      String name = u.path("DestinationName").asText("");
      boolean central = u.path("CentrallyConfigured").asBoolean(false);
      int bindPort = u.path("LocalBindPort").asInt(0);
      String socket = u.path("LocalBindSocketPath").asText("");
      String problem = null;
      if (!type.isEmpty() && !type.equals("service") && !type.equals("prepared_query")) {
        problem = "unknown upstream destination type: " + goQuote(type);
      } else if (name.isEmpty()) {
        problem = "upstream destination name cannot be empty";
      } else if (name.equals("*") && !central) {
        problem = "upstream destination name cannot be a wildcard";
      } else if (!u.path("DestinationPeer").asText("").isEmpty() && !u.path("Datacenter").asText("").isEmpty()) {
        problem = "upstream cannot specify both destination peer and datacenter";
      } else if (bindPort == 0 && socket.isEmpty() && !central) {
        problem = "upstream local bind port or local socket path must be defined and nonzero";
      } else if (bindPort != 0 && !socket.isEmpty() && !central) {
        problem = "only one of upstream local bind port or local socket path can be defined and nonzero";
      }
      if (problem != null) {
        problems.add(problem);
        continue;
      }
      String key = "[type=" + goQuote(type) + ", name=" + goQuote(name)
          + ", partition=" + goQuote(u.path("DestinationPartition").asText(""))
          + ", namespace=" + goQuote(u.path("DestinationNamespace").asText(""))
          + ", peer=" + goQuote(u.path("DestinationPeer").asText(""))
          + ", datacenter=" + goQuote(u.path("Datacenter").asText("")) + "]";
      if (!keys.add(key)) {
        problems.add("upstreams cannot contain duplicates of " + key);
        continue;
      }
      String bindAddress = u.path("LocalBindAddress").asText("");
      String bind = bindPort == 0 && bindAddress.isEmpty() && !socket.isEmpty() ? socket
          : hostPort(bindAddress.isEmpty() ? "127.0.0.1" : bindAddress, bindPort);
      if (!binds.add(bind) && !central) {
        problems.add("upstreams cannot contain duplicates by local bind address and port or unix path; "
            + goQuote(bind) + " is specified twice");
      }
    }
    return problems;
  }

  private static List<String> exposeProblems(JsonNode paths) {
    List<String> problems = new ArrayList<>();
    Set<Integer> listeners = new HashSet<>();
    for (JsonNode p : paths) {
      String path = p.path("Path").asText("");
      int listener = p.path("ListenerPort").asInt(0);
      if (path.isEmpty()) problems.add("expose.paths: empty path exposed");
      if (!listeners.add(listener)) problems.add("expose.paths: duplicate listener ports exposed");
      if (listener <= 0 || listener > 65535) problems.add("expose.paths: invalid listener port: " + listener);
      String protocol = p.path("Protocol").asText("").toLowerCase(Locale.ROOT);
      if (!protocol.isEmpty() && !protocol.equals("http") && !protocol.equals("http2")) {
        problems.add("protocol '" + protocol + "' not supported for path: " + path + ", must be in: [http http2]");
      }
    }
    return problems;
  }

  /**
   * Consul's agent checks that the well-known tagged addresses are of their family: lan_ipv4 and
   * wan_ipv4, and lan_ipv6 (twice) but never wan_ipv6; so does this, to refuse nothing it takes.
   */
  static List<String> taggedAddressProblems(Map<String, ServiceAddress> tagged) {
    List<String> problems = new ArrayList<>();
    if (tagged == null) return problems;
    family(tagged, "lan_ipv4", true, problems);
    family(tagged, "wan_ipv4", true, problems);
    family(tagged, "lan_ipv6", false, problems);
    return problems;
  }

  private static void family(Map<String, ServiceAddress> tagged, String name, boolean v4, List<String> problems) {
    ServiceAddress a = tagged.get(name);
    if (a != null && !Boolean.valueOf(v4).equals(isIpv4(a.address()))) {
      problems.add("Service tagged address " + goQuote(name) + " must be a valid " + (v4 ? "ipv4" : "ipv6") + " address");
    }
  }

  /**
   * True for an IPv4 address, false for an IPv6 one, null for anything else, as Go's
   * {@code net.ParseIP(s).To4() != nil} tells them apart (an IPv4-mapped IPv6 address is IPv4).
   * Parsed here: InetAddress would look up whatever is not a literal in the DNS.
   */
  static Boolean isIpv4(String address) {
    if (isDottedQuad(address)) return true;
    if (!isIpv6(address)) return null;
    String lower = address.toLowerCase(Locale.ROOT);
    return lower.startsWith("::ffff:") && isDottedQuad(lower.substring(7));
  }

  private static boolean isDottedQuad(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) return false;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return false;
      if (p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) return false;
    }
    return true;
  }

  private static boolean isIpv6(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return false;
    int groups = 0;
    String[] halves = gap >= 0 ? new String[] {s.substring(0, gap), s.substring(gap + 2)} : new String[] {s};
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) continue;
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && isDottedQuad(parts[i])) {
          groups += 2;
        } else if (parts[i].isEmpty() || parts[i].length() > 4
            || !parts[i].chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          return false;
        } else {
          groups++;
        }
      }
    }
    return gap >= 0 ? groups < 8 : groups == 8;
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** A string as Go's %q writes it, for the plain strings these messages hold. */
  private static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
