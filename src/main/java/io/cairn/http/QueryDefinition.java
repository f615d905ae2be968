package io.cairn.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cairn.endpoints.QueryExecution;
import io.cairn.state.PreparedQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A prepared query's definition in Consul's shape ({@code Name, Session, Token, Template,
 * Service{Service, Failover{NearestN, Datacenters}, OnlyPassing, IgnoreCheckIDs, Near, Tags,
 * NodeMeta, ServiceMeta}, DNS{TTL}}): checked and normalised when written, stored as that JSON,
 * and for a template rendered for the name it is run as ({@code ${name.full}},
 * {@code ${name.prefix}}, {@code ${name.suffix}}, {@code ${match(N)}}, {@code ${agent.segment}}).
 */
public final class QueryDefinition {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern MATCH = Pattern.compile("match\\((\\d+)\\)");

  private QueryDefinition() {}



  /**
   * Checks a body and returns the definition to store (defaults filled, unknown fields refused),
   * or throws IllegalArgumentException with Consul's words for what is wrong.
   */
  public static ObjectNode normalise(JsonNode body) {
    if (body == null || !body.isObject()) throw new IllegalArgumentException("Request decode failed: a JSON object is required");
    ObjectNode in = (ObjectNode) body;
    known(in, "", "ID", "Name", "Session", "Token", "Template", "Service", "DNS", "CreateIndex", "ModifyIndex");
    ObjectNode out = JSON.createObjectNode();
    out.put("Name", text(in, "Name"));
    out.put("Session", text(in, "Session"));
    out.put("Token", text(in, "Token"));
    ObjectNode template = out.putObject("Template");
    JsonNode t = in.path("Template");
    if (t.isObject()) known((ObjectNode) t, "Template.", "Type", "Regexp", "RemoveEmptyTags");
    String type = t.path("Type").asText("");
    if (!type.isEmpty() && !type.equals("name_prefix_match")) {
      throw new IllegalArgumentException("Bad Template.Type '" + type + "'");
    }
    String regexp = t.path("Regexp").asText("");
    if (!regexp.isEmpty()) {
      if (type.isEmpty()) throw new IllegalArgumentException("Template.Regexp needs Template.Type \"name_prefix_match\"");
      try {
        Pattern.compile(regexp);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("Bad Regexp: " + e.getDescription());
      }
    }
    template.put("Type", type);
    template.put("Regexp", regexp);
    template.put("RemoveEmptyTags", t.path("RemoveEmptyTags").asBoolean(false));
    JsonNode s = in.path("Service");
    if (!s.isObject()) throw new IllegalArgumentException("Must provide a Service name to query");
    known((ObjectNode) s, "Service.", "Service", "Failover", "OnlyPassing", "IgnoreCheckIDs", "Near", "Tags", "NodeMeta",
        "ServiceMeta", "Connect", "Peer", "SamenessGroup", "Namespace", "Partition");
    ObjectNode service = out.putObject("Service");
    String name = text(s, "Service");
    if (name.isEmpty()) throw new IllegalArgumentException("Must provide a Service name to query");
    service.put("Service", name);
    ObjectNode failover = service.putObject("Failover");
    JsonNode f = s.path("Failover");
    if (f.isObject()) known((ObjectNode) f, "Service.Failover.", "NearestN", "Datacenters", "Targets");
    int nearest = f.path("NearestN").asInt(0);
    if (nearest < 0) throw new IllegalArgumentException("Bad NearestN '" + nearest + "', must be >= 0");
    failover.put("NearestN", nearest);
    failover.set("Datacenters", strings(f.path("Datacenters"), "Service.Failover.Datacenters"));
    service.put("OnlyPassing", s.path("OnlyPassing").asBoolean(false));
    service.set("IgnoreCheckIDs", strings(s.path("IgnoreCheckIDs"), "Service.IgnoreCheckIDs"));
    service.put("Near", text(s, "Near"));
    service.set("Tags", strings(s.path("Tags"), "Service.Tags"));
    service.set("NodeMeta", stringMap(s.path("NodeMeta"), "Service.NodeMeta"));
    service.set("ServiceMeta", stringMap(s.path("ServiceMeta"), "Service.ServiceMeta"));
    if (s.path("Connect").asBoolean(false)) throw new IllegalArgumentException("Service.Connect: Cairn has no service mesh CA");
    if (!s.path("Peer").asText("").isEmpty()) throw new IllegalArgumentException("Service.Peer: Cairn has no cluster peering");
    ObjectNode dns = out.putObject("DNS");
    JsonNode d = in.path("DNS");
    if (d.isObject()) known((ObjectNode) d, "DNS.", "TTL");
    String ttl = d.path("TTL").asText("");
    if (!ttl.isEmpty()) {
      try {
        if (io.cairn.checks.GoDuration.parse(ttl).isNegative()) throw new IllegalArgumentException();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Bad DNS TTL '" + ttl + "'");
      }
    }
    dns.put("TTL", ttl);
    return out;
  }

  /** The stored query from a checked definition. */
  public static PreparedQuery toStored(String id, ObjectNode def) {
    boolean template = !def.path("Template").path("Type").asText("").isEmpty();
    return new PreparedQuery(id, def.path("Name").asText(""), def.path("Session").asText(""), template, def.toString(), 0, 0);
  }

  /** Consul's answer object for a stored query: ID, the definition, and its indexes. */
  public static ObjectNode render(PreparedQuery q) {
    ObjectNode out = JSON.createObjectNode();
    out.put("ID", q.id());
    out.setAll(read(q));
    out.put("CreateIndex", q.createIndex());
    out.put("ModifyIndex", q.modifyIndex());
    return out;
  }

