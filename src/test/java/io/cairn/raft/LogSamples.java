package io.cairn.raft;

import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Image;
import io.cairn.state.KvEntry;
import io.cairn.state.Locality;
import io.cairn.state.Node;
import io.cairn.state.Outcome;
import io.cairn.state.ServiceAddress;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import io.cairn.state.StagedRestore;
import io.cairn.state.StateStore;
import io.cairn.state.TopicIndexes;
import io.cairn.state.TxnOp;
import io.cairn.state.TxnResult;
import io.cairn.state.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fixed sample values of every command and of a snapshot image, for the golden-bytes tests.
 * Maps that a record copies with {@code Map.copyOf} hold one entry each: the iteration order
 * of an immutable map with several entries changes from one JVM run to the next, and so would
 * the bytes. Maps kept as given are {@link LinkedHashMap}s, whose order is their content.
 */
final class LogSamples {
  private LogSamples() {}

  /** Every sample command by the name of its golden file; each command type appears at least once. */
  static Map<String, Command> commands() {
    Map<String, Command> m = new LinkedHashMap<>();
    m.put("kv-set", new Command.KvSet("web/config", bytes("port=8080"), 42, 7L, "sess-1", "sess-2"));
    m.put("kv-set-plain", new Command.KvSet("web/plain", bytes("v"), 0, null));
    m.put("kv-delete", new Command.KvDelete("web/", true, 12L));
    m.put("catalog-register", catalogRegister());
    m.put("catalog-register-mesh", new Command.CatalogRegister("0f1e2d3c-0000-4000-8000-000000000001", "node-1",
        "10.0.0.5", "dc1", Map.of(), Map.of(), true, meshService(), List.of(definedCheck())));
    m.put("catalog-deregister", new Command.CatalogDeregister("node-1", "web-1", "check-web"));
    m.put("noop", new Command.Noop());
    m.put("once", new Command.Once("req-1", new Command.KvSet("a", bytes("1"), 0, 0L)));
    m.put("batch", new Command.Batch(List.of(
        new Command.Once("req-2", new Command.KvSet("b", bytes("2"), 1, null)),
        new Command.Once("req-3", new Command.SessionDestroy("sess-9")),
        new Command.KvDelete("c", false, null),
        new Command.Noop())));
    m.put("session-create", new Command.SessionCreate(session()));
    m.put("session-destroy", new Command.SessionDestroy("sess-1"));
    m.put("txn", txn());
    m.put("txn-catalog", new Command.Txn(List.of(
        TxnOp.node("set", new Node("0f1e2d3c-0000-4000-8000-000000000009", "node-9", "10.0.0.9", "dc1",
            Map.of("lan", "10.0.0.9"), Map.of("rack", "r9"), 0, 0), 0),
        TxnOp.service("cas", meshService(), 12), TxnOp.check("delete-cas", nodeCheck(), 13),
        new TxnOp("set", "t/kv", bytes("v"), 0, 0, null))));
    m.put("node-left", new Command.NodeLeft("node-2", "10.0.0.6"));
    m.put("event-fire", new Command.EventFire(
        new UserEvent("ev-1", "deploy", bytes("v2"), "node-.*", "web", "primary", 0)));
    m.put("restore", new Command.Restore(image()));
    m.put("restore-chunk", new Command.RestoreChunk("restore-2", 3, image(), true));
    m.put("restore-abort", new Command.RestoreAbort("restore-2"));
    m.put("query-set", new Command.QuerySet(preparedQuery()));
    m.put("query-delete", new Command.QueryDelete("5e1a1f6c-0000-4000-8000-00000000000a"));
    m.put("autopilot-set", new Command.AutopilotSet(autopilot(), 7L));
    return m;
  }

  /**
   * The snapshot image sample. When {@link Image} gains a field, give it a value
   * here, then regenerate the golden files on purpose (docs/log-format.md).
   */
  static Image image() {
    LinkedHashMap<String, Outcome> recent = new LinkedHashMap<>();
    recent.put("req-1", Outcome.OK);
    recent.put("req-2", Outcome.error("invalid session \"x\""));
    recent.put("req-3", new Outcome(true, null,
        new TxnResult(List.of(kvEntry()), -1, null)));
    LinkedHashMap<String, Long> tombstones = new LinkedHashMap<>();
    tombstones.put("old/a", 100L);
    tombstones.put("old/b", 101L);
    LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();
    sessions.put("sess-1", session());
    LinkedHashMap<String, String> left = new LinkedHashMap<>();
    left.put("node-2", "10.0.0.6");
    left.put("node-3", "");
    LinkedHashMap<String, Long> tables = new LinkedHashMap<>();
    tables.put("KV", 114L);
    tables.put("NODES", 4L);
    Image part = new Image(0, List.of(kvEntry()), Map.of(), 0, 0, List.of(), List.of(), List.of(),
        null, Map.of(), null, List.of(), null, null);
    return new Image(120, List.of(kvEntry()), tombstones, 90, 80,
        List.of(new Node("0f1e2d3c-0000-4000-8000-000000000001", "node-1", "10.0.0.5", "dc1",
            Map.of("lan", "10.0.0.5"), Map.of("rack", "r1"), 3, 4)),
        List.of(meshService()), List.of(definedCheck(), nodeCheck()), recent, sessions, left,
        List.of(event()), new TopicIndexes.Image(tables, Map.of("web", 10L), Map.of("node-1", 12L)),
        new Image.Staged("restore-1", 1, part), Map.of(preparedQuery().id(), preparedQuery()), autopilot());
  }

