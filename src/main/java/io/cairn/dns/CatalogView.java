package io.cairn.dns;

import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.ServiceEntry;
import io.cairn.state.StateStore;
import io.cairn.state.WatchSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What DNS reads from the catalog. A server answers from its own state store; a client agent
 * answers from a local view kept current by blocking queries (DESIGN.md: DNS never costs
 * a server round trip once a name is known), which costs one round trip the first time.
 */
public interface CatalogView {
  List<ServiceEntry> serviceEntries(String service);

  Optional<Node> node(String name);

  List<Node> nodes();

  Map<String, List<String>> services();

  long index();

  /** The prepared queries stored in this view's datacenter. */
  List<io.cairn.state.PreparedQuery> preparedQueries();

  /**
   * This view, restricted to what it holds in memory: a read it would have to fetch (a client
   * agent's first lookup of a name, a server round trip) throws {@link NotHeld} instead of
   * waiting. DNS answers from it on the listener thread and moves only the queries that throw
   * to a thread that may wait. A server's store is all in memory: it is its own held view.
   */
  default CatalogView heldOnly() {
    return this;
  }

  /** A read the view cannot answer without waiting; cheap to throw (no stack trace). */
  final class NotHeld extends RuntimeException {
    NotHeld(String what) {
      super(what, null, false, false);
    }
  }

  /** A view straight over a server's state store. */
  static CatalogView of(StateStore store) {
    return new CatalogView() {
      @Override
      public List<ServiceEntry> serviceEntries(String service) {
        return store.serviceEntries(new WatchSet(), service).value();
      }

      @Override
      public Optional<Node> node(String name) {
        return store.nodeServices(new WatchSet(), name).value().map(NodeServices::node);
      }

      @Override
      public List<Node> nodes() {
        return store.nodes(new WatchSet()).value();
      }

      @Override
      public Map<String, List<String>> services() {
        return store.services(new WatchSet()).value();
      }

      @Override
      public long index() {
        return store.lastIndex();
      }

      @Override
      public List<io.cairn.state.PreparedQuery> preparedQueries() {
        return store.queries(new WatchSet()).value();
      }
    };
  }
}
