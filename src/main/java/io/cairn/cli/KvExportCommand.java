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

  /** As Go's json.MarshalIndent(v, "", "\t") lays it out: tabs, no space before a colon, and [] when empty. */
  static String goIndent(ArrayNode doc) {
    if (doc.isEmpty()) return "[]";
    var tabs = new com.fasterxml.jackson.core.util.DefaultIndenter("\t", "\n");
    var printer = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
        .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
    printer.indentArraysWith(tabs);
    printer.indentObjectsWith(tabs);
    try {
      return JSON.writer(printer).writeValueAsString(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  int run(ApiClient client) {
    ArrayNode out = JSON.createArrayNode();
    client.find(KvKeys.path(KvKeys.normalize(prefix)), Map.of("recurse", "")).ifPresent(entries -> {
      for (JsonNode e : entries) {
        ObjectNode o = out.addObject();
        o.put("key", e.path("Key").asText());
        o.set("flags", e.path("Flags").isNumber() ? e.path("Flags") : JSON.getNodeFactory().numberNode(0));  // a uint64, as given
        o.put("value", e.path("Value").isNull() ? "" : e.path("Value").asText());
      }
    });
    out().println(goIndent(out));
    return 0;
  }
}
