package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.GoDuration;
import io.cairn.state.AutopilotConfig;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Image;
import io.cairn.state.ImageParts;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Consul's FSM snapshot records as Cairn's: catalog registrations (through the same reading as
 * {@code PUT /v1/catalog/register}), KV entries and tombstones, sessions, prepared queries and
 * autopilot's settings. A key held by a session comes in free: the lock belonged to a process of
 * the old cluster. What has no place in Cairn (ACLs, the service mesh, coordinates, Consul's own
 * server entries) is counted by kind and said in the {@link Report}, never dropped unsaid.
 */
final class ConsulRecords {
  /** Consul's message types (agent/structs), by number, as the report names them. */
  private static final Map<Integer, String> KINDS = kinds();
  /** Why each kind Cairn does not import is left out. */
  private static final Map<String, String> WHY = Map.of(
      "CoordinateBatchUpdate", "network coordinates: each Cairn agent measures its own",
      "Index", "table indexes: Cairn numbers its own",
      "ACLToken", "Cairn has no ACLs yet",
      "ACLPolicy", "Cairn has no ACLs yet",
      "ACLRole", "Cairn has no ACLs yet",
      "ACLBindingRule", "Cairn has no ACLs yet",
      "ACLAuthMethod", "Cairn has no ACLs yet");
  private static final String MESH = "Cairn has no service mesh";

  /** What an import took, by kind, and what it left out, by kind, with the count and why. */
  record Report(Map<String, Integer> imported, Map<String, String> notImported) {
    ObjectNode json() {
      ObjectNode out = Wire.object();
      ObjectNode in = out.putObject("Imported");
      imported.forEach(in::put);
      ObjectNode left = out.putObject("NotImported");
      notImported.forEach(left::put);
      return out;
    }
  }

  private final String localDc;
  private ImageParts part = new ImageParts();
  private final Map<String, Integer> imported = new TreeMap<>();
  private final Map<String, Integer> skipped = new TreeMap<>();
  private final Map<String, String> skippedWhy = new HashMap<>();
  private final Set<String> nodes = new HashSet<>();
  /** Services seen, by node and id: a check carries its service's name and tags. */
  private final Map<String, ServiceInstance> services = new HashMap<>();
  /** Consul's own server entries ("consul" service), left out with their checks. */
  private final Set<String> consulServices = new HashSet<>();

  ConsulRecords(String localDc) {
    this.localDc = localDc;
  }

  /** Consul's name for a message type. */
  static String kind(int type) {
    return KINDS.getOrDefault(type, "record type " + type);
  }

