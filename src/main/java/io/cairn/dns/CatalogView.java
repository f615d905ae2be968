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
 * will answer from a local view kept current by blocking queries (DESIGN.md: DNS never costs
 * a server round trip).
 */
public interface CatalogView {
  List<ServiceEntry> serviceEntries(String service);

  Optional<Node> node(String name);

  List<Node> nodes();

  Map<String, List<String>> services();

  long index();

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
    };
  }
}
