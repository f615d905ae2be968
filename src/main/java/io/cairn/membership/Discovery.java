package io.cairn.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A discovery token's servers (docs/discovery.md): where agents that know nothing but the token
 * find the cluster, and where servers say they are. {@code http(s)://host[:port]/<token>} is
 * asked over HTTP ({@code GET} the list, {@code POST} this server); {@code dns:<name>} is looked
 * up in DNS, SRV records when the name starts with an underscore
 * ({@code _<token>._tcp.service.discovery.}), else A records on the default server RPC port.
 * The token is also the cluster's datacenter name when none is given.
 */
public final class Discovery {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI url;
  private final String dnsName;
  private final String token;
  private final HttpClient http;

  private Discovery(URI url, String dnsName, String token) {
    this.url = url;
    this.dnsName = dnsName;
    this.token = token;
    this.http = url == null ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Reads {@code -discovery}; a spec it cannot use is refused with the reason. */
  public static Discovery parse(String spec) {
    if (spec == null || spec.isBlank()) throw new IllegalArgumentException("-discovery: empty");
    if (spec.startsWith("dns:")) {
      String name = spec.substring(4);
      String first = name.split("\\.", 2)[0];
      String token = first.startsWith("_") ? first.substring(1) : first;
      if (name.isEmpty() || !TOKEN.matcher(token).matches()) {
        throw new IllegalArgumentException("-discovery: dns:<name> needs a name whose first label is the token, got \"" + spec + "\"");
      }
      return new Discovery(null, name.endsWith(".") ? name : name + ".", token);
    }
    URI u;
    try {
      u = URI.create(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-discovery: not a URL: \"" + spec + "\"");
    }
    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
      throw new IllegalArgumentException("-discovery: expected http(s)://host[:port]/<token> or dns:<name>, got \"" + spec + "\"");
    }
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
    String token = path.substring(path.lastIndexOf('/') + 1);
    if (!TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("-discovery: the URL must end with the token, got \"" + spec + "\"");
    }
    return new Discovery(u, null, token);
  }

  public String token() {
    return token;
  }

  /** Whether servers can register here (over HTTP; a DNS name is only read). */
  public boolean canRegister() {
    return url != null;
  }

  /** The token's servers as "host:port" (server RPC addresses). */
  public List<String> servers() throws IOException {
    return url != null ? fromHttp() : fromDns();
  }

  private List<String> fromHttp() throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build());
    if (r.statusCode() == 404) throw new IOException("discovery token " + token + " is unknown at " + url.getHost());
    if (r.statusCode() != 200) throw new IOException("discovery answered " + r.statusCode() + ": " + oneLine(r.body()));
    JsonNode list = JSON.readTree(r.body());
    if (list == null || !list.isArray()) throw new IOException("discovery answered something other than a list");
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) if (n.isTextual()) out.add(ServerInfo.withServerPort(n.asText()));
    return out;
  }

  private List<String> fromDns() throws IOException {
    try {
      List<String> out = new ArrayList<>();
      boolean srv = dnsName.startsWith("_");
      Record[] records = new Lookup(dnsName, srv ? Type.SRV : Type.A).run();
      if (records == null) return out;
      for (Record rec : records) {
        if (rec instanceof SRVRecord s) {
          out.add(addressOf(s.getTarget().toString()) + ":" + s.getPort());
        } else if (rec instanceof ARecord a) {
          out.add(a.getAddress().getHostAddress() + ":" + ServerInfo.DEFAULT_RPC_PORT);
        }
      }
      return out;
    } catch (TextParseException e) {
      throw new IOException("discovery name " + dnsName + ": " + e.getMessage());
    }
  }

  /** An SRV target's address: its A record if it has one, else the name itself. */
  private static String addressOf(String target) throws TextParseException {
    Record[] a = new Lookup(target, Type.A).run();
    if (a != null && a.length > 0 && a[0] instanceof ARecord r) return r.getAddress().getHostAddress();
    return target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
  }

  /** Says (again) that the server at {@code rpcAddress} is under the token; entries expire unless refreshed. */
  public void register(String rpcAddress) throws IOException {
    if (url == null) throw new IOException("a dns: discovery name cannot be registered with");
    int colon = rpcAddress.lastIndexOf(':');
    String body = JSON.writeValueAsString(Map.of("address", rpcAddress.substring(0, colon),
        "port", Integer.parseInt(rpcAddress.substring(colon + 1))));
    HttpResponse<String> r = send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    if (r.statusCode() / 100 != 2) throw new IOException("discovery refused the registration: " + r.statusCode() + " " + oneLine(r.body()));
  }

  private HttpResponse<String> send(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static String oneLine(String s) {
    String t = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  @Override
  public String toString() {
    return url != null ? url.toString() : "dns:" + dnsName;
  }
}
