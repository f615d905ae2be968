package io.cairn.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The roles file's dependency graph with live state: for each role, the services it provides
 * (healthy instances now), what it requires (healthy of needed), and whether it is ready, waiting
 * on a requirement, or blocked by a role that is itself not ready.
 */
public final class RoleGraph {
  private final Roles roles;
  private final Map<String, Integer> provided = new HashMap<>();
  private final Map<Need, Integer> required = new LinkedHashMap<>();

  private RoleGraph(Roles roles) {
    this.roles = roles;
  }

  /** Reads each service's health once. */
  public static RoleGraph read(Roles roles, DependencyWait health) throws IOException {
    RoleGraph g = new RoleGraph(roles);
    for (Roles.Role r : roles.roles().values()) {
      for (String s : r.provides()) if (!g.provided.containsKey(s)) g.provided.put(s, health.healthyNow(new Need(s, 1, null)));
      for (Need n : r.requires()) if (!g.required.containsKey(n)) g.required.put(n, health.healthyNow(n));
    }
    return g;
  }

  /** The requirements of {@code role} not met now. */
  public List<Need> waitingOn(Roles.Role role) {
    return role.requires().stream().filter(n -> required.get(n) < n.min()).toList();
  }

  /** The roles providing what {@code role} waits on that are themselves not ready. */
  public Set<String> blockedBy(Roles.Role role) {
    Set<String> out = new LinkedHashSet<>();
    for (Need n : waitingOn(role)) {
      for (Roles.Role p : roles.providers(n.service())) if (!waitingOn(p).isEmpty()) out.add(p.name());
    }
    return out;
  }

  public String state(Roles.Role role) {
    List<Need> waiting = waitingOn(role);
    if (waiting.isEmpty()) return "ready";
    Set<String> blocked = blockedBy(role);
    return "waiting on " + String.join(", ", waiting.stream().map(Need::toString).toList())
        + (blocked.isEmpty() ? "" : " (blocked by " + String.join(", ", blocked) + ")");
  }

  /** One line a role: {@code image: provides glance (2 healthy); requires mysql 3/1, keystone:2 1/2: waiting on keystone:2 (blocked by identity)}. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Roles.Role r : roles.roles().values()) {
      List<String> p = r.provides().stream().map(s -> s + " (" + provided.get(s) + " healthy)").toList();
      List<String> q = r.requires().stream().map(n -> n + " " + required.get(n) + "/" + n.min()).toList();
      out.add(r.name() + ": provides " + (p.isEmpty() ? "nothing" : String.join(", ", p)) + "; requires "
          + (q.isEmpty() ? "nothing" : String.join(", ", q)) + ": " + state(r));
    }
    return out;
  }

  /** Graphviz: a node per role (green ready, orange waiting, red blocked), an edge to each provider labelled with the service. */
  public String dot() {
    StringBuilder b = new StringBuilder("digraph roles {\n  rankdir=LR;\n");
    for (Roles.Role r : roles.roles().values()) {
      String color = waitingOn(r).isEmpty() ? "green" : blockedBy(r).isEmpty() ? "orange" : "red";
      String label = r.name() + "\\n" + String.join("\\n", r.provides().stream().map(s -> s + ": " + provided.get(s) + " healthy").toList());
      b.append("  \"").append(r.name()).append("\" [label=\"").append(label).append("\", color=").append(color).append("];\n");
    }
    for (Roles.Role r : roles.roles().values()) {
      for (Need n : r.requires()) {
        List<Roles.Role> providers = roles.providers(n.service());
        if (providers.isEmpty()) {
          b.append("  \"").append(r.name()).append("\" -> \"").append(n.service()).append("\" [style=dashed, label=\"")
              .append(n).append(" ").append(required.get(n)).append("/").append(n.min()).append("\"];\n");
        }
        for (Roles.Role p : providers) {
          b.append("  \"").append(r.name()).append("\" -> \"").append(p.name()).append("\" [label=\"").append(n).append(" ")
              .append(required.get(n)).append("/").append(n.min()).append("\"];\n");
        }
      }
    }
    return b.append("}\n").toString();
  }
}
