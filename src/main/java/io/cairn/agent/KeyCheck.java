package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.http.Fields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Holds the keys of one config file against {@link ConsulKeys}, before any value is read:
 * an unknown key or a refused security setting stops the load with one line naming the file and
 * the key; a key that changes nothing in Cairn becomes a warning. Keys match as in {@link Fields}
 * (case and underscores aside), and the warnings name them as Consul documents them.
 */
final class KeyCheck {
  private KeyCheck() {}

  /** By canonical path ({@code dnsconfig.nodettl}). */
  private static final Map<String, KeyRule> RULES = new HashMap<>();
  /** Canonical path of every block that holds keys of the table, to its documented path. */
  private static final Map<String, String> BLOCKS = new HashMap<>();

  static {
    for (KeyRule rule : ConsulKeys.ALL) {
      if (RULES.put(canonical(rule.path()), rule) != null) throw new IllegalStateException("listed twice: " + rule.path());
      for (int dot = rule.path().indexOf('.'); dot > 0; dot = rule.path().indexOf('.', dot + 1)) {
        String block = rule.path().substring(0, dot);
        BLOCKS.put(canonical(block), block);
      }
    }
    for (String block : BLOCKS.values()) {
      if (RULES.containsKey(canonical(block))) throw new IllegalStateException("both a key and a block: " + block);
    }
  }

  /** The rule for a documented path, or null if the path is no key of the table. */
  static KeyRule rule(String path) {
    return RULES.get(canonical(path));
  }

  /** Whether a config file may hold this path: a key of the table, or a block of such keys. */
  static boolean known(String path) {
    return RULES.containsKey(canonical(path)) || BLOCKS.containsKey(canonical(path));
  }

  /**
   * Checks a file's tree. Returns the warnings for its keys that have no effect, one per key,
   * in file order.
   *
   * @throws IllegalArgumentException for an unknown key, or for refused settings (all of the
   *     file's in one line, so that a hardened config is not fixed one restart at a time), naming
   *     {@code file} and the keys
   */
  static List<String> check(JsonNode root, String file) {
    List<String> warnings = new ArrayList<>();
    List<KeyRule> refused = new ArrayList<>();
    walk(root, "", "", file, warnings, refused);
    if (!refused.isEmpty()) {
      KeyRule first = refused.getFirst();
      String others = refused.stream().skip(1).map(r -> "'" + r.path() + "'").collect(Collectors.joining(", "));
      throw new IllegalArgumentException(file + ": refusing config key '" + first.path() + "': " + first.reason()
          + (others.isEmpty() ? "" : " (also refused: " + others + ")"));
    }
    return warnings;
  }

  private static void walk(JsonNode object, String canonicalBlock, String block, String file, List<String> warnings,
      List<KeyRule> refused) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      // A dot in a name would let "telemetry.statsd_address" pass as a top-level key.
      String path = name.contains(".") ? null : join(canonicalBlock, Fields.canonical(name));
      KeyRule rule = path == null ? null : RULES.get(path);
      if (rule == null) {
        String nested = path == null ? null : BLOCKS.get(path);
        if (nested == null) throw new IllegalArgumentException(file + ": unknown config key '" + join(block, name) + "'");
        for (JsonNode part : parts(value, nested, file)) walk(part, path, nested, file, warnings, refused);
      } else if (!value.isNull() && !rule.asCairnDoes().test(value)) {
        switch (rule.effect()) {
          case HONOURED -> { }
          case NO_EFFECT -> warnings.add(warning(rule));
          case REFUSED -> refused.add(rule);
        }
      }
    }
  }

  static String warning(KeyRule rule) {
    return "config key '" + rule.path() + "' has no effect in Cairn" + (rule.reason() == null ? "" : " (" + rule.reason() + ")");
  }

  /** A block, or the list of blocks HCL makes of a block written twice. */
  private static List<JsonNode> parts(JsonNode value, String block, String file) {
    if (value.isNull()) return List.of();
    if (value.isObject()) return List.of(value);
    List<JsonNode> out = new ArrayList<>();
    if (value.isArray()) value.forEach(out::add);
    if (out.isEmpty() || !out.stream().allMatch(JsonNode::isObject)) {
      throw new IllegalArgumentException(file + ": config key '" + block + "' must be a block of keys");
    }
    return out;
  }

  private static String join(String block, String name) {
    return block.isEmpty() ? name : block + "." + name;
  }

  private static String canonical(String path) {
    return Arrays.stream(path.split("\\.")).map(Fields::canonical).collect(Collectors.joining("."));
  }
}
