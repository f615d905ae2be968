package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn kv import [@FILE | - | DATA]}: writes the entries of a {@code kv export} document.
 * The whole document is checked before anything is written; it is then written in transactions
 * of at most 64 operations, each of which applies entirely or not at all.
 */
@Command(name = "import", description = "Writes the keys of a kv export document (@FILE, - for stdin, or the JSON itself).")
final class KvImportCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int OPS_PER_TXN = 64;

  @Parameters(index = "0", paramLabel = "DATA") String data;

  private record Entry(String key, long flags, String value) {}

  @Override
  int run(ApiClient client) throws IOException {
    String text;
    if (data.equals("-")) {
      text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    } else if (data.startsWith("@")) {
      try {
        text = Files.readString(Path.of(data.substring(1)));
      } catch (IOException e) {
        throw new ClientError("Failed to read file: " + e.getMessage());
      }
    } else {
      text = data;
    }
    List<Entry> entries = parse(text);
    for (int i = 0; i < entries.size(); i += OPS_PER_TXN) {
      ArrayNode ops = JSON.createArrayNode();
      for (Entry e : entries.subList(i, Math.min(entries.size(), i + OPS_PER_TXN))) {
        ObjectNode kv = ops.addObject().putObject("KV");
        kv.put("Verb", "set");
        kv.put("Key", e.key());
        kv.put("Flags", new java.math.BigInteger(Long.toUnsignedString(e.flags())));
        kv.put("Value", e.value());
      }
      client.put("/v1/txn", Map.of(), JSON.writeValueAsBytes(ops));
    }
    for (Entry e : entries) out().println("Imported: " + e.key());
    return 0;
  }

  /** The document as entries, or a one-line reason it cannot be imported (nothing is written then). */
  private static List<Entry> parse(String text) {
    JsonNode doc;
    try {
      doc = JSON.readTree(text);
    } catch (IOException e) {
      throw new ClientError("Cannot unmarshal data: not JSON");
    }
    if (doc == null || !doc.isArray()) throw new ClientError("Cannot unmarshal data: expected a list of {key, flags, value}");
    List<Entry> out = new ArrayList<>();
    for (JsonNode n : doc) {
      if (!n.isObject() || !n.path("key").isTextual() || n.path("key").asText().isEmpty()) {
        throw new ClientError("Cannot import entry " + out.size() + ": it has no key");
      }
      String value = n.path("value").asText("");
      try {
        Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw new ClientError("Cannot import " + n.path("key").asText() + ": its value is not base64");
      }
      if (n.has("flags") && (!n.path("flags").canConvertToExactIntegral() || n.path("flags").bigIntegerValue().signum() < 0
          || n.path("flags").bigIntegerValue().bitLength() > 64)) {
        throw new ClientError("Cannot import " + n.path("key").asText() + ": flags must be an unsigned 64-bit integer");
      }
      out.add(new Entry(KvKeys.normalize(n.path("key").asText()), n.path("flags").bigIntegerValue().longValue(), value));
    }
    return out;
  }
}
