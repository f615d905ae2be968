package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.rpc.QueryOptions;
import io.cairn.rpc.QueryResult;
import io.cairn.state.Command;
import io.cairn.state.Indexed;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * /v1/snapshot: GET saves the whole state (KV and catalog) as one portable file, PUT restores
 * one through the Raft log, so every server takes it. The file is gzipped JSON:
 * {@code {"Format":"cairn-snapshot/1","Index":n,"State":{...}}}.
 */
final class SnapshotApi {
  static final String FORMAT = "cairn-snapshot/1";
  /** A restore travels as one log entry; keep it well under Ratis's append buffer. */
  private static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
  private final ApiContext ctx;

  SnapshotApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/snapshot", this::save);
    r.route("PUT", "/v1/snapshot", this::restore);
  }

  private Reply save(ApiRequest req, String rest) throws Exception {
    QueryOptions asked = req.queryOptions();
    // Not a blocking read (as in Consul): only the read mode and datacenter apply.
    QueryOptions once = new QueryOptions(asked.consistency(), 0, null, asked.token(), asked.datacenter());
    QueryResult<StateStore.Image> r = ctx.endpoints().read(once, (s, ws) -> new Indexed<>(s.lastIndex(), s.image().forBackup()));
    var doc = Wire.object();
    doc.put("Format", FORMAT);
    doc.put("Index", r.value().index());
    doc.set("State", Wire.JSON.valueToTree(r.value()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      Wire.JSON.writeValue(gz, doc);
    }
    return Reply.raw(bytes.toByteArray(), ctx.endpoints().meta(r.value().index()));
  }

  private Reply restore(ApiRequest req, String rest) throws Exception {
    byte[] body = req.body(MAX_SNAPSHOT_BYTES, "Snapshot too large: the limit is " + MAX_SNAPSHOT_BYTES + " bytes");
    JsonNode doc;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      doc = Wire.JSON.readTree(in);
    } catch (IOException e) {
      throw ApiException.badRequest("Not a Cairn snapshot: " + e.getMessage());
    }
    if (doc == null || !FORMAT.equals(doc.path("Format").asText())) {
      throw ApiException.badRequest("Not a Cairn snapshot: expected format " + FORMAT);
    }
    StateStore.Image image;
    try {
      // Fields this version does not know (a newer writer's) are skipped, not fatal.
      image = Wire.JSON.readerFor(StateStore.Image.class)
          .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(doc.get("State"));
    } catch (IOException e) {
      throw ApiException.badRequest("Corrupt snapshot: " + e.getMessage());
    }
    if (image == null || image.kv() == null || image.nodes() == null) throw ApiException.badRequest("Corrupt snapshot: missing state");
    Outcome o = ctx.endpoints().write(new Command.Restore(image), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.ok();
  }
}
