package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.local.Fields;
import io.cairn.state.Command;
import io.cairn.state.KvEntry;
import io.cairn.state.Outcome;
import io.cairn.state.TxnOp;
import io.cairn.state.TxnResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PUT /v1/txn: KV operations applied all together or not at all (409 with what failed). */
final class TxnApi {
  /** Consul's default limit on operations per transaction. */
  static final int MAX_OPS = 64;
  private final ApiContext ctx;

  TxnApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("PUT", "/v1/txn", this::txn);
  }

  private Reply txn(ApiRequest req, String rest) throws Exception {
    JsonNode body = Wire.JSON.readTree(req.bodyText(8 * 1024 * 1024));
    if (body == null || !body.isArray()) throw ApiException.badRequest("Failed to parse body: expected a list of operations");
    if (body.size() > MAX_OPS) {
      throw new ApiException(413, "Transaction contains too many operations (" + body.size() + " > " + MAX_OPS + ")");
    }
    List<TxnOp> ops = new ArrayList<>();
    for (JsonNode op : body) {
      Fields f = new Fields(op, "operation");
      Fields kv = f.object("KV").orElseThrow(() -> ApiException.badRequest(
          "Only KV operations are supported in transactions (Node, Service and Check operations are not)"));
      ops.add(new TxnOp(kv.text("Verb"), kv.text("Key"), value(kv.text("Value")), kv.integer(0, "Flags"),
          index(kv), kv.text("Session")));
    }
    Outcome o = ctx.endpoints().write(new Command.Txn(ops), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    TxnResult r = o.txn();
    ObjectNode out = Wire.object();
    if (r.committed()) {
      var results = out.putArray("Results");
      for (KvEntry e : r.results()) results.addObject().set("KV", Wire.kvEntry(e));
      out.putNull("Errors");
      return Reply.json(out);
    }
    out.putNull("Results");
    out.putArray("Errors").addObject().put("OpIndex", r.failedOp()).put("What", r.what());
    Reply reply = Reply.json(out);
    return new Reply(409, reply.contentType(), null, reply.json(), null, reply.headers());
  }

  private static long index(Fields kv) {
    return kv.get("Index").map(JsonNode::asLong).orElse(0L);
  }

  private static byte[] value(String base64) {
    if (base64 == null || base64.isEmpty()) return new byte[0];
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Failed to parse body: Value is not valid base64");
    }
  }
}
