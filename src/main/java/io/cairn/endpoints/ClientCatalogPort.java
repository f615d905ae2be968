package io.cairn.endpoints;

import io.cairn.local.CatalogPort;
import io.cairn.membership.ServerList;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** A client agent reaches the catalog through a server: writes to /rpc/apply, reads of its own node from /rpc/node. */
public final class ClientCatalogPort implements CatalogPort {
  private final ServerList servers;

  public ClientCatalogPort(ServerList servers) {
    this.servers = servers;
  }

  /** What /rpc/node answers: a node's services and checks as a server holds them. */
  public record NodeCatalog(NodeServices node, List<HealthCheck> checks) {}

  /** Body of /rpc/node. */
  public record NodeQuery(String node) {}

  @Override
  public Outcome write(Command command) {
    // One request id for every server tried: a resend elsewhere must not apply twice.
    Command once = command instanceof Command.Once ? command : new Command.Once(java.util.UUID.randomUUID().toString(), command);
    try {
      return servers.call("/rpc/apply", once, Applied.class).outcome();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private NodeCatalog node(String node) {
    try {
      return servers.call("/rpc/node", new NodeQuery(node), NodeCatalog.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  @Override
  public Optional<NodeServices> nodeServices(String node) {
    return Optional.ofNullable(node(node).node());
  }

  @Override
  public List<HealthCheck> nodeChecks(String node) {
    return node(node).checks();
  }
}
