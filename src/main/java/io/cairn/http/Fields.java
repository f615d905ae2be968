package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.checks.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a JSON object the way Go's encoding/json and Consul's config decoder do: field names
 * match case-insensitively and with or without underscores ({@code DeregisterCriticalServiceAfter}
 * = {@code deregister_critical_service_after}). Tracks which keys were read, so that config files
 * (strict) can refuse unknown keys while API bodies ignore them, as Consul does.
 */
public final class Fields {
  private final Map<String, String> canonicalToKey = new LinkedHashMap<>();
  private final JsonNode object;
  private final String where;
  private final Set<String> used = new HashSet<>();

  public Fields(JsonNode object, String where) {
    if (object == null || !object.isObject()) throw new IllegalArgumentException(where + ": expected an object");
    this.object = object;
    this.where = where;
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      canonicalToKey.putIfAbsent(canonical(k), k);
    }
  }

  public static String canonical(String name) {
    return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  public String where() {
    return where;
  }

  /** The first of the names present with a non-null value. */
  public Optional<JsonNode> get(String... names) {
    for (String n : names) {
      String key = canonicalToKey.get(canonical(n));
      if (key != null) {
        used.add(key);
        JsonNode v = object.get(key);
        if (v != null && !v.isNull()) return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The member of a raw object by any spelling of {@code name}; a missing node if none. */
  public static JsonNode lookup(JsonNode object, String name) {
    String wanted = canonical(name);
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (canonical(k).equals(wanted)) return object.get(k);
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  public boolean has(String... names) {
    for (String n : names) if (canonicalToKey.containsKey(canonical(n))) return true;
    return false;
  }

  public String text(String... names) {
    return get(names).map(v -> {
      if (!v.isValueNode()) throw bad(names[0], "expected a string");
      return v.asText();
    }).orElse(null);
  }

  public int integer(int dflt, String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return dflt;
    JsonNode n = v.get();
    if (n.isIntegralNumber() && n.canConvertToInt()) return n.intValue();
    if (n.isTextual()) {
      try {
        return Integer.parseInt(n.asText().trim());
      } catch (NumberFormatException e) {
        throw bad(names[0], "expected an integer, got \"" + n.asText() + "\"");
      }
    }
    throw bad(names[0], "expected an integer");
  }

  public boolean bool(boolean dflt, String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return dflt;
    JsonNode n = v.get();
    if (n.isBoolean()) return n.booleanValue();
    if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) return Boolean.parseBoolean(n.asText());
    throw bad(names[0], "expected true or false");
  }

  public Duration duration(String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return null;
    JsonNode n = v.get();
    // Consul's API also takes nanoseconds as a JSON number (Go's time.Duration is an int64).
    if (n.isIntegralNumber()) return Duration.ofNanos(n.longValue());
    if (!n.isTextual()) throw bad(names[0], "expected a duration such as \"10s\"");
    if (n.asText().isEmpty()) return null;
    try {
      return GoDuration.parse(n.asText());
    } catch (IllegalArgumentException e) {
      throw bad(names[0], e.getMessage());
    }
  }

  public List<String> strings(String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return null;
    JsonNode n = v.get();
    if (n.isTextual()) return List.of(n.asText());
    if (!n.isArray()) throw bad(names[0], "expected a list of strings");
    List<String> out = new ArrayList<>();
    n.forEach(e -> {
      if (!e.isValueNode()) throw bad(names[0], "expected a list of strings");
      out.add(e.asText());
    });
    return out;
  }

  public Map<String, String> stringMap(String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return null;
    JsonNode n = v.get();
    if (!n.isObject()) throw bad(names[0], "expected an object of strings");
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> {
      if (!e.getValue().isValueNode()) throw bad(names[0] + "." + e.getKey(), "expected a string");
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }

  /** HTTP headers: each value a string or a list of strings. */
  public Map<String, List<String>> headers(String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return null;
    JsonNode n = v.get();
    if (!n.isObject()) throw bad(names[0], "expected an object of header lists");
    Map<String, List<String>> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> {
      List<String> vals = new ArrayList<>();
      if (e.getValue().isArray()) e.getValue().forEach(x -> vals.add(x.asText()));
      else vals.add(e.getValue().asText());
      out.put(e.getKey(), vals);
    });
    return out;
  }

  public Optional<Fields> object(String... names) {
    return get(names).map(v -> new Fields(v, where + "." + names[0]));
  }

  /** Each element of a list of objects; a single object counts as a list of one. */
  public List<Fields> objects(String... names) {
    Optional<JsonNode> v = get(names);
    if (v.isEmpty()) return List.of();
    List<Fields> out = new ArrayList<>();
    JsonNode n = v.get();
    if (n.isArray()) {
      int i = 0;
      for (JsonNode e : n) out.add(new Fields(e, where + "." + names[0] + "[" + i++ + "]"));
    } else {
      out.add(new Fields(n, where + "." + names[0]));
    }
    return out;
  }

  /** Keys present but never read: an error in config files. */
  public List<String> unusedKeys() {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(k -> {
      if (!used.contains(k)) out.add(k);
    });
    return out;
  }

  public void rejectUnknown() {
    List<String> unknown = unusedKeys();
    if (!unknown.isEmpty()) throw new IllegalArgumentException(where + ": unknown key \"" + unknown.getFirst() + "\"");
  }

  public IllegalArgumentException bad(String field, String why) {
    return new IllegalArgumentException(where + "." + field + ": " + why);
  }
}
