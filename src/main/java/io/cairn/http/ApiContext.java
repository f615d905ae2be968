package io.cairn.http;

import io.cairn.endpoints.Endpoints;
import io.cairn.local.LocalState;

/**
 * Everything the HTTP handlers reach: the cluster's endpoints (a server's; null on a client
 * agent, which forwards the cluster-wide API to {@link #servers}), this agent's local state and
 * the agent.
 */
public record ApiContext(Endpoints endpoints, LocalState local, AgentControl agent, io.cairn.membership.ServerList servers) {
  /** A client agent: the cluster-wide API is forwarded to {@link #servers}. */
  public boolean isClient() {
    return servers != null;
  }
}
