package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryResult;
import io.cairn.endpoints.WriteOptions;
import io.cairn.state.Command;
import io.cairn.state.Image;
import io.cairn.state.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /v1/snapshot: GET saves the whole state (KV and catalog) as one portable file, PUT restores
 * one through the Raft log, so every server takes it. The file is gzipped JSON:
 * {@code {"Format":"cairn-snapshot/1","Index":n,"State":{...}}}. A restore is read as it
 * arrives and sent in parts (see {@link RestoreUpload}), so its size is not bounded by a log
 * entry, and its memory is not the size of the upload.
 */
final class SnapshotApi {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotApi.class);
  static final String FORMAT = "cairn-snapshot/1";
  /** The upload is read as it arrives; this only refuses a declared length that no store has. */
  private static final int MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 8;
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
    QueryResult<Image> r = ctx.cluster().read(once, new Query.Backup());
    var doc = Wire.object();
    doc.put("Format", FORMAT);
    doc.put("Index", r.value().index());
    doc.set("State", Wire.JSON.valueToTree(r.value()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      Wire.JSON.writeValue(gz, doc);
    }
    return Reply.raw(bytes.toByteArray(), r.meta());
  }

  private Reply restore(ApiRequest req, String rest) throws Exception {
    String restoreId = UUID.randomUUID().toString();
    WriteOptions opts = req.writeOptions();
    int[] sent = {0};
    CountingStream gzip = new CountingStream(req.bodyStream(MAX_SNAPSHOT_BYTES, "Snapshot too large"), n -> {});
    java.util.function.Consumer<io.cairn.state.Command.RestoreChunk> send = part -> {
      // Every part's records are checked before it is sent; what they refer to, by the state
      // store once the last part has arrived.
      RestoreValidation.records(part.part());
      Outcome o = ctx.cluster().write(part, opts);
      sent[0]++;
      if (o.error() != null) throw ApiException.badRequest(o.error());
    };
    try (java.io.PushbackInputStream in = new java.io.PushbackInputStream(
        new CountingStream(new GZIPInputStream(gzip, 8192), n -> checkInflation(n, gzip.count)), ConsulSnapshot.HEADER_BYTES)) {
      byte[] head = in.readNBytes(ConsulSnapshot.HEADER_BYTES);
      in.unread(head);
      // Consul's own snapshots (consul snapshot save) are a tar where Cairn's are JSON.
      if (ConsulSnapshot.isTar(head)) {
        ConsulRecords.Report report = ConsulSnapshot.read(in, restoreId, ctx.cluster().datacenter(), send);
        LOG.info("restored a Consul snapshot: imported {}; not imported {}", report.imported(), report.notImported());
        return Reply.json(report.json());
      }
      RestoreUpload.read(in, FORMAT, restoreId, send);
    } catch (IllegalArgumentException e) {
      if (sent[0] > 0) abort(restoreId, opts);
      throw ApiException.badRequest(e.getMessage());
    } catch (RuntimeException | IOException e) {
      if (sent[0] > 0) abort(restoreId, opts);
      throw asApiError(e);
    }
    return Reply.ok();
  }

  /** Drops the parts already sent: the restore as a whole is refused, and nothing changes. */
  private void abort(String restoreId, WriteOptions opts) {
    try {
      ctx.cluster().write(new Command.RestoreAbort(restoreId), opts);
    } catch (RuntimeException e) {
      // The staged parts stay until the next restore replaces them; the state is unchanged.
      LOG.warn("could not drop the parts of refused restore {}: {}", restoreId, e.getMessage());
    }
  }

  private static RuntimeException asApiError(Exception e) {
    return switch (e) {
      case RuntimeException r -> r;
      case JsonProcessingException j -> ApiException.badRequest("Not a Cairn snapshot: " + JsonProblem.describe(j));
      case EOFException eof -> ApiException.badRequest("Not a Cairn snapshot: the gzip data ends early");
      // ZipException and friends: not gzip at all, or a corrupt stream (a wrong checksum too:
      // the document is read to its end before the last part goes out).
      default -> ApiException.badRequest("Not a Cairn snapshot: not valid gzip data");
    };
  }

  /**
   * An upload whose inflated size runs past {@link #MAX_INFLATION} times what has arrived
   * compressed (beyond a first {@link #FREE_INFLATED_BYTES}) is refused: a few kilobytes of gzip
   * can inflate to gigabytes of records that every server would stage. A real backup is JSON
   * with base64 values, which gzip shrinks 1.3 to 10 times (100 for values of one repeated
   * byte); a bomb shrinks 1,000 times.
   */
  static final long FREE_INFLATED_BYTES = 64L * 1024 * 1024;
  static final long MAX_INFLATION = 200;

  private static void checkInflation(long inflated, long compressed) {
    if (inflated > FREE_INFLATED_BYTES && inflated > MAX_INFLATION * compressed) {
      throw new ApiException(413, "Snapshot too large: it inflates more than " + MAX_INFLATION
          + " times, past " + FREE_INFLATED_BYTES + " bytes; not a backup Cairn wrote");
    }
  }

  /** Counts the bytes read through it, and tells {@code onRead} the total after each read. */
  private static final class CountingStream extends FilterInputStream {
    private final LongConsumer onRead;
    private long count;

    CountingStream(InputStream in, LongConsumer onRead) {
      super(in);
      this.onRead = onRead;
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
      onRead.accept(count);
    }
  }
}
