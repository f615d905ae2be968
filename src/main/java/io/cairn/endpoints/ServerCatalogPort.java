package io.cairn.endpoints;

import io.cairn.local.CatalogPort;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import io.cairn.state.WatchSet;
import java.util.List;
import java.util.Optional;

/** A server's own agent reaches the catalog directly: its writes go to Raft, its reads to the store. */
public final class ServerCatalogPort implements CatalogPort {
  private final Endpoints endpoints;

  public ServerCatalogPort(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public Outcome write(Command command) {
    return endpoints.write(command);
  }

  @Override
  public Optional<NodeServices> nodeServices(String node) {
    return endpoints.store().nodeServices(new WatchSet(), node).value();
  }

  @Override
  public List<HealthCheck> nodeChecks(String node) {
    return endpoints.store().nodeChecks(new WatchSet(), node).value();
  }
}
