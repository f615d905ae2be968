package io.cairn.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags every client command shares (Consul's "HTTP API Options"): where the agent is, the
 * token to present and the datacenter to ask. Unset flags fall back to the environment.
 */
final class ApiOptions {
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:8500";

  @Option(names = "-http-addr", paramLabel = "ADDR",
      description = "The agent's HTTP API, as [http[s]://]host:port. Default: $CAIRN_HTTP_ADDR, $CONSUL_HTTP_ADDR, "
          + "or 127.0.0.1:8500.")
  String httpAddr;

  @Option(names = "-token", paramLabel = "TOKEN",
      description = "ACL token sent as X-Consul-Token. Default: $CAIRN_HTTP_TOKEN, then $CONSUL_HTTP_TOKEN.")
  String token;

  @Option(names = "-datacenter", paramLabel = "DC", description = "Datacenter to query. Default: the agent's own.")
  String datacenter;

  @Option(names = "-token-file", paramLabel = "FILE",
      description = "File holding the ACL token (used if -token is not). Default: $CONSUL_HTTP_TOKEN_FILE.")
  String tokenFile;

  @Option(names = "-stale", arity = "0..1", fallbackValue = "true",
      description = "Reads may be answered by any server, not only the leader's view (Consul's ?stale).")
  boolean stale;

  ApiClient client() {
    String auth = System.getenv("CONSUL_HTTP_AUTH");
    return new ApiClient(agentAddress(httpAddr, System.getenv()), token(), datacenter, stale, auth == null || auth.isEmpty() ? null : auth);
  }

  /** The token to present, as Consul's client picks it: -token, -token-file, then the same from the environment; null for none. */
  String token() {
    Map<String, String> env = System.getenv();
    if (token != null && !token.isEmpty()) return token;
    if (tokenFile != null && !tokenFile.isEmpty()) return readToken(tokenFile);
    String fromEnv = firstSet(env.get("CAIRN_HTTP_TOKEN"), env.get("CONSUL_HTTP_TOKEN"));
    if (fromEnv != null) return fromEnv;
    String file = env.get("CONSUL_HTTP_TOKEN_FILE");
    return file == null || file.isEmpty() ? null : readToken(file);
  }

  private static String readToken(String file) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
    } catch (java.io.IOException e) {
      throw new ClientError("Error loading token file: " + e.getMessage());
    }
  }

  /**
   * The agent's base URI, without a trailing slash. A bare host:port means http, unless
   * CONSUL_HTTP_SSL=true, as Consul's own client reads it.
   */
  static URI agentAddress(String flag, Map<String, String> env) {
    String addr = firstSet(flag, env.get("CAIRN_HTTP_ADDR"), env.get("CONSUL_HTTP_ADDR"));
    if (addr == null) addr = DEFAULT_ADDRESS;
    String given = addr;
    if (addr.startsWith("unix://")) throw new ClientError("unix socket addresses are not supported: " + given);
    if (!addr.contains("://")) {
      boolean tls = "true".equalsIgnoreCase(env.getOrDefault("CONSUL_HTTP_SSL", ""));
      addr = (tls ? "https://" : "http://") + addr;
    }
    while (addr.endsWith("/")) addr = addr.substring(0, addr.length() - 1);
    try {
      URI uri = new URI(addr);
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) throw new ClientError("unsupported scheme in -http-addr: " + given);
      if (uri.getHost() == null) throw new ClientError("invalid -http-addr: " + given);
      return uri;
    } catch (URISyntaxException e) {
      throw new ClientError("invalid -http-addr: " + given);
    }
  }

  private static String firstSet(String... values) {
    for (String v : values) if (v != null && !v.isEmpty()) return v;
    return null;
  }
}
