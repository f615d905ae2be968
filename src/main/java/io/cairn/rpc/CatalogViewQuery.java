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
public record CatalogViewQuery(String op, String name, long minIndex, long waitMillis) {
  public CatalogViewQuery(String op, String name) {
    this(op, name, 0, 0);
  }

  /** The same question, asked as a blocking query past {@code index}. */
  public CatalogViewQuery after(long index, long waitMillis) {
    return new CatalogViewQuery(op, name, index, waitMillis);
  }

  /** The identity of the question, without the blocking part. */
  public CatalogViewQuery plain() {
    return new CatalogViewQuery(op, name, 0, 0);
  }

  /** The answer; only the part the op asked for is filled. */
  public record Answer(List<ServiceEntry> entries, Node node, List<Node> nodes, Map<String, List<String>> services,
                       List<Member> members, long index) {}

  /** A node as `members` shows it: alive or failed by its serfHealth, server if it runs the consul service. */
  public record Member(String name, String address, String status, boolean server, String rpcPort) {
    public static final String ALIVE = "alive";
    public static final String FAILED = "failed";
    public static final String LEFT = "left";
  }

  /** Every node of the catalog as a member. */
  public static List<Member> members(StateStore store) {
    java.util.Map<String, String> serverPorts = new java.util.HashMap<>();
    for (ServiceEntry e : store.serviceEntries("consul").value()) serverPorts.put(e.node().name(), Integer.toString(e.service().port()));
    java.util.List<Member> out = new java.util.ArrayList<>();
    for (Node n : store.nodes().value()) {
      boolean alive = store.nodeChecks(n.name()).value().stream()
          .noneMatch(c -> c.checkId().equals(Heartbeats.SERF_HEALTH) && c.status() == io.cairn.state.CheckStatus.CRITICAL);
      out.add(new Member(n.name(), n.address(), alive ? Member.ALIVE : Member.FAILED, serverPorts.containsKey(n.name()),
          serverPorts.getOrDefault(n.name(), "")));
    }
    store.leftNodes().forEach((name, address) -> out.add(new Member(name, address, Member.LEFT, false, "")));
    return out;
  }

  /** Answers at once, or (with a minIndex) when what the question reads has changed. */
  static Answer answer(StateStore store, CatalogViewQuery q, java.util.function.BooleanSupplier stopping)
      throws InterruptedException {
    List<io.cairn.state.Topic> topics = switch (q.op()) {
      case "service" -> List.of(new io.cairn.state.Topic.Service(q.name()));
      case "node" -> List.of(new io.cairn.state.Topic.NodeName(q.name()));
      case "nodes", "members" -> List.of(io.cairn.state.Topic.Table.NODES, io.cairn.state.Topic.Table.CHECKS);
      case "services" -> List.of(io.cairn.state.Topic.Table.SERVICES);
      default -> throw new IllegalArgumentException("unknown view op " + q.op());
    };
    java.time.Duration wait = java.time.Duration.ofMillis(Math.min(Math.max(q.waitMillis(), 0), 600_000));
    return BlockingQuery.run(store, topics, q.minIndex(), wait, s -> {
      long index = s.indexOf(topics);
      Answer a = switch (q.op()) {
        case "service" -> new Answer(s.serviceEntries(q.name()).value(), null, null, null, null, index);
        case "node" -> new Answer(null, s.nodeServices(q.name()).value().map(NodeServices::node).orElse(null), null, null, null, index);
        case "nodes" -> new Answer(null, null, s.nodes().value(), null, null, index);
        case "services" -> new Answer(null, null, null, s.services().value(), null, index);
        default -> new Answer(null, null, null, null, members(s), index);
      };
      return new io.cairn.state.Indexed<>(index, a);
    }, stopping).value();
  }
}
