package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.rpc.QueryResult;
import io.cairn.state.Command;
import io.cairn.state.Indexed;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import io.cairn.state.Topic;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
  /** A restore travels as one log entry of at most 7 MB (RaftNode); its gzip is smaller still. */
  private static final int MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;
  /** The bound on the inflated document; see {@link InflationLimit}. */
  private static final long MAX_INFLATED_BYTES = 16 * 1024 * 1024;
  private final ApiContext ctx;

  SnapshotApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/snapshot", this::save);
    r.route("PUT", "/v1/snapshot", this::restore);
  }

  private Reply save(ApiRequest req, String rest) throws Exception {
    QueryResult<StateStore.Image> r = ctx.endpoints().read(req.queryOptions(), List.of(Topic.Table.NODES),
        s -> new Indexed<>(s.lastIndex(), s.image()));
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
    JsonNode doc = readDocument(req.bodyStream(MAX_SNAPSHOT_BYTES, "Snapshot too large: the limit is " + MAX_SNAPSHOT_BYTES + " bytes"));
    if (doc == null || !FORMAT.equals(doc.path("Format").asText())) {
      throw ApiException.badRequest("Not a Cairn snapshot: expected format " + FORMAT);
    }
    if (!doc.path("State").isObject()) throw ApiException.badRequest("Invalid snapshot: State is missing or not an object");
    StateStore.Image image;
    try {
      // Fields this version does not know (a newer writer's) are skipped, not fatal.
      image = Wire.JSON.readerFor(StateStore.Image.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(doc.get("State"));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("Invalid snapshot: " + JsonProblem.describe(e, "State"));
    }
    // Once in the log, every server applies it: a record the state cannot hold must stop here.
    RestoreValidation.check(image);
    Outcome o = ctx.endpoints().write(new Command.Restore(image), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.ok();
  }

  /** Inflates and parses as the body arrives, never holding more than the limits allow. */
  private static JsonNode readDocument(InputStream body) {
    try (InputStream json = new InflationLimit(new GZIPInputStream(body, 8192), MAX_INFLATED_BYTES)) {
      // Jackson closes what it reads from; kept open here to be read to the end, so that gzip
      // checks its CRC: a corrupt file must not restore as a document that merely parses.
      JsonNode doc = Wire.JSON.readTree(new FilterInputStream(json) {
        @Override
        public void close() {}
      });
      json.transferTo(OutputStream.nullOutputStream());
      return doc;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("Not a Cairn snapshot: " + JsonProblem.describe(e));
    } catch (EOFException e) {
      throw ApiException.badRequest("Not a Cairn snapshot: the gzip data ends early");
    } catch (IOException e) {
      // ZipException and friends: not gzip at all, or a corrupt stream.
      throw ApiException.badRequest("Not a Cairn snapshot: not valid gzip data");
    }
  }

  /**
   * Counts inflated bytes and stops past a bound: a few kilobytes of gzip can inflate to
   * gigabytes. A restore travels as one Raft log entry of at most 7 MB, so a document that
   * inflates past {@link #MAX_INFLATED_BYTES} could never be restored anyway.
   */
  private static final class InflationLimit extends FilterInputStream {
    private final long limit;
    private long count;

    InflationLimit(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) counted(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) counted(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      counted(skipped);
      return skipped;
    }

    private void counted(long n) {
      count += n;
      if (count > limit) {
        throw new ApiException(413, "Snapshot too large: it inflates past " + limit + " bytes");
      }
    }
  }
}
