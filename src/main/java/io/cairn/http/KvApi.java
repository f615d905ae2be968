package io.cairn.http;

import io.cairn.endpoints.QueryOptions;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryResult;
import io.cairn.state.Command;
import io.cairn.state.KvEntry;
import io.cairn.state.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** /v1/kv/: get (one, recurse, keys, raw), put (flags, cas), delete (recurse, cas). */
final class KvApi {
  static final int MAX_VALUE_BYTES = 512 * 1024;
  static final int MAX_KEY_BYTES = 1024;

  private final ApiContext ctx;

  KvApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("GET", "/v1/kv/", this::get);
    r.route("PUT", "/v1/kv/", this::put);
    r.route("DELETE", "/v1/kv/", this::delete);
  }

  private Reply get(ApiRequest req, String key) throws Exception {
    QueryOptions opts = req.queryOptions();
    if (req.flag("keys")) {
      String sep = req.param("separator");
      QueryResult<List<String>> r = ctx.cluster().read(opts, new Query.KvKeys(key, sep));
      if (r.value().isEmpty()) return Reply.notFound(r.meta());
      return Reply.json(Wire.strings(r.value()), r.meta());
    }
    if (req.flag("recurse")) {
      QueryResult<List<KvEntry>> r = ctx.cluster().read(opts, new Query.KvList(key));
      if (r.value().isEmpty()) return Reply.notFound(r.meta());
      var arr = Wire.array();
      r.value().forEach(e -> arr.add(Wire.kvEntry(e)));
      return Reply.json(arr, r.meta());
    }
    if (key.isEmpty()) throw ApiException.badRequest("Missing key name");
    QueryResult<Optional<KvEntry>> r = ctx.cluster().read(opts, new Query.KvGet(key));
    if (r.value().isEmpty()) return Reply.notFound(r.meta());
    if (req.flag("raw")) return Reply.raw(r.value().get().value(), r.meta()).withHeader("X-Content-Type-Options", "nosniff");
    return Reply.json(Wire.array().add(Wire.kvEntry(r.value().get())), r.meta());
  }

  private Reply put(ApiRequest req, String key) throws Exception {
    requireKey(key);
    String acquire = req.param("acquire");
    String release = req.param("release");
    if (acquire != null && release != null) throw ApiException.badRequest("Conflicting flags: acquire and release");
    if (acquire != null && acquire.isEmpty() || release != null && release.isEmpty()) {
      throw ApiException.badRequest("Missing session ID for acquire or release");
    }
    long flags = req.uint64Param("flags", 0);
    Long cas = req.param("cas") == null ? null : req.longParam("cas", 0);
    byte[] value = req.body(MAX_VALUE_BYTES, "Value exceeds " + MAX_VALUE_BYTES + " byte limit");
    Outcome o = ctx.cluster().write(new Command.KvSet(key, value, flags, cas, acquire, release), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.bool(o.applied());
  }

  private Reply delete(ApiRequest req, String key) throws Exception {
    boolean recurse = req.flag("recurse");
    if (!recurse) requireKey(key);
    Long cas = req.param("cas") == null ? null : req.longParam("cas", 0);
    if (recurse && cas != null) throw ApiException.badRequest("Conflicting flags: cas cannot be used with recurse");
    Outcome o = ctx.cluster().write(new Command.KvDelete(key, recurse, cas), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    return Reply.bool(o.applied());
  }

  private static void requireKey(String key) {
    if (key.isEmpty()) throw ApiException.badRequest("Missing key name");
    // Jetty already refuses %00 in a path; a key with a NUL would not survive a snapshot restore.
    if (key.indexOf('\0') >= 0) throw ApiException.badRequest("Invalid key: it contains a NUL character");
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new ApiException(413, "Key too large: the limit is " + MAX_KEY_BYTES + " bytes");
    }
  }
}
