package io.cairn.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.state.Command;
import io.cairn.state.KvEntry;
import io.cairn.state.Outcome;
import io.cairn.state.TxnOp;
import io.cairn.state.TxnResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * PUT /v1/txn: KV, node, service and check operations applied all together or not at all (409
 * with what failed). The
 * body is checked whole before anything reaches the log, as Consul's agent does: a body that
 * does not decode is a 400, a request or value over its limit a 413, and operations Consul's
 * pre-check refuses (no key, an unknown verb) a 409 listing each of them.
 */
final class TxnApi {
  /** Consul's limit on operations per transaction (maxTxnOps, 128 since Consul 1.4). */
  static final int MAX_OPS = 128;
  /** Cairn's own bound on a transaction's body; Consul's txn_max_req_len defaults lower. */
  private static final int MAX_BODY = 8 * 1024 * 1024;
  private static final Set<String> VERBS = Set.of("set", "cas", "lock", "unlock", "get", "get-tree", "check-index",
      "check-session", "check-not-exists", "delete", "delete-tree", "delete-cas");
  /** The verbs of Node, Service and Check operations. */
  private static final Set<String> CATALOG_VERBS = Set.of("set", "cas", "get", "delete", "delete-cas");
  private final ApiContext ctx;

  TxnApi(ApiContext ctx) {
    this.ctx = ctx;
  }

  void register(Router r) {
    r.route("PUT", "/v1/txn", this::txn);
  }

  private Reply txn(ApiRequest req, String rest) throws Exception {
    JsonNode body;
    try {
      body = Wire.JSON.readTree(req.body(MAX_BODY, "Request body too large, max size: " + MAX_BODY + " bytes"));
    } catch (JsonProcessingException e) {
      throw badBody(JsonProblem.describe(e));
    }
    if (body == null || !body.isArray()) throw badBody("expected a list of operations");
    if (body.size() > MAX_OPS) {
      throw new ApiException(413, "Transaction contains too many operations (" + body.size() + " > " + MAX_OPS + ")");
    }
    List<TxnOp> ops = new ArrayList<>();
    ArrayNode refused = Wire.array();
    for (JsonNode op : body) {
      TxnOp decoded = decode(op, ctx.cluster().datacenter());
      String why = precheck(decoded);
      if (why != null) refused.addObject().put("OpIndex", ops.size()).put("What", why);
      ops.add(decoded);
    }
    if (!refused.isEmpty()) return conflict(refused);
    Outcome o = ctx.cluster().write(new Command.Txn(ops), req.writeOptions());
    if (o.error() != null) throw ApiException.badRequest(o.error());
    TxnResult r = o.txn();
    if (!r.committed()) return conflict(Wire.array().add(Wire.object().put("OpIndex", r.failedOp()).put("What", r.what())));
    ObjectNode out = Wire.object();
    var results = out.putArray("Results");
    java.util.Map<Integer, TxnResult.CatalogItem> catalog = new java.util.HashMap<>();
    if (r.catalog() != null) r.catalog().forEach(c -> catalog.put(c.at(), c));
    int kv = 0;
    for (int at = 0; at < r.results().size() + catalog.size(); at++) {
      TxnResult.CatalogItem c = catalog.get(at);
      if (c == null) results.addObject().set("KV", Wire.kvEntry(r.results().get(kv++)));
      else if (c.node() != null) results.addObject().set("Node", Wire.node(c.node()));
      else if (c.service() != null) results.addObject().set("Service", Wire.nodeService(c.service()));
      else results.addObject().set("Check", Wire.check(c.check()));
    }
    out.putNull("Errors");
    return Reply.json(out);
  }

  /** One operation as sent; what cannot be decoded at all is a 400, as Go's decoder would answer. */
  private static TxnOp decode(JsonNode op, String localDc) {
    if (!op.isObject()) throw badBody("each operation must be an object");
    Fields f = new Fields(op, "operation");
    if (f.object("Node").isPresent()) return node(f.object("Node").get(), localDc);
    if (f.object("Service").isPresent()) return service(f.object("Service").get());
    if (f.object("Check").isPresent()) return check(f.object("Check").get());
    Fields kv = f.object("KV").orElseThrow(() -> badBody("each operation must hold one of KV, Node, Service or Check"));
    if (!kv.get("Key").map(JsonNode::isTextual).orElse(true)) throw badBody("KV.Key must be a string");
    if (!kv.get("Verb").map(JsonNode::isTextual).orElse(true)) throw badBody("KV.Verb must be a string");
    String key = kv.text("Key") == null ? "" : kv.text("Key");
    if (key.indexOf('\0') >= 0) throw badBody("KV.Key must not contain a NUL character");
    if (key.getBytes(StandardCharsets.UTF_8).length > KvApi.MAX_KEY_BYTES) {
      throw new ApiException(413, "Key too large: the limit is " + KvApi.MAX_KEY_BYTES + " bytes");
    }
    byte[] value = value(kv.get("Value").orElse(null));
    if (value.length > KvApi.MAX_VALUE_BYTES) {
      throw new ApiException(413, "Value for key \"" + key + "\" is too large (" + value.length + " > " + KvApi.MAX_VALUE_BYTES + " bytes)");
    }
    return new TxnOp(kv.text("Verb"), key, value, unsigned(kv, "Flags"), unsigned(kv, "Index"), kv.text("Session"));
  }

