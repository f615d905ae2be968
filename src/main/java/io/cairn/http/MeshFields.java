package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.Locality;
import io.cairn.state.ServiceAddress;
import io.cairn.state.ServiceInstance;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fields of a service registration that Cairn keeps and shows back without acting on them:
 * {@code Kind}, {@code Proxy}, {@code Connect} (Consul's service mesh), {@code TaggedAddresses},
 * {@code SocketPath} and {@code Locality}. They are read as Consul's decoder reads them (names in
 * any case, snake_case too), checked as Consul checks a registration, and made canonical: Proxy
 * and Connect become JSON objects in Consul's field names and field order, without the fields
 * left at their zero value, and with the keys of free-form maps (Proxy.Config, ...) sorted and
 * their numbers read as Go reads them (float64), so that the same registration always gives the
 * same strings and an unchanged one never looks changed to anti-entropy.
 */
public final class MeshFields {
  private static final Logger LOG = LoggerFactory.getLogger(MeshFields.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The kinds Consul's config files know; any other kind there reads as a typical service. */
  private static final Set<String> KNOWN_KINDS = Set.of("connect-proxy", "mesh-gateway", "terminating-gateway",
      "ingress-gateway", "api-gateway");

  /** Where a registration comes from: each is decoded by a different part of Consul. */
  public enum Source {
    /** {@code PUT /v1/agent/service/register}: lenient, as Consul's agent endpoint. */
    AGENT_API,
    /** A service definition in a config file: unknown keys are errors. */
    CONFIG_FILE,
    /** {@code PUT /v1/catalog/register}: the service is stored as sent, without the agent's defaults. */
    CATALOG_API
  }

  /** What a registration carried of these fields, canonical; null where it carried nothing. */
  public record Kept(String kind, Map<String, ServiceAddress> taggedAddresses, String socketPath, Locality locality,
                     String proxy, String connect) {
    public ServiceInstance applyTo(ServiceInstance s) {
      return s.withPassThrough(kind, taggedAddresses, socketPath, locality, proxy, connect);
    }
  }

  private MeshFields() {}

  /**
   * Reads and checks the pass-through fields of the service object {@code f} registered with
   * {@code port}. A registration Consul would refuse is an IllegalArgumentException saying why.
   */
  public static Kept read(Fields f, Source source, String serviceId, int port) {
    boolean strict = source == Source.CONFIG_FILE;
    boolean agent = source != Source.CATALOG_API;
    String kind = f.text("Kind");
    // Consul's config builder knows five kinds and reads any other as a typical service; its
    // HTTP decoders keep whatever string they are given.
    if (kind != null && strict && !KNOWN_KINDS.contains(kind)) kind = null;
    String socketPath = f.text("SocketPath");
    Map<String, ServiceAddress> tagged = taggedAddresses(f, strict);
    Locality locality = f.object("Locality").map(l -> {
      Locality out = new Locality(l.text("Region"), l.text("Zone"));
      if (strict) l.rejectUnknown();
      return out;
    }).orElse(null);
    ObjectNode proxy = f.object("Proxy").map(p -> proxy(p, strict, agent)).orElse(NODES.objectNode());
    ObjectNode connect = f.object("Connect").map(c -> connect(c, strict)).orElse(NODES.objectNode());
    boolean portOrSocket = port != 0 || socketPath != null && !socketPath.isEmpty();
    List<String> problems = new ArrayList<>(MeshValidation.problems(kind == null ? "" : kind, portOrSocket, port, proxy, connect));
    if (agent) problems.addAll(MeshValidation.taggedAddressProblems(tagged));
    if (!problems.isEmpty()) throw new IllegalArgumentException("Validation failed: " + String.join("; ", problems));
    if (agent && connect.remove("SidecarService") != null) {
      // Consul registers the sidecar as a service of its own and drops the block from this one.
      LOG.warn("service={}: Connect.SidecarService is not registered: Cairn runs no service mesh proxies", serviceId);
    }
    return new Kept(kind, tagged, socketPath, locality, text(proxy), text(connect));
  }

  private static String text(ObjectNode o) {
    return o.isEmpty() ? null : o.toString();
  }

  private static Map<String, ServiceAddress> taggedAddresses(Fields f, boolean strict) {
    Optional<JsonNode> v = f.get("TaggedAddresses");
    if (v.isEmpty()) return null;
    if (!v.get().isObject()) throw f.bad("TaggedAddresses", "expected an object of addresses");
    Map<String, ServiceAddress> out = new TreeMap<>();
    // The names are the user's (lan, wan, lan_ipv4, ...) and kept as sent.
    v.get().fields().forEachRemaining(e -> {
      if (!e.getValue().isObject()) throw f.bad("TaggedAddresses." + e.getKey(), "expected an object with Address and Port");
      Fields a = new Fields(e.getValue(), f.where() + ".TaggedAddresses." + e.getKey());
      out.put(e.getKey(), new ServiceAddress(a.text("Address"), a.integer(0, "Port")));
      if (strict) a.rejectUnknown();
    });
    return out;
  }

  // --- the shapes Consul decodes: its field names in its order ---

  private static ObjectNode proxy(Fields f, boolean strict, boolean agent) {
    return new Canonical(f, strict)
        .list("EnvoyExtensions", MeshFields::envoyExtension)
        .string("DestinationServiceName")
        .string("DestinationServiceID")
        .string("LocalServiceAddress")
        .integer("LocalServicePort")
        .string("LocalServiceSocketPath")
        .string("Mode")
        .freeForm("Config")
        .list("Upstreams", (u, s) -> upstream(u, s, agent))
        .object("MeshGateway", MeshFields::meshGateway)
        .object("Expose", MeshFields::expose)
        .object("TransparentProxy", (t, s) -> new Canonical(t, s)
            .integer("OutboundListenerPort").bool("DialedDirectly").done())
        .object("AccessLogs", (a, s) -> new Canonical(a, s)
            .bool("Enabled").bool("DisableListenerLogs").string("Type").string("Path")
            .string("JSONFormat").string("TextFormat").done())
        .done();
  }

  private static ObjectNode envoyExtension(Fields f, boolean strict) {
    return new Canonical(f, strict).string("Name").bool("Required").freeForm("Arguments")
        .string("ConsulVersion").string("EnvoyVersion").done();
  }

  private static ObjectNode upstream(Fields f, boolean strict, boolean agent) {
    ObjectNode u = new Canonical(f, strict)
        .string("DestinationType")
        .string("DestinationNamespace")
        .string("DestinationPartition")
        .string("DestinationPeer")
        .string("DestinationName")
        .string("Datacenter")
        .string("LocalBindAddress")
        .integer("LocalBindPort")
        .string("LocalBindSocketPath")
        .string("LocalBindSocketMode")
        .freeForm("Config")
        .object("MeshGateway", MeshFields::meshGateway)
        .bool("CentrallyConfigured")
        .done();
    // The agent (Consul's ServiceDefinition) defaults an upstream to a service; the catalog does not.
    if (agent && !u.has("DestinationType")) {
      ObjectNode typed = NODES.objectNode().put("DestinationType", "service");
      typed.setAll(u);
      return typed;
    }
    return u;
  }

  private static ObjectNode meshGateway(Fields f, boolean strict) {
    return new Canonical(f, strict).string("Mode").done();
  }

  private static ObjectNode expose(Fields f, boolean strict) {
    return new Canonical(f, strict).bool("Checks")
        .list("Paths", (p, s) -> new Canonical(p, s).integer("ListenerPort").string("Path")
            .integer("LocalPathPort").string("Protocol").bool("ParsedFromCheck").done())
        .done();
  }

  private static ObjectNode connect(Fields f, boolean strict) {
    return new Canonical(f, strict).bool("Native").freeForm("SidecarService").done();
  }

  /**
   * Builds one canonical object from the fields read, in the order asked; a field at its zero
   * value (as Go's omitempty sees it) is left out.
   */
  private static final class Canonical {
    private final Fields in;
    private final boolean strict;
    private final ObjectNode out = NODES.objectNode();

    Canonical(Fields in, boolean strict) {
      this.in = in;
      this.strict = strict;
    }

    Canonical string(String name) {
      String v = in.text(name);
      if (v != null && !v.isEmpty()) out.put(name, v);
      return this;
    }

    Canonical integer(String name) {
      int v = in.integer(0, name);
      if (v != 0) out.put(name, v);
      return this;
    }

    Canonical bool(String name) {
      if (in.bool(false, name)) out.put(name, true);
      return this;
    }

    /** A map[string]interface{}: kept whole, as Go re-encodes it. */
    Canonical freeForm(String name) {
      in.get(name).ifPresent(v -> {
        if (!v.isObject()) throw in.bad(name, "expected an object");
        if (!v.isEmpty()) out.set(name, goValue(v));
      });
      return this;
    }

    Canonical object(String name, BiFunction<Fields, Boolean, ObjectNode> shape) {
      in.object(name).ifPresent(f -> {
        ObjectNode o = shape.apply(f, strict);
        if (!o.isEmpty()) out.set(name, o);
      });
      return this;
    }

    Canonical list(String name, BiFunction<Fields, Boolean, ObjectNode> shape) {
      List<Fields> items = in.objects(name);
      if (!items.isEmpty()) {
        ArrayNode a = out.putArray(name);
        items.forEach(f -> a.add(shape.apply(f, strict)));
      }
      return this;
    }

    ObjectNode done() {
      if (strict) in.rejectUnknown();
      return out;
    }
  }

  /**
   * A free-form value as Go's encoding/json hands it back after decoding into interface{}: object
   * keys sorted, every number a float64 (so {@code 8080.0} is {@code 8080}).
   */
  static JsonNode goValue(JsonNode v) {
    if (v.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      v.fields().forEachRemaining(e -> sorted.put(e.getKey(), goValue(e.getValue())));
      ObjectNode o = NODES.objectNode();
      sorted.forEach(o::set);
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = NODES.arrayNode();
      v.forEach(e -> a.add(goValue(e)));
      return a;
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e21) {
        return NODES.numberNode(new BigDecimal(d).toBigIntegerExact());
      }
      return NODES.numberNode(d);
    }
    return v;
  }
}
