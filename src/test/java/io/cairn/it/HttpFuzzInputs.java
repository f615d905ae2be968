package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The hostile requests of {@link HttpFuzzTest}, all drawn from one seeded {@link Random}: bodies
 * for every write endpoint (shaped like the real thing, then bent), hostile paths, headers and
 * framing. Nothing drawn here names a canary: every KV key lives under {@code fz/}, and a request
 * whose bytes say "canary" is drawn again (snapshot restores, which carry the canaries on
 * purpose, are made by {@link HttpFuzzSnapshots}).
 */
final class HttpFuzzInputs {
  /** One request as it goes on the wire, and what the client does around it. */
  record Request(String label, byte[] bytes, boolean closeAfterSending, boolean mayGoUnanswered) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> STRINGS = List.of("", "x", "fz-a", "fz-b", "ünïcødé", "🙂", "\u0000", "a\u0000b",
      "\u0001\u007f", "a\nb", "../../etc/passwd", "%2F%00", "<script>", "' OR 1=1 --", "\\", "\"", " ", "null",
      "service:fz-a", "fz-a".repeat(3000));
  private static final List<String> DURATIONS = List.of("10s", "", "0s", "-1s", "abc", "1h", "99999999999999h", "10", "1.5s",
      "1µs", "15s", "1m30s");
  private static final List<String> PATH_PARTS = List.of("a", "b/c", "..", "../..", "%2e%2e", "%2F", "%2f..%2f", "%00",
      "%zz", "%", "%e2%82", "%ff%fe", "%C3%BC", "a%20b", "a+b", "~!$&'()*,;=:@", "ü", "//", "./", "%252F", ";x=1", "#frag");
  private static final List<String> QUERIES = List.of("recurse", "keys", "separator=/", "raw", "cas=0", "cas=-1", "cas=abc",
      "flags=18446744073709551616", "flags=x", "acquire=", "release=fz", "index=abc&wait=1s", "index=99999999999&wait=100ms",
      "index=-1", "index=0&wait=50ms", "wait=10", "wait=abc", "wait=99999999999999h&index=5", "stale", "consistent",
      "stale&consistent", "dc=nope", "dc=", "token=x", "pretty", "filter=a%3D%3Db", "node-meta=x", "tag=%00",
      "near=_agent", "passing", "format=text", "note=%0Aline", "enable=maybe", "a=%zz", "=", "&&&", "%", "x=" + "y".repeat(5000));
  private static final List<String> REGEXES = List.of("", "^fz", "(a+)+$", "(", "[a-", "a{99999}", "(?<=a)b", "(a)\\1",
      "a*a*a*a*a*a*a*b", "(.*){20}", ".*", "\\", "(?i)FZ", "x".repeat(300), "^(a|a){1,40}!");
  private static final List<String> VERBS = List.of("set", "cas", "lock", "unlock", "get", "get-tree", "check-index",
      "check-session", "check-not-exists", "delete", "delete-cas", "explode", "", "SET");
  private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "FOO", "get",
      "PUT ", "G\u0001T", "CONNECT", "TRACE");

  private final Random r;
  private final HttpFuzzSnapshots snapshots;

  HttpFuzzInputs(Random r, HttpFuzzSnapshots snapshots) {
    this.r = r;
    this.snapshots = snapshots;
  }

  /** The next request; drawn again until it stays clear of the canaries. */
  Request next() {
    while (true) {
      if (r.nextInt(18) == 0) return put("snapshot restore", "/v1/snapshot", snapshots.next());
      Request q = draw();
      if (!new String(q.bytes(), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("canary")) return q;
    }
  }

  private Request draw() {
    return switch (r.nextInt(17)) {
      case 0, 1, 2 -> put("kv put", "/v1/kv/fz/" + pathTail() + query(), kvValue());
      case 3 -> wire("kv read/delete", pick("GET", "DELETE", "HEAD"), "/v1/kv/fz/" + pathTail() + query(), null);
      case 4, 5 -> put("txn", "/v1/txn" + query(), json(txn()));
      case 6 -> put("catalog register", "/v1/catalog/register", json(catalogRegistration()));
      case 7 -> put("catalog deregister", "/v1/catalog/deregister", json(object("Node", nodeName(), "ServiceID", id(),
          "CheckID", id(), "Datacenter", pick("dc1", "", "nope"))));
      case 8 -> put("service register", "/v1/agent/service/register" + query(), json(service()));
      case 9 -> put("check register", "/v1/agent/check/register", json(check()));
      case 10 -> put("session create", "/v1/session/create", json(session()));
      case 11 -> put("event fire", "/v1/event/fire/" + pick("fz-ev", "", "fz%00", "fz/..", pathTail()) + "?" + pick("node", "service",
          "tag", "x") + "=" + encode(pick(REGEXES)) + (r.nextBoolean() ? "&service=" + encode(pick(REGEXES)) : ""), bytes(r.nextInt(2000)));
      case 12 -> wire("agent and reads", pick("GET", "PUT"), pick("/v1/agent/check/pass/", "/v1/agent/check/fail/",
          "/v1/agent/check/update/", "/v1/agent/service/deregister/", "/v1/agent/check/deregister/", "/v1/agent/service/",
          "/v1/agent/health/service/name/", "/v1/session/destroy/", "/v1/session/renew/", "/v1/session/info/",
          "/v1/catalog/service/", "/v1/catalog/node/", "/v1/health/service/", "/v1/health/state/", "/v1/health/checks/",
          "/v1/agent/service/maintenance/") + id() + query(), r.nextBoolean() ? json(object("Status", pick("passing", "bad", ""),
          "Output", pick(STRINGS))) : null);
      case 13 -> wire("hostile path", pick(METHODS), hostilePath(), r.nextInt(4) == 0 ? bytes(r.nextInt(100)) : null);
      case 14 -> hostileHeaders();
      case 15 -> framing();
      default -> wire("reads", "GET", pick("/v1/agent/self", "/v1/agent/members", "/v1/status/peers", "/v1/event/list",
          "/v1/agent/metrics", "/v1/operator/raft/configuration", "/v1/catalog/services", "/v1/agent/checks", "/v1/session/list",
          "/v1/catalog/nodes", "/v1/health/state/any") + query(), null);
    };
  }

  // --- bodies: shaped like the real thing, then bent ---

  private ArrayNode txn() {
    ArrayNode ops = NODES.arrayNode();
    int n = r.nextInt(20) == 0 ? 129 + r.nextInt(10) : 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(15) == 0) {
        ops.add(object(pick("Node", "Service", "Check", "kv"), object("Verb", "get")));
        continue;
      }
      ObjectNode kv = object("Verb", pick(VERBS), "Key", "fz/" + pick("t", "u/v", "\u0000", "k".repeat(2000), pick(STRINGS)),
          "Value", pick("dg==", "", "!!", "fz", java.util.Base64.getEncoder().encodeToString(bytes(r.nextInt(20) == 0 ? 600_000 : 10))),
          "Flags", some(), "Index", some(), "Session", pick(STRINGS));
      if (r.nextInt(4) == 0) kv.remove(pick("Key", "Verb", "Value"));
      // A delete-tree of "" would empty the store, canaries and all: its key is always under fz/.
      if (r.nextInt(10) == 0) kv.put("Verb", "delete-tree").put("Key", "fz/" + pick("t", "", "u/"));
      ops.add(object("KV", kv));
    }
    return ops;
  }

  private ObjectNode catalogRegistration() {
    return object("Node", nodeName(), "Address", pick("10.0.0.1", "", "::1", "not an address"), "ID", pick(STRINGS),
        "Datacenter", pick("dc1", "", "nope"), "TaggedAddresses", object("lan", some()), "NodeMeta", object("k", some()),
        "SkipNodeUpdate", some(), "Service", r.nextBoolean() ? object("ID", id(), "Service", pick("fz-web", "", "x"), "Port", some(),
            "Tags", some(), "Meta", some(), "Weights", object("Passing", some())) : some(),
        "Check", object("CheckID", id(), "Name", some(), "Status", pick("passing", "critical", "nope", ""), "ServiceID", id(),
            "Definition", object("Interval", pick(DURATIONS))));
  }

  private ObjectNode service() {
    ObjectNode s = object("Name", pick("fz-svc", "", "fz-" + r.nextInt(5)), "ID", id(), "Port", pick(80, -1, 70000, 0),
        "Tags", some(), "Address", pick(STRINGS), "Meta", object("k", some()), "EnableTagOverride", some(),
        "Weights", object("Passing", some(), "Warning", some()));
    if (r.nextBoolean()) s.set("Check", check());
    if (r.nextInt(4) == 0) s.set("Checks", NODES.arrayNode().add(check()).add(some()));
    return s;
  }

  private ObjectNode check() {
    ObjectNode c = object("Name", pick("fz-check", ""), "CheckID", id(), "ServiceID", id(), "Notes", some(),
        "Status", pick("passing", "warning", "critical", "nope", ""), "DeregisterCriticalServiceAfter", pick(DURATIONS),
        "SuccessBeforePassing", some(), "FailuresBeforeCritical", some());
    switch (r.nextInt(6)) {
      case 0 -> c.put("TTL", pick(DURATIONS));
      case 1 -> c.put("HTTP", pick("http://127.0.0.1:1/", "", "not a url", "ftp://x")).put("Interval", pick(DURATIONS))
          .set("Header", object("X", some()));
      case 2 -> c.put("TCP", pick("127.0.0.1:1", "", "nohost")).put("Interval", pick(DURATIONS));
      case 3 -> c.set("Args", some());  // refused: scripts are off on the test agent
      case 4 -> c.put("TTL", pick(DURATIONS)).put("HTTP", "http://127.0.0.1:1/");
      default -> c.set("TTL", some());
    }
    return c;
  }

  private ObjectNode session() {
    return object("Name", some(), "Node", pick("", "node-it", "fz-nowhere", pick(STRINGS)), "LockDelay", pick(DURATIONS),
        "TTL", pick(DURATIONS), "Behavior", pick("release", "delete", "explode", ""), "NodeChecks", some(),
        "ServiceChecks", NODES.arrayNode().add(object("ID", id())), "Checks", some());
  }

  private String nodeName() {
    return pick("fz-node-1", "fz-node-2", "", pick(STRINGS));
  }

  private String id() {
    return pick("fz-a", "fz-b", "service:fz-svc", "", "%00", "fz%2Fx", "..", pick(STRINGS).replace("\u0000", "%00"));
  }

  /** Any JSON value: what a field should hold, or anything else. */
  private JsonNode some() {
    return switch (r.nextInt(10)) {
      case 0 -> NODES.textNode(pick(STRINGS));
      case 1 -> NODES.numberNode(pick(0L, -1L, 1L, Long.MAX_VALUE, 65536L));
      case 2 -> NODES.numberNode(new java.math.BigDecimal(pick("1e400", "99999999999999999999999", "-0.5", "1.5")));
      case 3 -> NODES.booleanNode(r.nextBoolean());
      case 4 -> NODES.nullNode();
      case 5 -> NODES.arrayNode().add(pick(STRINGS)).add(1).addNull();
      case 6 -> object(pick(STRINGS), pick(STRINGS));
      case 7 -> NODES.textNode(pick(DURATIONS));
      default -> NODES.textNode("fz-" + r.nextInt(100));
    };
  }

  private ObjectNode object(Object... pairs) {
    ObjectNode o = NODES.objectNode();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (r.nextInt(8) == 0) continue;  // a field left out
      Object v = r.nextInt(10) == 0 ? some() : pairs[i + 1];
      String name = r.nextInt(10) == 0 ? pairs[i].toString().toLowerCase(Locale.ROOT) : pairs[i].toString();
      o.set(name, v instanceof JsonNode n ? n : JSON.valueToTree(v));
    }
    return o;
  }

  /** The JSON, sometimes with its bytes bent: flipped, cut, duplicated, or nested past any limit. */
  private byte[] json(JsonNode body) {
    byte[] b;
    try {
      b = JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return switch (r.nextInt(8)) {
      case 0 -> mutate(r, b);
      case 1 -> Arrays.copyOf(b, r.nextInt(b.length + 1));
      case 2 -> ("[".repeat(1000 + r.nextInt(2000))).getBytes(StandardCharsets.US_ASCII);
      default -> b;
    };
  }

  /** One to four byte edits: a byte replaced, a run deleted, random bytes inserted, a run repeated. */
  static byte[] mutate(Random r, byte[] b) {
    byte[] out = b.clone();
    for (int e = 1 + r.nextInt(4); e > 0 && out.length > 0; e--) {
      int at = r.nextInt(out.length);
      switch (r.nextInt(4)) {
        case 0 -> out[at] = (byte) r.nextInt(256);
        case 1 -> out = concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, Math.min(out.length, at + 1 + r.nextInt(8)), out.length));
        case 2 -> out = concat(Arrays.copyOf(out, at), bytes(r, 1 + r.nextInt(8)), Arrays.copyOfRange(out, at, out.length));
        default -> out = concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, r.nextInt(at + 1), at), Arrays.copyOfRange(out, at, out.length));
      }
    }
    return out;
  }

  private byte[] kvValue() {
    int n = r.nextInt(50) == 0 ? pick(512 * 1024, 512 * 1024 + 1, 700 * 1024) : r.nextInt(300);
    return bytes(n);
  }

  // --- paths, headers and framing ---

  private String pathTail() {
    StringBuilder b = new StringBuilder();
    for (int i = 1 + r.nextInt(4); i > 0; i--) b.append(i > 1 ? "/" : "").append(pick(PATH_PARTS));
    if (r.nextInt(30) == 0) b.append("k".repeat(pick(1100, 9000, 70_000)));
    return b.toString();
  }

  private String query() {
    if (r.nextInt(3) == 0) return "";
    StringBuilder q = new StringBuilder("?");
    for (int i = 1 + r.nextInt(3); i > 0; i--) q.append(q.length() > 1 ? "&" : "").append(pick(QUERIES));
    return q.toString();
  }

  private String hostilePath() {
    String base = pick("/v1/kv/fz/", "/v1/agent/service/", "/v1/catalog/service/", "/v1/event/fire/", "/v1/txn/", "/v1/",
        "/", "", "*", "http://other.example/v1/kv/fz/x", "/v1/kv/fz/../../../../", "/V1/KV/fz/", "//v1//kv//fz", "/v1/kv/fz/%");
    return base + pathTail() + query();
  }

  private Request hostileHeaders() {
    String extra = switch (r.nextInt(12)) {
      case 0 -> "Content-Length: " + pick("abc", "-1", "1 2", "+5", "99999999999999999999", "0x10", "") + "\r\n";
      case 1 -> "Content-Length: 3\r\nContent-Length: 4\r\n";
      case 2 -> "Transfer-Encoding: " + pick("gzip", "chunked, chunked", "identity", "chunked\u0000", "xchunked") + "\r\n";
      case 3 -> "Host: second\r\n";
      case 4 -> "X-Huge: " + "h".repeat(pick(9000, 70_000)) + "\r\n";
      case 5 -> "X-Many: 1\r\n".repeat(pick(100, 1000));
      case 6 -> "X Bad Name: 1\r\n";
      case 7 -> "X-Folded: a\r\n  b\r\n";
      case 8 -> "X-Ctl: a\u0001\u0000b\r\n";
      case 9 -> "Expect: 100-continue\r\n";
      case 10 -> "X-Consul-Token: " + pick(STRINGS).replace("\n", "") + "\r\nAuthorization: Bearer " + "t".repeat(3000) + "\r\n";
      default -> "Content-Type: " + pick("application/json; charset=ünï", "\u0000", "multipart/form-data; boundary=") + "\r\n";
    };
    byte[] body = json(service());
    String head = "PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\n" + extra
        + (extra.startsWith("Content-Length") || extra.startsWith("Transfer") ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
    return new Request("hostile headers", concat(head.getBytes(StandardCharsets.UTF_8), body), r.nextBoolean(), false);
  }

  /** Bodies that end early, lie about their length, or break their chunking. */
  private Request framing() {
    String target = pick("/v1/kv/fz/framed", "/v1/txn", "/v1/agent/service/register", "/v1/snapshot", "/v1/catalog/register");
    byte[] body = json(service());
    String head = "PUT " + target + " HTTP/1.1\r\nHost: x\r\n";
    int kind = r.nextInt(400) == 0 ? 6 : r.nextInt(6);  // a stalled body costs seconds: rarely
    byte[] wire = switch (kind) {
      case 0 -> concat((head + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length + 10) + "\r\n").getBytes(), body);
      case 1 -> concat((head + "Content-Length: " + (body.length + 1 + r.nextInt(100_000)) + "\r\n\r\n").getBytes(), body);
      case 2 -> concat((head + "Content-Length: " + r.nextInt(Math.max(1, body.length)) + "\r\n\r\n").getBytes(), body, bytes(20));
      case 3 -> (head + "Transfer-Encoding: chunked\r\n\r\n" + pick("zz", "-1", "ffffffffffffffff", "1;ext=\u0000") + "\r\nabc\r\n0\r\n\r\n").getBytes();
      case 4 -> Arrays.copyOf(head.getBytes(), r.nextInt(head.length()));
      case 5 -> concat((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(), chunked(body), "0\r\nX-Trailer: 1\r\n\r\n".getBytes());
      default -> concat((head + "Content-Length: " + (body.length + 50) + "\r\n\r\n").getBytes(), body);
    };
    boolean close = kind != 6 && kind != 2 && kind != 5;
    return new Request("framing " + kind, wire, close, kind == 4);
  }

  private static byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += 7) {
      int n = Math.min(7, body.length - i);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes());
      out.write(body, i, n);
      out.writeBytes("\r\n".getBytes());
    }
    return out.toByteArray();
  }

  Request put(String label, String target, byte[] body) {
    return wire(label, r.nextInt(20) == 0 ? pick(METHODS) : "PUT", target, body);
  }

  /** A whole request: request line (now and then with an odd version), Host, and the body with its length. */
  Request wire(String label, String method, String target, byte[] body) {
    String version = r.nextInt(40) == 0 ? pick("HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "HTTP/1.1 extra", "http/1.1") : "HTTP/1.1";
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version)
        .append("\r\nHost: x\r\n");
    if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("\r\n");
    byte[] bytes = concat(head.toString().getBytes(StandardCharsets.UTF_8), body == null ? new byte[0] : body);
    return new Request(label, bytes, false, false);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private byte[] bytes(int n) {
    return bytes(r, n);
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  @SafeVarargs
  final <T> T pick(T... options) {
    return options[r.nextInt(options.length)];
  }

  <T> T pick(List<T> options) {
    return options.get(r.nextInt(options.size()));
  }
}
