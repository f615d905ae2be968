package io.cairn.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.ImageParts;
import io.cairn.state.KvEntry;
import io.cairn.state.Node;
import io.cairn.state.ServiceInstance;
import io.cairn.state.Session;
import io.cairn.state.UserEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a backup ({@code cairn-snapshot/1} JSON, already inflated) as it arrives and hands it
 * on in parts of about {@link #PART_BYTES}, each a {@link Command.RestoreChunk}: neither the
 * request nor any Raft entry ever holds a whole large store, so a restore's memory is bounded
 * by the part size here, and by the store's own size on the servers.
 */
final class RestoreUpload {
  /** Well under the 7 MB a log entry may hold, and large enough that a 1 GB store is ~500 entries. */
  static final int PART_BYTES = 2 * 1024 * 1024;
  // Fields a newer writer adds to a record are skipped, as for the whole document before.
  private static final ObjectReader RECORDS = Wire.JSON.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String restoreId;
  private final Consumer<Command.RestoreChunk> out;
  private int seq;
  private long partStart;
  private final ImageParts parts = new ImageParts();
  /** The lists every backup has: a document without one of them is not a whole backup. */
  private final java.util.Set<String> required = new java.util.HashSet<>(List.of("kv", "nodes", "services", "checks"));

  private RestoreUpload(String restoreId, Consumer<Command.RestoreChunk> out) {
    this.restoreId = restoreId;
    this.out = out;
  }

  /**
   * Reads the document and sends its parts in order, the last one marked; returns how many.
   * Bad input is an {@link ApiException} (400) or a Jackson exception, raised possibly after
   * some parts were sent: the caller then aborts the restore.
   */
  static int read(InputStream json, String format, String restoreId, Consumer<Command.RestoreChunk> out) throws IOException {
    RestoreUpload upload = new RestoreUpload(restoreId, out);
    try (JsonParser p = RECORDS.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw ApiException.badRequest("Not a Cairn snapshot: expected a JSON object");
      boolean formatSeen = false;
      boolean stateSeen = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "Format" -> {
            if (!format.equals(p.getValueAsString())) throw ApiException.badRequest("Not a Cairn snapshot: expected format " + format);
            formatSeen = true;
          }
          case "State" -> {
            // The format says how to read the state: it must come first (as Cairn writes it).
            if (!formatSeen) throw ApiException.badRequest("Not a Cairn snapshot: expected format " + format + " before State");
            if (p.currentToken() != JsonToken.START_OBJECT) throw ApiException.badRequest("Invalid snapshot: State is not an object");
            upload.readState(p);
            stateSeen = true;
          }
          default -> p.skipChildren();
        }
      }
      if (!formatSeen) throw ApiException.badRequest("Not a Cairn snapshot: expected format " + format);
      if (!stateSeen) throw ApiException.badRequest("Invalid snapshot: State is missing");
      if (p.nextToken() != null) throw ApiException.badRequest("Invalid snapshot: data after the document");
    }
    upload.send(true);
    return upload.seq;
  }

  private void readState(JsonParser p) throws IOException {
    partStart = p.currentLocation().getByteOffset();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NULL) continue;
      required.remove(field);
      switch (field) {
        case "kv" -> eachElement(p, field, at -> parts.add(record(p, KvEntry.class, at)));
        case "nodes" -> eachElement(p, field, at -> parts.add(record(p, Node.class, at)));
        case "services" -> eachElement(p, field, at -> parts.add(record(p, ServiceInstance.class, at)));
        case "checks" -> eachElement(p, field, at -> parts.add(record(p, HealthCheck.class, at)));
        case "events" -> eachElement(p, field, at -> parts.add(record(p, UserEvent.class, at)));
        case "kvTombstones" -> eachEntry(p, field, key -> parts.tombstone(key, p.getValueAsLong()));
        case "sessions" -> eachEntry(p, field, key -> parts.session(key, record(p, Session.class, field + "." + key)));
        case "leftNodes" -> eachEntry(p, field, key -> parts.leftNode(key, p.getValueAsString()));
        case "queries" -> eachEntry(p, field, key -> parts.query(key, record(p, io.cairn.state.PreparedQuery.class, field + "." + key)));
        case "autopilot" -> parts.autopilot(record(p, io.cairn.state.AutopilotConfig.class, field));
        case "kvReapedFloor" -> parts.reapedFloor(p.getValueAsLong());
        // Request ids, indexes and a restore under way belong to the cluster that wrote the
        // backup, not to its data: a restore resets them here.
        default -> p.skipChildren();
      }
    }
    if (!required.isEmpty()) throw ApiException.badRequest("Invalid snapshot: " + String.join(", ", new java.util.TreeSet<>(required)) + " missing");
  }

  /** One record; a value that does not fit its field is named by where it is in the State. */
  private static <T> T record(JsonParser p, Class<T> type, String at) throws IOException {
    try {
      return p.readValueAs(type);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw ApiException.badRequest("Invalid snapshot: " + JsonProblem.describe(e, "State." + at));
    }
  }

  private interface Step {
    void run(String at) throws IOException;
  }

  private interface EntryStep {
    void run(String key) throws IOException;
  }

  private void eachElement(JsonParser p, String field, Step read) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) throw ApiException.badRequest("Invalid snapshot: " + field + " is not a list");
    for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
      if (p.currentToken() != JsonToken.START_OBJECT) throw ApiException.badRequest("Invalid snapshot: an entry of " + field + " is not an object");
      read.run(field + "[" + i + "]");
      sendIfFull(p);
    }
  }

  private void eachEntry(JsonParser p, String field, EntryStep read) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) throw ApiException.badRequest("Invalid snapshot: " + field + " is not an object");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      read.run(key);
      sendIfFull(p);
    }
  }

  private void sendIfFull(JsonParser p) {
    long at = p.currentLocation().getByteOffset();
    if (at - partStart < PART_BYTES) return;
    send(false);
    partStart = at;
  }

  private void send(boolean last) {
    out.accept(new Command.RestoreChunk(restoreId, seq++, parts.image(), last));
    parts.clear();
  }
}
