package io.cairn.local;

import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import java.util.List;
import java.util.Optional;

/**
 * How this agent reaches the catalog: straight into Raft on a server, over RPC on a client.
 * Implemented above this package (rpc/agent) so that local state stays transport-free.
 */
public interface CatalogPort {
  /** Commits a write; throws when no server can take it now (the caller retries later). */
  Outcome write(Command command);

  Optional<NodeServices> nodeServices(String node);

  List<HealthCheck> nodeChecks(String node);
}