  /** One record: its type byte (flags removed) and its value. */
  void add(int type, Object value) {
    String kind = kind(type);
    try {
      switch (type) {
        case 0 -> registration(json(value));
        case 2 -> kv(map(value));
        case 3 -> session(map(value));
        case 5 -> tombstone(map(value));
        case 7 -> preparedQuery(json(value));
        case 9 -> autopilot(map(value));
        default -> skip(kind, WHY.getOrDefault(kind, MESH_KINDS.contains(kind) ? MESH : "not a kind of data Cairn keeps"));
      }
    } catch (RuntimeException e) {
      skip(kind + " (unreadable)", e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private static final Set<String> MESH_KINDS = Set.of("Intention", "ConnectCA", "ConnectCAProviderState",
      "ConnectCAConfig", "ConfigEntry", "ServiceVirtualIP", "FreeVirtualIP", "Peering", "PeeringTrustBundle",
      "PeeringSecret", "FederationState");

  /** The records gathered since the last call, as one part of the restore. */
  Image takePart() {
    Image img = part.image();
    part = new ImageParts();
    return img;
  }

  Report report() {
    Map<String, String> left = new TreeMap<>();
    skipped.forEach((k, n) -> left.put(k, n + ": " + skippedWhy.get(k)));
    return new Report(Map.copyOf(imported), left);
  }

  private void took(String kind) {
    imported.merge(kind, 1, Integer::sum);
  }

  private void skip(String kind, String why) {
    skipped.merge(kind, 1, Integer::sum);
    skippedWhy.putIfAbsent(kind, why);
  }

  private void registration(JsonNode reg) {
    ObjectNode r = (ObjectNode) reg;
    // Check definitions hold Go durations as nanoseconds; the API reads them as "10s".
    for (JsonNode c : checksOf(r)) {
      if (c.path("Definition") instanceof ObjectNode d) {
        for (String f : List.of("Interval", "Timeout", "DeregisterCriticalServiceAfter")) {
          if (d.path(f).isNumber()) d.put(f, GoDuration.format(Duration.ofNanos(d.path(f).asLong())));
        }
      }
    }
    Command.CatalogRegister c = CatalogApi.registration(r, localDc);
    if (nodes.add(c.node())) {
      part.add(new Node(c.nodeId(), c.node(), c.address(), c.datacenter(), c.taggedAddresses(), c.nodeMeta(), 0, 0));
      took("nodes");
    }
    ServiceInstance s = c.service();
    if (s != null) {
      if (s.name().equals("consul")) {
        consulServices.add(c.node() + "/" + s.id());
        skip("consul service", "Consul's servers; Cairn's servers register their own");
      } else {
        part.add(s);
        services.put(c.node() + "/" + s.id(), s);
        took("services");
      }
    }
    for (HealthCheck h : c.checks()) {
      String sid = h.serviceId() == null ? "" : h.serviceId();
      if (!sid.isEmpty() && consulServices.contains(c.node() + "/" + sid)) {
        skip("consul service check", "checks of Consul's own server entries");
        continue;
      }
      ServiceInstance of = sid.isEmpty() ? null : services.get(c.node() + "/" + sid);
      part.add(new HealthCheck(h.node(), h.checkId(), h.name(), h.status(), h.notes(), h.output(), h.serviceId(),
          of == null ? null : of.name(), of == null ? null : of.tags(), h.type(), h.interval(), h.timeout(),
          h.definition(), 0, 0));
      took("checks");
    }
  }

  private static List<JsonNode> checksOf(ObjectNode r) {
    List<JsonNode> out = new ArrayList<>();
    if (r.path("Check").isObject()) out.add(r.path("Check"));
    if (r.path("Checks").isArray()) r.path("Checks").forEach(out::add);
    return out;
  }

  private void kv(Map<String, Object> e) {
    String key = text(e.get("Key"));
    if (key.isEmpty()) throw new IllegalArgumentException("a KV entry without a key");
    String session = text(e.get("Session"));
    if (!session.isEmpty()) took("locks released");
    part.add(new KvEntry(key, bytes(e.get("Value")), number(e.get("Flags")), number(e.get("CreateIndex")),
        number(e.get("ModifyIndex")), number(e.get("LockIndex")), null));
    took("kv");
  }

  private void tombstone(Map<String, Object> e) {
    part.tombstone(text(e.get("Key")), number(e.get("ModifyIndex")));
    took("kv tombstones");
  }

  private void session(Map<String, Object> s) {
    List<String> nodeChecks = strings(s.containsKey("NodeChecks") ? s.get("NodeChecks") : s.get("Checks"));
    List<String> serviceChecks = new ArrayList<>();
    if (s.get("ServiceChecks") instanceof List<?> l) {
      for (Object o : l) if (o instanceof Map<?, ?> m) serviceChecks.add(text(m.get("ID")));
    }
    String behavior = text(s.get("Behavior"));
    part.session(text(s.get("ID")), new Session(text(s.get("ID")), text(s.get("Name")), text(s.get("Node")), nodeChecks,
        serviceChecks, number(s.get("LockDelay")), behavior.isEmpty() ? Session.RELEASE : behavior, text(s.get("TTL")),
        number(s.get("CreateIndex")), number(s.get("ModifyIndex"))));
    took("sessions");
  }

  private void preparedQuery(JsonNode q) {
    ObjectNode body = (ObjectNode) q;
    String id = body.path("ID").asText("");
    if (id.isEmpty()) throw new IllegalArgumentException("a prepared query without an ID");
    for (String internal : List.of("ID", "CreateIndex", "ModifyIndex", "RaftIndex", "EnterpriseMeta", "Namespace", "Partition")) {
      body.remove(internal);
    }
    part.query(id, QueryDefinition.toStored(id, QueryDefinition.normalise(body)));
    took("prepared queries");
  }

  private void autopilot(Map<String, Object> a) {
    part.autopilot(new AutopilotConfig(Boolean.TRUE.equals(a.get("CleanupDeadServers")),
        number(a.get("LastContactThreshold")) / 1_000_000, number(a.get("MaxTrailingLogs")), number(a.get("MinQuorum")),
        number(a.get("ServerStabilizationTime")) / 1_000_000, text(a.get("RedundancyZoneTag")),
        Boolean.TRUE.equals(a.get("DisableUpgradeMigration")), text(a.get("UpgradeVersionTag")),
        number(a.get("CreateIndex")), number(a.get("ModifyIndex"))));
    took("autopilot settings");
  }

  // --- MessagePack values as the fields need them ---

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v) {
    if (!(v instanceof Map<?, ?>)) throw new IllegalArgumentException("a record that is not a map");
    return (Map<String, Object>) v;
  }

  private static String text(Object v) {
    return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v == null ? "" : v.toString();
  }

  private static byte[] bytes(Object v) {
    return v instanceof byte[] b ? b : v == null ? new byte[0] : v.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long number(Object v) {
    return v instanceof Number n ? n.longValue() : 0;
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) for (Object o : l) out.add(text(o));
    return out;
  }

  /** A value as the JSON Consul's API would show it: strings as text, times (extensions) left out. */
  static JsonNode json(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (v) {
      case null -> f.nullNode();
      case Map<?, ?> m -> {
        ObjectNode o = f.objectNode();
        m.forEach((k, x) -> {
          if (!(x instanceof Msgpack.Ext)) o.set(String.valueOf(k), json(x));
        });
        yield o;
      }
      case List<?> l -> {
        ArrayNode a = f.arrayNode();
        l.forEach(x -> a.add(json(x)));
        yield a;
      }
      case byte[] b -> f.textNode(new String(b, StandardCharsets.UTF_8));
      case Long n -> f.numberNode(n);
      case Double d -> f.numberNode(d);
      case Boolean b -> f.booleanNode(b);
      default -> f.nullNode();
    };
  }

  private static Map<Integer, String> kinds() {
    String[] names = {"Register", "Deregister", "KVS", "Session", "ACL", "Tombstone", "CoordinateBatchUpdate",
        "PreparedQuery", "Txn", "Autopilot", "Area", "ACLBootstrap", "Intention", "ConnectCA", "ConnectCAProviderState",
        "ConnectCAConfig", "Index", "ACLToken", "ACLTokenDelete", "ACLPolicy", "ACLPolicyDelete", "ConnectCALeaf",
        "ConfigEntry", "ACLRole", "ACLRoleDelete", "ACLBindingRule", "ACLBindingRuleDelete", "ACLAuthMethod",
        "ACLAuthMethodDelete", "ChunkingState", "FederationState", "SystemMetadata", "ServiceVirtualIP", "FreeVirtualIP",
        "KindServiceName", "Peering", "PeeringDelete", "PeeringTerminateByID", "PeeringTrustBundle",
        "PeeringTrustBundleDelete", "PeeringSecret", "RaftLogVerifierCheckpoint", "Resource"};
    Map<Integer, String> m = new HashMap<>();
    for (int i = 0; i < names.length; i++) m.put(i, names[i]);
    return Map.copyOf(m);
  }
}