  static ObjectNode read(PreparedQuery q) {
    try {
      return (ObjectNode) JSON.readTree(q.definition());
    } catch (Exception e) {
      throw new IllegalStateException("stored query " + q.id() + " is not JSON", e);
    }
  }

  /**
   * The query to run for {@code asked} (an ID or a name): by ID, then a query of that exact
   * name, then the template whose name is the longest prefix of it (the catch-all "" last).
   */
  public static java.util.Optional<PreparedQuery> lookup(List<PreparedQuery> all, String asked) {
    for (PreparedQuery q : all) if (q.id().equals(asked)) return java.util.Optional.of(q);
    for (PreparedQuery q : all) if (!q.template() && q.name().equals(asked) && !asked.isEmpty()) return java.util.Optional.of(q);
    PreparedQuery best = null;
    for (PreparedQuery q : all) {
      if (q.template() && asked.startsWith(q.name()) && (best == null || q.name().length() > best.name().length())) best = q;
    }
    return java.util.Optional.ofNullable(best);
  }

  /** The definition as run for {@code asked}: a template's variables filled in; a plain query as stored. */
  public static ObjectNode rendered(PreparedQuery q, String asked) {
    ObjectNode def = read(q);
    if (!q.template()) return def;
    String regexp = def.path("Template").path("Regexp").asText("");
    Matcher m = regexp.isEmpty() ? null : Pattern.compile(regexp).matcher(asked);
    boolean matched = m != null && m.find();
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("name.full", asked);
    vars.put("name.prefix", q.name());
    vars.put("name.suffix", asked.substring(Math.min(q.name().length(), asked.length())));
    vars.put("agent.segment", "");
    ObjectNode service = (ObjectNode) def.get("Service");
    fill(service, vars, matched ? m : null);
    if (def.path("Template").path("RemoveEmptyTags").asBoolean(false)) {
      ArrayNode tags = (ArrayNode) service.get("Tags");
      for (Iterator<JsonNode> it = tags.iterator(); it.hasNext(); ) if (it.next().asText().isEmpty()) it.remove();
    }
    return def;
  }

  private static void fill(JsonNode node, Map<String, String> vars, Matcher m) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        JsonNode v = o.get(n);
        if (v.isTextual()) o.set(n, TextNode.valueOf(interpolate(v.asText(), vars, m)));
        else fill(v, vars, m);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isTextual()) a.set(i, TextNode.valueOf(interpolate(v.asText(), vars, m)));
        else fill(v, vars, m);
      }
    }
  }

  private static String interpolate(String s, Map<String, String> vars, Matcher m) {
    Matcher v = VARIABLE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (v.find()) {
      String name = v.group(1).strip();
      String value = vars.get(name);
      if (value == null) {
        Matcher mm = MATCH.matcher(name);
        if (mm.matches()) {
          int g = Integer.parseInt(mm.group(1));
          value = m != null && g <= m.groupCount() && m.group(g) != null ? m.group(g) : "";
        } else {
          value = "";
        }
      }
      v.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    v.appendTail(out);
    return out.toString();
  }

  /** The typed service part of a (rendered) definition. */
  public static QueryExecution.Service service(ObjectNode def) {
    JsonNode s = def.path("Service");
    return new QueryExecution.Service(s.path("Service").asText(), s.path("Failover").path("NearestN").asInt(0),
        list(s.path("Failover").path("Datacenters")), s.path("OnlyPassing").asBoolean(false), list(s.path("IgnoreCheckIDs")),
        s.path("Near").asText(""), list(s.path("Tags")), map(s.path("NodeMeta")), map(s.path("ServiceMeta")));
  }

  /** The DNS TTL the query asks for, or null for the agent's. */
  public static Duration dnsTtl(ObjectNode def) {
    String ttl = def.path("DNS").path("TTL").asText("");
    return ttl.isEmpty() ? null : io.cairn.checks.GoDuration.parse(ttl);
  }

  private static void known(ObjectNode o, String where, String... names) {
    List<String> allowed = List.of(names);
    o.fieldNames().forEachRemaining(n -> {
      if (!allowed.contains(n)) throw new IllegalArgumentException("Request decode failed: unknown field \"" + where + n + "\"");
    });
  }

  private static String text(JsonNode o, String name) {
    JsonNode v = o.path(name);
    if (v.isMissingNode() || v.isNull()) return "";
    if (!v.isTextual()) throw new IllegalArgumentException("Request decode failed: " + name + " must be a string");
    return v.asText();
  }

  private static ArrayNode strings(JsonNode v, String where) {
    ArrayNode out = JSON.createArrayNode();
    if (v.isMissingNode() || v.isNull()) return out;
    if (!v.isArray()) throw new IllegalArgumentException("Request decode failed: " + where + " must be a list of strings");
    for (JsonNode e : v) {
      if (!e.isTextual()) throw new IllegalArgumentException("Request decode failed: " + where + " must be a list of strings");
      out.add(e.asText());
    }
    return out;
  }

  private static ObjectNode stringMap(JsonNode v, String where) {
    ObjectNode out = JSON.createObjectNode();
    if (v.isMissingNode() || v.isNull()) return out;
    if (!v.isObject()) throw new IllegalArgumentException("Request decode failed: " + where + " must be a map of strings");
    v.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) throw new IllegalArgumentException("Request decode failed: " + where + " must be a map of strings");
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }

  private static List<String> list(JsonNode v) {
    List<String> out = new ArrayList<>();
    v.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static Map<String, String> map(JsonNode v) {
    Map<String, String> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
