package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn kv delete}: removes a key, a whole prefix, or a key still at a given index. */
@Command(name = "delete", description = "Deletes a key, or with -recurse every key under a prefix.")
final class KvDeleteCommand extends ClientCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "KEY") String key;
  @Option(names = "-recurse", description = "Delete every key that starts with KEY.") boolean recurse;
  @Option(names = "-cas", description = "Check-and-set: delete only if the key's ModifyIndex is -modify-index.")
  boolean cas;
  @Option(names = "-modify-index", paramLabel = "N", description = "The ModifyIndex -cas expects.") Long modifyIndex;

  @Override
  int run(ApiClient client) {
    String k = KvKeys.normalize(key);
    if (k.isEmpty() && !recurse) throw ClientError.consulWords("Error! Missing KEY argument");
    if (cas && recurse) throw new ClientError("Cannot specify both -cas and -recurse!");
    if (cas && modifyIndex == null) throw ClientError.consulWords("Must specify -modify-index with -cas!");
    if (!cas && modifyIndex != null) throw ClientError.consulWords("Cannot specify -modify-index without -cas!");
    Map<String, String> query = new LinkedHashMap<>();
    if (recurse) query.put("recurse", "");
    if (cas) query.put("cas", Long.toUnsignedString(modifyIndex));
    JsonNode deleted = client.delete(KvKeys.path(k), query);
    if (cas && (deleted == null || !deleted.asBoolean())) {
      err().println("Error! Did not delete key " + k + ": CAS failed");
      return 1;
    }
    out().println(recurse ? "Success! Deleted keys with prefix: " + k : "Success! Deleted key: " + k);
    return 0;
  }
}
