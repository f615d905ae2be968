package io.cairn.endpoints;

import io.cairn.state.Indexed;
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
                       long index) {}

  /** Answers at once, or (with a minIndex) when what the question reads has changed. */
  static Answer answer(StateStore store, CatalogViewQuery q, java.util.function.BooleanSupplier stopping)
      throws InterruptedException {
    StateStore.Read<Answer> read = switch (q.op()) {
      case "service" -> (s, ws) -> answer(s.serviceEntries(ws, q.name()), (v, i) -> new Answer(v, null, null, null, i));
      case "node" -> (s, ws) -> answer(s.nodeServices(ws, q.name()),
          (v, i) -> new Answer(null, v.map(NodeServices::node).orElse(null), null, null, i));
      case "nodes" -> (s, ws) -> answer(s.nodes(ws), (v, i) -> new Answer(null, null, v, null, i));
      case "services" -> (s, ws) -> answer(s.services(ws), (v, i) -> new Answer(null, null, null, v, i));
      default -> throw new IllegalArgumentException("unknown view op " + q.op());
    };
    java.time.Duration wait = java.time.Duration.ofMillis(Math.min(Math.max(q.waitMillis(), 0), 600_000));
    return BlockingQuery.run(store, q.minIndex(), wait, read, stopping).value();
  }

  /** One read's value shaped as the answer, which carries the read's index. */
  private static <V> Indexed<Answer> answer(Indexed<V> read, java.util.function.BiFunction<V, Long, Answer> shape) {
    return new Indexed<>(read.index(), shape.apply(read.value(), read.index()));
  }
}