  private static TxnOp node(Fields op, String localDc) {
    Fields n = op.object("Node").orElseThrow(() -> badBody("Node.Node must be an object"));
    String dc = n.text("Datacenter");
    io.cairn.state.Node node = new io.cairn.state.Node(n.text("ID"), n.text("Node"), n.text("Address"),
        dc == null || dc.isEmpty() ? localDc : dc, n.stringMap("TaggedAddresses"), n.stringMap("Meta"), 0, 0);
    return TxnOp.node(op.text("Verb"), node, unsigned(n, "ModifyIndex", "Node.Node."));
  }

  private static TxnOp service(Fields op) {
    Fields s = op.object("Service").orElseThrow(() -> badBody("Service.Service must be an object"));
    String node = op.text("Node");
    io.cairn.state.ServiceInstance svc;
    try {
      svc = CatalogApi.service(s);
    } catch (ApiException e) {
      // A service without a name: refused per operation, as Consul's state store refuses it.
      svc = new io.cairn.state.ServiceInstance("", s.text("ID"), "", List.of(), "", 0, null, false, 1, 1, 0, 0);
    }
    return TxnOp.service(op.text("Verb"), svc.onNode(node == null ? "" : node), unsigned(s, "ModifyIndex", "Service.Service."));
  }

  private static TxnOp check(Fields op) {
    Fields c = op.object("Check").orElseThrow(() -> badBody("Check.Check must be an object"));
    String node = c.text("Node");
    io.cairn.state.HealthCheck check = CatalogApi.check(node == null ? "" : node, c);
    return TxnOp.check(op.text("Verb"), check, unsigned(c, "ModifyIndex", "Check.Check."));
  }

  /** Consul's pre-check (kvsPreApply): refusals it reports per operation, with a 409. */
  private static String precheck(TxnOp op) {
    if (op.kind() != null) {
      String what = op.kind().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + op.kind().substring(1);
      return op.verb() == null || !CATALOG_VERBS.contains(op.verb()) ? "unknown " + what + " verb \"" + (op.verb() == null ? "" : op.verb()) + "\"" : null;
    }
    if (op.verb() == null || !VERBS.contains(op.verb())) return "unknown KV verb \"" + (op.verb() == null ? "" : op.verb()) + "\"";
    if (op.key().isEmpty() && !op.verb().equals("delete-tree")) return "Must provide key";
    return null;
  }

  /** Go decodes Index and Flags into a uint64: a string, a fraction or a negative number does not decode. */
  private static long unsigned(Fields kv, String field) {
    return unsigned(kv, field, "KV.");
  }

  private static long unsigned(Fields f, String field, String prefix) {
    JsonNode n = f.get(field).orElse(null);
    if (n == null) return 0;
    if (!n.isIntegralNumber() || n.bigIntegerValue().signum() < 0 || n.bigIntegerValue().bitLength() > 64) {
      throw badBody(prefix + field + " must be an unsigned integer");
    }
    return n.bigIntegerValue().longValue();  // a uint64 above 2^63 in a long's bits
  }

  private static byte[] value(JsonNode v) {
    if (v == null) return new byte[0];
    if (!v.isTextual()) throw badBody("KV.Value must be a base64 string");
    try {
      return Base64.getDecoder().decode(v.textValue());
    } catch (IllegalArgumentException e) {
      throw badBody("KV.Value is not valid base64");
    }
  }

  private static Reply conflict(ArrayNode errors) {
    ObjectNode out = Wire.object();
    out.putNull("Results");
    out.set("Errors", errors);
    Reply reply = Reply.json(out);
    return new Reply(409, reply.contentType(), null, reply.json(), null, reply.headers());
  }

  private static ApiException badBody(String why) {
    return ApiException.badRequest("Failed to parse body: " + why);
  }
}
