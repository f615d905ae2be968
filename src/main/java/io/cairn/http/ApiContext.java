package io.cairn.http;

import io.cairn.endpoints.Cluster;
import io.cairn.local.LocalState;

/**
 * Everything the HTTP handlers reach: the cluster (served by this server, or reached through a
 * server from a client agent: the handlers cannot tell), this agent's local state and the agent.
 */
public record ApiContext(Cluster cluster, LocalState local, AgentControl agent, Federation federation) {
  public ApiContext(Cluster cluster, LocalState local, AgentControl agent) {
    this(cluster, local, agent, Federation.alone(cluster.datacenter()));
  }
}