  private static io.cairn.state.AutopilotConfig autopilot() {
    return new io.cairn.state.AutopilotConfig(false, 500, 1000, 3, 30_000, "zone", true, "build", 5, 7);
  }

  private static io.cairn.state.PreparedQuery preparedQuery() {
    return new io.cairn.state.PreparedQuery("5e1a1f6c-0000-4000-8000-00000000000a", "geo-db-", "sess-1", true,
        "{\"Name\":\"geo-db-\",\"Template\":{\"Type\":\"name_prefix_match\"},\"Service\":{\"Service\":\"${name.suffix}\"}}",
        0, 0);
  }

  private static Command.CatalogRegister catalogRegister() {
    LinkedHashMap<String, String> tagged = new LinkedHashMap<>();
    tagged.put("lan", "10.0.0.5");
    tagged.put("wan", "198.51.100.5");
    LinkedHashMap<String, String> meta = new LinkedHashMap<>();
    meta.put("rack", "r1");
    meta.put("zone", "a");
    return new Command.CatalogRegister("0f1e2d3c-0000-4000-8000-000000000001", "node-1", "10.0.0.5", "dc1",
        tagged, meta, false, service(), List.of(serviceCheck(), nodeCheck()));
  }

  private static ServiceInstance service() {
    return new ServiceInstance("node-1", "web-1", "web", List.of("primary", "v1"), "10.0.0.7", 8080,
        Map.of("version", "1.2"), true, 10, 1, 5, 6);
  }

  /**
   * {@link #service()} with every field a registration carries for Consul's service mesh and the
   * like, which Cairn keeps without acting on (added after format 1 first shipped, all optional).
   */
  private static ServiceInstance meshService() {
    LinkedHashMap<String, ServiceAddress> tagged = new LinkedHashMap<>();
    tagged.put("lan", new ServiceAddress("10.0.0.7", 8080));
    tagged.put("wan", new ServiceAddress("198.51.100.7", 80));
    return service().withPassThrough("connect-proxy", tagged, "/run/web.sock", new Locality("eu-west-1", "eu-west-1a"),
        "{\"DestinationServiceName\":\"web\",\"LocalServicePort\":8080,\"Upstreams\":[{\"DestinationType\":\"service\","
            + "\"DestinationName\":\"db\",\"LocalBindPort\":9191}]}",
        "{\"Native\":true}");
  }

  /** {@link #serviceCheck()} with the Definition a client registered through the catalog. */
  private static HealthCheck definedCheck() {
    return new HealthCheck("node-1", "check-web", "web alive", CheckStatus.PASSING, "GET /health",
        "HTTP 200 OK", "web-1", "web", List.of("primary", "v1"), "http", "10s", "1s",
        "{\"Interval\":\"10s\",\"Timeout\":\"1s\",\"HTTP\":\"http://10.0.0.7:8080/health\","
            + "\"Header\":{\"X-Probe\":[\"1\"]},\"Method\":\"HEAD\"}", 7, 8);
  }

  private static HealthCheck serviceCheck() {
    return new HealthCheck("node-1", "check-web", "web alive", CheckStatus.PASSING, "GET /health",
        "HTTP 200 OK", "web-1", "web", List.of("primary", "v1"), "http", "10s", "1s", 7, 8);
  }

  private static HealthCheck nodeCheck() {
    return new HealthCheck("node-1", "serfHealth", "Serf Health Status", CheckStatus.CRITICAL, "",
        "no heartbeat", "", "", List.of(), "", "", "", 9, 10);
  }

  private static Session session() {
    return new Session("sess-1", "lock", "node-1", List.of("serfHealth"), List.of("check-web"),
        15_000_000_000L, Session.DELETE, "30s", 11, 12);
  }

  private static UserEvent event() {
    return new UserEvent("ev-1", "deploy", bytes("v2"), "node-.*", "web", "primary", 115);
  }

  private static KvEntry kvEntry() {
    return new KvEntry("web/config", bytes("port=8080"), 42, 13, 14, 1, "sess-1");
  }

  /** A transaction with one operation of each of Consul's KV verbs. */
  private static Command.Txn txn() {
    return new Command.Txn(List.of(
        new TxnOp("set", "t/set", bytes("s"), 1, 0, null),
        new TxnOp("cas", "t/cas", bytes("c"), 2, 20, null),
        new TxnOp("lock", "t/lock", bytes("l"), 3, 0, "sess-1"),
        new TxnOp("unlock", "t/unlock", bytes("u"), 4, 0, "sess-1"),
        new TxnOp("get", "t/get", null, 0, 0, null),
        new TxnOp("get-tree", "t/", null, 0, 0, null),
        new TxnOp("check-index", "t/ci", null, 0, 21, null),
        new TxnOp("check-session", "t/cs", null, 0, 0, "sess-1"),
        new TxnOp("check-not-exists", "t/cne", null, 0, 0, null),
        new TxnOp("delete", "t/del", null, 0, 0, null),
        new TxnOp("delete-tree", "t/tree/", null, 0, 0, null),
        new TxnOp("delete-cas", "t/dcas", null, 0, 22, null)));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
