package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn migrate -from http://consul:8500}: copies a running Consul's KV store and its
 * externally registered catalog entries (nodes without an agent, as registered through
 * {@code /v1/catalog/register}) into the Cairn cluster of the agent addressed, over both HTTP
 * APIs, for when no snapshot can be taken. Idempotent: what Cairn already holds as Consul has it
 * is left alone, so a second run writes nothing. Nodes that run an agent (a serfHealth check)
 * are left to their agents, which register their own services once they run Cairn.
 */
@Command(name = "migrate", description = "Copies KV and externally registered catalog entries from a running Consul.")
final class MigrateCommand extends ClientCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Consul's limit on operations per transaction. */
  private static final int TXN_OPS = 64;

  @Option(names = "-from", required = true, paramLabel = "URL", description = "The Consul agent to copy from, as [http://]host:port.")
  String from;

  @Option(names = "-from-token", paramLabel = "TOKEN", description = "ACL token for the Consul side.")
  String fromToken;

  @Option(names = "-from-datacenter", paramLabel = "DC", description = "Consul datacenter to copy (default: the agent's own).")
  String fromDatacenter;

  @Option(names = "-dry-run", description = "Say what would be copied; write nothing.")
  boolean dryRun;

  @Override
  int run(ApiClient to) throws Exception {
    ApiClient source;
    try {
      source = new ApiClient(ApiOptions.agentAddress(from, Map.of()), fromToken, fromDatacenter);
    } catch (ClientError e) {
      throw new ClientError("-from: " + e.getMessage().replace("-http-addr", "address"));
    }
    String verb = dryRun ? "to copy" : "copied";
    int[] kv = kv(source, to);
    out().printf("KV: %d keys %s, %d already the same%n", kv[0], verb, kv[1]);
    int[] cat = catalog(source, to);
    out().printf("Catalog: %d external nodes %s (%d services, %d checks), %d already the same; %d agent nodes left to their agents%n",
        cat[0], verb, cat[1], cat[2], cat[3], cat[4]);
    return 0;
  }

  /** [copied, unchanged]. */
  private int[] kv(ApiClient source, ApiClient to) {
    JsonNode theirs = source.find("/v1/kv/", Map.of("recurse", "")).orElse(JSON.createArrayNode());
    Map<String, JsonNode> ours = new HashMap<>();
    to.find("/v1/kv/", Map.of("recurse", "")).ifPresent(all -> all.forEach(e -> ours.put(e.path("Key").asText(), e)));
    List<ObjectNode> ops = new ArrayList<>();
    int same = 0;
    for (JsonNode e : theirs) {
      String key = e.path("Key").asText();
      String value = e.path("Value").isNull() ? "" : e.path("Value").asText("");
      long flags = e.path("Flags").asLong();
      JsonNode mine = ours.get(key);
      if (mine != null && (mine.path("Value").isNull() ? "" : mine.path("Value").asText("")).equals(value)
          && mine.path("Flags").asLong() == flags) {
        same++;
        continue;
      }
      ObjectNode op = JSON.createObjectNode();
      op.putObject("KV").put("Verb", "set").put("Key", key).put("Value", value).put("Flags", flags);
      ops.add(op);
    }
    if (!dryRun) {
      for (int i = 0; i < ops.size(); i += TXN_OPS) {
        ArrayNode batch = JSON.createArrayNode().addAll(ops.subList(i, Math.min(ops.size(), i + TXN_OPS)));
        to.put("/v1/txn", Map.of(), batch.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return new int[] {ops.size(), same};
  }

  /** [external nodes written, services, checks, external nodes unchanged, agent nodes]. */
  private int[] catalog(ApiClient source, ApiClient to) {
    int written = 0;
    int services = 0;
    int checks = 0;
    int same = 0;
    int agents = 0;
    for (JsonNode n : source.get("/v1/catalog/nodes", Map.of())) {
      String name = n.path("Node").asText();
      JsonNode nodeChecks = source.get("/v1/health/node/" + ApiClient.encodePath(name), Map.of());
      boolean agent = false;
      for (JsonNode c : nodeChecks) agent |= c.path("CheckID").asText().equals("serfHealth");
      if (agent) {
        agents++;
        continue;
      }
      JsonNode theirs = source.get("/v1/catalog/node/" + ApiClient.encodePath(name), Map.of());
      List<ObjectNode> registrations = registrations(theirs, nodeChecks);
      if (sameAsOurs(to, name, theirs, nodeChecks)) {
        same++;
        continue;
      }
      if (!dryRun) {
        for (ObjectNode r : registrations) to.put("/v1/catalog/register", Map.of(), r.toString().getBytes(StandardCharsets.UTF_8));
      }
      written++;
      services += theirs.path("Services").size();
      checks += nodeChecks.size();
    }
    return new int[] {written, services, checks, same, agents};
  }

  /** The node with its own checks, then each service with its checks: Consul's register bodies. */
  private static List<ObjectNode> registrations(JsonNode theirs, JsonNode checks) {
    JsonNode node = theirs.path("Node");
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode base = JSON.createObjectNode();
    base.put("ID", node.path("ID").asText(""));
    base.put("Node", node.path("Node").asText());
    base.put("Address", node.path("Address").asText());
    base.set("TaggedAddresses", node.path("TaggedAddresses").isObject() ? node.path("TaggedAddresses") : JSON.createObjectNode());
    base.set("NodeMeta", node.path("Meta").isObject() ? node.path("Meta") : JSON.createObjectNode());
    ObjectNode first = base.deepCopy();
    ArrayNode own = first.putArray("Checks");
    for (JsonNode c : checks) if (c.path("ServiceID").asText("").isEmpty()) own.add(check(c));
    out.add(first);
    for (JsonNode s : theirs.path("Services")) {
      ObjectNode r = base.deepCopy();
      r.put("SkipNodeUpdate", true);
      ObjectNode svc = r.putObject("Service");
      for (String f : List.of("ID", "Service", "Tags", "Address", "Meta", "Port", "Weights", "EnableTagOverride", "Kind",
          "TaggedAddresses", "Proxy", "Connect")) {
        if (s.has(f) && !s.path(f).isNull()) svc.set(f, s.path(f));
      }
      ArrayNode cs = r.putArray("Checks");
      for (JsonNode c : checks) if (c.path("ServiceID").asText("").equals(s.path("ID").asText())) cs.add(check(c));
      out.add(r);
    }
    return out;
  }

  private static ObjectNode check(JsonNode c) {
    ObjectNode o = JSON.createObjectNode();
    for (String f : List.of("Node", "CheckID", "Name", "Status", "Notes", "Output", "ServiceID", "Definition", "Type")) {
      if (c.has(f) && !c.path(f).isNull()) o.set(f, c.path(f));
    }
    return o;
  }

  /** Whether Cairn already holds the node as Consul has it: address, meta, each service and each check's state. */
  private static boolean sameAsOurs(ApiClient to, String name, JsonNode theirs, JsonNode theirChecks) {
    JsonNode ours = to.find("/v1/catalog/node/" + ApiClient.encodePath(name), Map.of()).orElse(null);
    if (ours == null || ours.isNull() || !ours.has("Node")) return false;
    JsonNode a = theirs.path("Node");
    JsonNode b = ours.path("Node");
    if (!a.path("Address").equals(b.path("Address")) || !a.path("Meta").equals(b.path("Meta"))) return false;
    if (theirs.path("Services").size() != ours.path("Services").size()) return false;
    for (var it = theirs.path("Services").fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode mine = ours.path("Services").path(e.getKey());
      for (String f : List.of("Service", "Port", "Address", "Tags", "Meta")) {
        if (!Objects.equals(e.getValue().path(f), mine.path(f))) return false;
      }
    }
    JsonNode ourChecks = to.get("/v1/health/node/" + ApiClient.encodePath(name), Map.of());
    if (ourChecks.size() != theirChecks.size()) return false;
    Map<String, JsonNode> byId = new HashMap<>();
    ourChecks.forEach(c -> byId.put(c.path("CheckID").asText(), c));
    for (JsonNode c : theirChecks) {
      JsonNode mine = byId.get(c.path("CheckID").asText());
      if (mine == null) return false;
      for (String f : List.of("Status", "Name", "Output", "ServiceID")) {
        if (!Objects.equals(c.path(f), mine.path(f))) return false;
      }
    }
    return true;
  }
}
