package io.cairn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each role of a cloud provides and requires, from a roles file (YAML, or JSON: the same
 * shape):
 *
 * <pre>
 * roles:
 *   db:       { provides: [mysql] }
 *   identity: { provides: [keystone], requires: [mysql] }
 *   image:    { provides: [glance], requires: [mysql, "keystone:2@public"] }
 * </pre>
 *
 * A requirement is a {@link Need} ({@code service[:min][@tag]}). The roles, through the
 * services they provide, form a graph that must have no cycle: a cycle would leave every role
 * in it waiting for ever, so the file is refused with the cycle named.
 */
public record Roles(Map<String, Role> roles) {
  public record Role(String name, List<String> provides, List<Need> requires) {}

  private static final Set<String> ROLE_KEYS = Set.of("provides", "requires");

  public static Roles read(Path file) {
    JsonNode tree;
    try {
      String text = Files.readString(file);
      ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
      tree = mapper.readTree(text);
    } catch (IOException e) {
      String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage()
          + (p.getLocation() == null ? "" : " (line " + p.getLocation().getLineNr() + ")") : e.getMessage();
      throw new IllegalArgumentException("roles file " + file + ": " + why);
    }
    return parse(tree, file.toString());
  }

  static Roles parse(JsonNode tree, String source) {
    if (tree == null || !tree.path("roles").isObject()) throw bad(source, "expected a top-level \"roles\" mapping");
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.get("roles").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) throw bad(source, "role name \"" + name + "\": letters, digits, '-', '_', '.'");
      JsonNode body = e.getValue();
      if (body.isNull()) body = new ObjectMapper().createObjectNode();
      if (!body.isObject()) throw bad(source, "role " + name + ": expected a mapping with provides and requires");
      for (Iterator<String> k = body.fieldNames(); k.hasNext(); ) {
        String key = k.next();
        if (!ROLE_KEYS.contains(key)) throw bad(source, "role " + name + ": unknown key \"" + key + "\" (provides, requires)");
      }
      List<String> provides = new ArrayList<>();
      for (String s : strings(body.path("provides"), source, name + ".provides")) provides.add(Need.parse(s).service());
      List<Need> requires = new ArrayList<>();
      for (String s : strings(body.path("requires"), source, name + ".requires")) {
        try {
          requires.add(Need.parse(s));
        } catch (IllegalArgumentException x) {
          throw bad(source, "role " + name + ": " + x.getMessage());
        }
      }
      roles.put(name, new Role(name, List.copyOf(provides), List.copyOf(requires)));
    }
    Roles r = new Roles(roles);
    r.cycle().ifPresent(c -> {
      throw bad(source, "dependency cycle: " + String.join(" -> ", c));
    });
    return r;
  }

  private static List<String> strings(JsonNode n, String source, String what) {
    if (n.isMissingNode() || n.isNull()) return List.of();
    if (!n.isArray()) throw bad(source, what + ": expected a list");
    List<String> out = new ArrayList<>();
    for (JsonNode x : n) {
      if (!x.isTextual()) throw bad(source, what + ": expected strings, got " + x);
      out.add(x.asText());
    }
    return out;
  }

  private static IllegalArgumentException bad(String source, String why) {
    return new IllegalArgumentException("roles file " + source + ": " + why);
  }

  /** The roles that provide {@code service}. */
  public List<Role> providers(String service) {
    return roles.values().stream().filter(r -> r.provides().contains(service)).toList();
  }

  public Role role(String name) {
    Role r = roles.get(name);
    if (r == null) throw new IllegalArgumentException("no role \"" + name + "\" in the roles file (roles: " + String.join(", ", roles.keySet()) + ")");
    return r;
  }

  /** A cycle of roles (each requiring a service the next provides), first role repeated at the end; empty when none. */
  public Optional<List<String>> cycle() {
    Map<String, Integer> state = new LinkedHashMap<>();  // 1: on the path, 2: done
    for (String start : roles.keySet()) {
      List<String> path = new ArrayList<>();
      Optional<List<String>> c = visit(start, state, path);
      if (c.isPresent()) return c;
    }
    return Optional.empty();
  }

  private Optional<List<String>> visit(String role, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(role);
    if (s != null && s == 2) return Optional.empty();
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(role), path.size()));
      cycle.add(role);
      return Optional.of(cycle);
    }
    state.put(role, 1);
    path.add(role);
    for (Need n : roles.get(role).requires()) {
      for (Role p : providers(n.service())) {
        Optional<List<String>> c = visit(p.name(), state, path);
        if (c.isPresent()) return c;
      }
    }
    path.removeLast();
    state.put(role, 2);
    return Optional.empty();
  }
}
