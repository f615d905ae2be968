package io.cairn.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery service's HTTP protocol, without the server around it: {@code GET /new},
 * {@code GET|PUT|POST /<token>}, {@code DELETE /<token>/<address>}, {@code GET /health} and
 * {@code GET /}. Every refusal is a status and a one-line reason; nothing is stored unless the
 * whole request was understood.
 */
public final class HttpProtocol {
  private static final Logger LOG = LoggerFactory.getLogger(HttpProtocol.class);
  static final String USAGE = "cairn discovery: GET /new for a token; GET /<token> for its servers;"
      + " PUT /<token> [\"host:port\", ...] to set them; POST /<token> {\"address\":..., \"port\":...} to add or refresh one;"
      + " DELETE /<token>/<host[:port]>";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final TokenRegistry registry;

  public HttpProtocol(TokenRegistry registry) {
    this.registry = registry;
  }

  public HttpAnswer answer(HttpCall call) {
    try {
      return route(call);
    } catch (BadRequestException e) {
      return HttpAnswer.text(e.status(), e.getMessage());
    }
  }

  private HttpAnswer route(HttpCall call) {
    String path = call.path();
    if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
    String method = call.method();
    switch (path) {
      case "/" -> {
        return method.equals("GET") ? HttpAnswer.text(200, USAGE) : notAllowed("GET");
      }
      case "/health" -> {
        return method.equals("GET") ? HttpAnswer.text(200, "ok") : notAllowed("GET");
      }
      case "/new" -> {
        if (!method.equals("GET")) return notAllowed("GET");
        Token t = registry.create();
        LOG.info("token {}... created for {}", t.value().substring(0, 8), call.remote().getHostAddress());
        return HttpAnswer.text(200, t.value());
      }
      default -> { }
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length > 2) throw new BadRequestException(404, "no such path");
    Token token = Token.parse(parts[0]);
    if (parts.length == 2) {
      if (!method.equals("DELETE")) return notAllowed("DELETE");
      return delete(token, parts[1]);
    }
    return switch (method) {
      case "GET" -> list(token, registry.servers(token));
      case "PUT" -> put(token, call);
      case "POST" -> post(token, call);
      default -> notAllowed("GET, PUT, POST");
    };
  }

  private HttpAnswer put(Token token, HttpCall call) {
    List<ServerAddress> servers = serverList(call.body());
    Optional<List<ServerAddress>> now = registry.replaceListed(token, servers);
    now.ifPresent(s -> LOG.info("token {}...: {} servers listed", token.value().substring(0, 8), servers.size()));
    return list(token, now);
  }

  private HttpAnswer post(Token token, HttpCall call) {
    ServerAddress server = postedServer(call);
    Optional<List<ServerAddress>> now = registry.post(token, server);
    now.ifPresent(s -> LOG.debug("token {}...: {} posted", token.value().substring(0, 8), server));
    return list(token, now);
  }

  private HttpAnswer delete(Token token, String address) {
    boolean anyPort = !hasPort(address);
    ServerAddress server = ServerAddress.parse(address);
    Optional<List<ServerAddress>> now = registry.remove(token, server, anyPort);
    now.ifPresent(s -> LOG.info("token {}...: {} removed", token.value().substring(0, 8), anyPort ? server.hostForUrl() : server));
    return list(token, now);
  }

  /** Whether a DELETE names one port ("host:port", "[v6]:port") or every port of a host. */
  private static boolean hasPort(String address) {
    if (address.startsWith("[")) return address.contains("]:");
    int colon = address.indexOf(':');
    return colon >= 0 && colon == address.lastIndexOf(':');
  }

  private static HttpAnswer list(Token token, Optional<List<ServerAddress>> servers) {
    if (servers.isEmpty()) return HttpAnswer.text(404, "unknown token");
    try {
      return HttpAnswer.json(JSON.writeValueAsBytes(servers.get().stream().map(ServerAddress::toString).toList()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);  // a list of strings always serializes
    }
  }

  /** A PUT body: a JSON list of "host:port" or "host" strings, at most {@link TokenRegistry#MAX_SERVERS}. */
  static List<ServerAddress> serverList(byte[] body) {
    JsonNode root = parseJson(body, "a JSON list of \"host:port\" strings");
    if (!root.isArray()) throw new BadRequestException("body: expected a JSON list of \"host:port\" strings");
    if (root.size() > TokenRegistry.MAX_SERVERS) {
      throw new BadRequestException("body: too many servers (at most " + TokenRegistry.MAX_SERVERS + ")");
    }
    List<ServerAddress> servers = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode n = root.get(i);
      if (!n.isTextual()) throw new BadRequestException("body: item " + i + " is not a string");
      try {
        servers.add(ServerAddress.parse(n.asText()));
      } catch (BadRequestException e) {
        throw new BadRequestException("body: item " + i + ": " + e.getMessage());
      }
    }
    return servers;
  }

  /** A POST body: JSON {"address", "port"}, or a form address=&port=; the caller's address and 8300 by default. */
  static ServerAddress postedServer(HttpCall call) {
    String address = null;
    String port = null;
    String type = call.contentType() == null ? "" : call.contentType().toLowerCase(Locale.ROOT);
    String text = new String(call.body(), StandardCharsets.UTF_8).strip();
    if (type.startsWith("application/json") || text.startsWith("{")) {
      JsonNode root = parseJson(call.body(), "a JSON object {\"address\": ..., \"port\": ...}");
      if (!root.isObject()) throw new BadRequestException("body: expected a JSON object {\"address\": ..., \"port\": ...}");
      address = field(root, "address", false);
      port = field(root, "port", true);
    } else if (!text.isEmpty()) {
      for (String pair : text.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        switch (name) {
          case "address" -> address = value;
          case "port" -> port = value;
          default -> { }
        }
      }
    }
    int p = port == null || port.isEmpty() ? ServerAddress.DEFAULT_PORT : ServerAddress.port(port);
    if (address == null || address.isEmpty()) return ServerAddress.of(callerHost(call.remote()), p);
    return ServerAddress.of(address, p);
  }

  private static String field(JsonNode root, String name, boolean number) {
    JsonNode n = root.get(name);
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) return n.asText();
    if (number && n.isIntegralNumber() && n.canConvertToInt()) return Integer.toString(n.asInt());
    throw new BadRequestException("body: \"" + name + "\" must be " + (number ? "a port number" : "a string"));
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("body: malformed form encoding");
    }
  }

  /** The caller's address as a host: no IPv6 scope, which means nothing to another machine. */
  private static String callerHost(InetAddress remote) {
    if (remote instanceof Inet6Address v6) {
      try {
        return InetAddress.getByAddress(v6.getAddress()).getHostAddress();
      } catch (IOException e) {
        throw new IllegalStateException(e);  // 16 bytes are always an address
      }
    }
    return remote.getHostAddress();
  }

  private static JsonNode parseJson(byte[] body, String expected) {
    if (body.length == 0) throw new BadRequestException("body: empty; expected " + expected);
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) throw new BadRequestException("body: empty; expected " + expected);
      return n;
    } catch (IOException e) {
      throw new BadRequestException("body: malformed JSON; expected " + expected);
    }
  }

  private static HttpAnswer notAllowed(String allow) {
    return HttpAnswer.text(405, "method not allowed").withHeader("Allow", allow);
  }
}
