package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn kv get}: one value, a prefix's entries, or a prefix's keys. */
@Command(name = "get", description = "Reads a value, or with -recurse or -keys, everything under a prefix.")
final class KvGetCommand extends ClientCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "KEY") String key;
  @Option(names = "-recurse", description = "Print every key under KEY as key:value.") boolean recurse;
  @Option(names = "-keys", description = "Print the keys under KEY, up to the next separator.") boolean keys;
  @Option(names = "-separator", paramLabel = "SEP", description = "Separator for -keys (default \"/\"; \"\" for none).")
  String separator = "/";
  @Option(names = "-detailed", description = "Print the entry's fields, not just its value.") boolean detailed;
  @Option(names = "-base64", description = "Print values base64-encoded.") boolean base64;

  @Override
  int run(ApiClient client) {
    String k = KvKeys.normalize(key);
    if (keys) {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("keys", "");
      if (!separator.isEmpty()) query.put("separator", separator);
      client.find(KvKeys.path(k), query).ifPresent(list -> list.forEach(n -> out().println(n.asText())));
      return 0;
    }
    if (recurse) {
      Optional<JsonNode> entries = client.find(KvKeys.path(k), Map.of("recurse", ""));
      if (entries.isEmpty()) return 0;
      boolean first = true;
      for (JsonNode e : entries.get()) {
        if (detailed) {
          if (!first) out().println(); // a blank line between entries, as Consul prints them
          printDetailed(out(), e);
        } else {
          out().println(e.path("Key").asText() + ":" + text(value(e)));
        }
        first = false;
      }
      return 0;
    }
    if (k.isEmpty()) throw ClientError.consulWords("Error! Missing KEY argument");
    JsonNode entry = client.find(KvKeys.path(k), Map.of())
        .filter(list -> !list.isEmpty()).map(list -> list.get(0))
        .orElseThrow(() -> ClientError.consulWords("Error! No key exists at: " + k));
    if (detailed) printDetailed(out(), entry);
    else out().println(text(value(entry)));
    return 0;
  }

  /** The fields in Consul's order and alignment (a tab writer padding 6 past the longest name). */
  private void printDetailed(PrintWriter out, JsonNode e) {
    String session = e.path("Session").asText("");
    row(out, "CreateIndex", e.path("CreateIndex").asText());
    row(out, "Flags", e.path("Flags").asText());
    row(out, "Key", e.path("Key").asText());
    row(out, "LockIndex", e.path("LockIndex").asText());
    row(out, "ModifyIndex", e.path("ModifyIndex").asText());
    row(out, "Session", session.isEmpty() ? "-" : session);
    row(out, "Value", text(value(e)));
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf("%-17s%s%n", name, value);
  }

  private static byte[] value(JsonNode entry) {
    JsonNode v = entry.path("Value");
    return v.isTextual() ? Base64.getDecoder().decode(v.asText()) : new byte[0];
  }

  /** Values are bytes; printed as UTF-8 text unless -base64 asks for a binary-safe form. */
  private String text(byte[] value) {
    return base64 ? Base64.getEncoder().encodeToString(value) : new String(value, StandardCharsets.UTF_8);
  }
}
