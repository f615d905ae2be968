package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.Hcl;
import io.cairn.agent.HclParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * The settings of {@code cairn discovery -config-file FILE}: HCL ({@code .hcl}) or JSON, the
 * flags' names with underscores ({@code http_port = 8080}, {@code store = "consul://…"}). A key
 * the service does not know, or a value of the wrong type, is an error naming it: a typo must
 * not leave a setting silently at its default.
 */
record DiscoverySettings(ObjectNode tree, String source) {
  static final DiscoverySettings NONE = new DiscoverySettings(JsonNodeFactory.instance.objectNode(), "");
  private static final Set<String> KEYS = Set.of("http_port", "dns_port", "bind", "data_dir", "store", "domain", "token_ttl",
      "entry_ttl", "rate_limit", "rate_burst", "max_tokens", "tls_cert", "tls_key", "log_level");

  static DiscoverySettings read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("-config-file: cannot read " + file + ": " + e.getMessage());
    }
    JsonNode tree;
    try {
      tree = file.toString().endsWith(".hcl") ? Hcl.parse(text, file.toString()) : JsonMapper.builder().build().readTree(text);
    } catch (HclParseException e) {
      throw new IllegalArgumentException(e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not JSON (name the file .hcl for HCL): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) throw new IllegalArgumentException(file + ": expected an object of settings");
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) throw new IllegalArgumentException(file + ": unknown setting \"" + k + "\" (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
    }
    return new DiscoverySettings((ObjectNode) tree, file.toString());
  }

  String text(String key) {
    JsonNode v = tree.get(key);
    if (v == null) return null;
    if (!v.isTextual()) throw wrongType(key, "a string");
    return v.asText();
  }

  Integer integer(String key) {
    JsonNode v = tree.get(key);
    if (v == null) return null;
    if (!v.canConvertToInt() || !v.isIntegralNumber()) throw wrongType(key, "an integer");
    return v.asInt();
  }

  Double number(String key) {
    JsonNode v = tree.get(key);
    if (v == null) return null;
    if (!v.isNumber()) throw wrongType(key, "a number");
    return v.asDouble();
  }

  private IllegalArgumentException wrongType(String key, String expected) {
    return new IllegalArgumentException(source + ": " + key + " must be " + expected + ", got " + tree.get(key));
  }
}
