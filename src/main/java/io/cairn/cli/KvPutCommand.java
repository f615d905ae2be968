package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn kv put}: writes a value, optionally only if the key is still at a given index. */
@Command(name = "put", description = "Writes a value. VALUE may be \"-\" to read stdin or \"@FILE\" to read a file.")
final class KvPutCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY") String key;
  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE") String value;
  @Option(names = "-cas", description = "Check-and-set: write only if the key's ModifyIndex is -modify-index (0: only if absent).")
  boolean cas;
  @Option(names = "-modify-index", paramLabel = "N", description = "The ModifyIndex -cas expects.") Long modifyIndex;
  @Option(names = "-flags", paramLabel = "N", description = "Opaque unsigned 64-bit integer stored with the value.") String flagsText;
  private Long flags;
  @Option(names = "-base64", description = "VALUE is base64-encoded; decode it before writing.") boolean base64;
  @Option(names = "-acquire", description = "Lock the key with -session (created if absent); exit 1 if another session holds it.")
  boolean acquire;
  @Option(names = "-release", description = "Give up -session's lock on the key.") boolean release;
  // Consul accepts -session on a plain put and writes without it (its client sends a session only to
  // acquire or release); scripts written for it pass it so, and must not fail here.
  @Option(names = "-session", paramLabel = "ID", description = "The session of -acquire or -release (ignored without them, as in Consul).")
  String session;

  @Override
  int run(ApiClient client) throws IOException {
    String k = KvKeys.normalize(key);
    if (k.isEmpty()) throw ClientError.consulWords("Error! Missing KEY argument");
    if (cas && modifyIndex == null) throw ClientError.consulWords("Must specify -modify-index with -cas!");
    if (!cas && modifyIndex != null) throw ClientError.consulWords("Cannot specify -modify-index without -cas!");
    if (acquire && release) throw new ClientError("Cannot specify both -acquire and -release!");
    if ((acquire || release) && (session == null || session.isEmpty())) {
      throw ClientError.consulWords("Error! Missing -session (required with -acquire and -release)");
    }
    if (cas && (acquire || release)) throw new ClientError("Cannot specify -cas with -acquire or -release!");
    if (flagsText != null) {
      try {
        flags = Long.parseUnsignedLong(flagsText);
      } catch (NumberFormatException e) {
        throw new ClientError("invalid value \"" + flagsText + "\" for flag -flags: parse error");
      }
    }
    byte[] data = data();
    Map<String, String> query = new LinkedHashMap<>();
    if (acquire || release) {
      query.put(acquire ? "acquire" : "release", session);
      if (flags != null) query.put("flags", Long.toUnsignedString(flags));
      JsonNode done = client.put(KvKeys.path(k), query, data);
      if (done == null || !done.asBoolean()) {
        err().println(acquire ? "Error! Did not acquire lock" : "Error! Did not release lock");
        return 1;
      }
      out().println((acquire ? "Success! Lock acquired on: " : "Success! Lock released on: ") + k);
      return 0;
    }
    if (flags != null) query.put("flags", Long.toUnsignedString(flags));
    if (cas) query.put("cas", Long.toUnsignedString(modifyIndex));
    JsonNode written = client.put(KvKeys.path(k), query, data);
    if (cas && (written == null || !written.asBoolean())) {
      // Consul's wording, kept because scripts match on it.
      err().println("Error! Did not write to " + k + ": CAS failed");
      return 1;
    }
    out().println("Success! Data written to: " + k);
    return 0;
  }

  private byte[] data() throws IOException {
    byte[] raw;
    if (value == null) raw = new byte[0];
    else if (value.equals("-")) raw = System.in.readAllBytes();
    else if (value.startsWith("@")) raw = readFile(Path.of(value.substring(1)));
    else raw = value.getBytes(StandardCharsets.UTF_8);
    if (!base64) return raw;
    try {
      return Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new ClientError("Cannot base 64 decode data: " + e.getMessage());
    }
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ClientError("cannot read " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
  }
}
