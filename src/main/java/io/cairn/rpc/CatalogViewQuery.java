package io.cairn.rpc;

import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.ServiceEntry;
import io.cairn.state.StateStore;
import java.util.List;
import java.util.Map;

/**
 * A read of the catalog by a client agent's DNS (/rpc/view): one of service entries, one node,
 * all nodes, or the service names. Served from the server's store as it stands (stale reads
 * are what DNS wants: fast, and never a leader round trip).
 */
public record CatalogViewQuery(String op, String name) {
  /** The answer; only the part the op asked for is filled. */
  public record Answer(List<ServiceEntry> entries, Node node, List<Node> nodes, Map<String, List<String>> services,
                       List<Member> members, long index) {}

  /** A node as `members` shows it: alive or failed by its serfHealth, server if it runs the consul service. */
  public record Member(String name, String address, boolean alive, boolean server, String rpcPort) {}

  /** Every node of the catalog as a member. */
  public static List<Member> members(StateStore store) {
    java.util.Map<String, String> serverPorts = new java.util.HashMap<>();
    for (ServiceEntry e : store.serviceEntries("consul").value()) serverPorts.put(e.node().name(), Integer.toString(e.service().port()));
    java.util.List<Member> out = new java.util.ArrayList<>();
    for (Node n : store.nodes().value()) {
      boolean alive = store.nodeChecks(n.name()).value().stream()
          .noneMatch(c -> c.checkId().equals(Heartbeats.SERF_HEALTH) && c.status() == io.cairn.state.CheckStatus.CRITICAL);
      out.add(new Member(n.name(), n.address(), alive, serverPorts.containsKey(n.name()), serverPorts.getOrDefault(n.name(), "")));
    }
    return out;
  }

  static Answer answer(StateStore store, CatalogViewQuery q) {
    long index = store.lastIndex();
    return switch (q.op()) {
      case "service" -> new Answer(store.serviceEntries(q.name()).value(), null, null, null, null, index);
      case "node" -> new Answer(null, store.nodeServices(q.name()).value().map(NodeServices::node).orElse(null), null, null, null, index);
      case "nodes" -> new Answer(null, null, store.nodes().value(), null, null, index);
      case "services" -> new Answer(null, null, null, store.services().value(), null, index);
      case "members" -> new Answer(null, null, null, null, members(store), index);
      default -> throw new IllegalArgumentException("unknown view op " + q.op());
    };
  }
}
