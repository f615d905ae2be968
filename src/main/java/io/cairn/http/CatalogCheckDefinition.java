package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.GoDuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A check's {@code Definition} as registered through {@code PUT /v1/catalog/register} (Consul's
 * HealthCheckDefinition: what an external checker such as consul-esm runs), read into the JSON
 * Consul answers with, which the catalog keeps as given and shows back: every field left out at
 * its zero value; Interval, Timeout and DeregisterCriticalServiceAfter as Go duration strings;
 * TTL, which Consul's encoder misses, as a number of nanoseconds; Header keys sorted.
 */
public final class CatalogCheckDefinition {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> LEADING_STRINGS = List.of("HTTP", "TLSServerName");
  private static final List<String> MIDDLE_STRINGS = List.of("Method", "Body");
  private static final List<String> PROBES = List.of("TCP", "UDP", "H2PING", "OSService");
  private static final List<String> TRAILING_STRINGS = List.of("DockerContainerID", "Shell", "GRPC");

  private CatalogCheckDefinition() {}

  /** The canonical JSON of the definition object {@code f}; null if it sets nothing. */
  public static String read(Fields f) {
    ObjectNode o = NODES.objectNode();
    // Consul's encoder writes the durations first, then the rest in its struct's order.
    duration(f, "Interval", o);
    long outputMax = f.get("OutputMaxSize").map(JsonNode::asLong).orElse(0L);
    if (outputMax > 0) o.put("OutputMaxSize", outputMax);
    duration(f, "Timeout", o);
    duration(f, "DeregisterCriticalServiceAfter", o);
    strings(f, LEADING_STRINGS, o);
    bool(f, "TLSSkipVerify", o);
    Map<String, List<String>> header = f.headers("Header");
    if (header != null && !header.isEmpty()) {
      ObjectNode h = o.putObject("Header");
      new TreeMap<>(header).forEach((k, v) -> v.forEach(h.putArray(k)::add));
    }
    strings(f, MIDDLE_STRINGS, o);
    bool(f, "DisableRedirects", o);
    strings(f, PROBES, o);
    bool(f, "H2PingUseTLS", o);
    List<String> args = f.strings("ScriptArgs", "Args");
    if (args != null && !args.isEmpty()) args.forEach(o.putArray("ScriptArgs")::add);
    strings(f, TRAILING_STRINGS, o);
    bool(f, "GRPCUseTLS", o);
    strings(f, List.of("AliasNode", "AliasService"), o);
    Duration ttl = goDuration(f, "TTL");
    if (ttl != null && !ttl.isZero()) o.put("TTL", ttl.toNanos());
    return o.isEmpty() ? null : o.toString();
  }

  private static void duration(Fields f, String name, ObjectNode o) {
    Duration d = goDuration(f, name);
    if (d != null && !d.isZero()) o.put(name, GoDuration.format(d));
  }

  /** As Consul decodes a definition's durations: a Go duration string, or a number of nanoseconds. */
  private static Duration goDuration(Fields f, String name) {
    Optional<JsonNode> v = f.get(name);
    if (v.isEmpty()) return null;
    JsonNode n = v.get();
    if (n.isNumber()) return Duration.ofNanos((long) n.doubleValue());
    if (!n.isTextual()) return null;
    try {
      return GoDuration.parse(n.asText());
    } catch (IllegalArgumentException e) {
      throw f.bad(name, e.getMessage());
    }
  }

  private static void strings(Fields f, List<String> names, ObjectNode o) {
    for (String name : names) {
      String v = f.text(name);
      if (v != null && !v.isEmpty()) o.put(name, v);
    }
  }

  private static void bool(Fields f, String name, ObjectNode o) {
    if (f.bool(false, name)) o.put(name, true);
  }
}
