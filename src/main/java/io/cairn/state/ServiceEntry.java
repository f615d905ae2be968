package io.cairn.state;

import java.util.List;

/** An instance with its node and the checks that decide its health: one row of a health query. */
public record ServiceEntry(Node node, ServiceInstance service, List<HealthCheck> checks) {
  /** The worst status among the checks; an instance with no checks is passing. */
  public CheckStatus aggregate() {
    CheckStatus worst = CheckStatus.PASSING;
    for (HealthCheck hc : checks) worst = worst.worst(hc.status());
    return worst;
  }
}
