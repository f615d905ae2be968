package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn kv export [PREFIX]}: every key under PREFIX in consul's export format, a JSON list
 * of {@code {"key", "flags", "value"}} with base64 values, indented as consul prints it.
 */
@Command(name = "export", description = "Prints the keys under a prefix as JSON, in consul kv export's format.")
final class KvExportCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX") String prefix = "";

  @Override
  int run(ApiClient client) {
    ArrayNode out = JSON.createArrayNode();
    client.find(KvKeys.path(KvKeys.normalize(prefix)), Map.of("recurse", "")).ifPresent(entries -> {
      for (JsonNode e : entries) {
        ObjectNode o = out.addObject();
        o.put("key", e.path("Key").asText());
        o.put("flags", e.path("Flags").asLong());
        o.put("value", e.path("Value").isNull() ? "" : e.path("Value").asText());
      }
    });
    out().println(out.toPrettyString());
    return 0;
  }
}
