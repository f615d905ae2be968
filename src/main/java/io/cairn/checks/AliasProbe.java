package io.cairn.checks;

import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import java.util.List;
import java.util.Optional;

/**
 * Alias check, as Consul's: the health of another service (AliasService, on AliasNode or on this
 * agent) or of another node, without probing anything. Critical when any of its checks (the
 * node's own included) is critical, else warning when one is, else passing; critical when the
 * aliased service does not exist. Looked up every second from the agent's own state for a local
 * service, from the catalog for another node's.
 */
public final class AliasProbe implements Probe {
  /** Where the aliased checks are read. */
  public interface Source {
    /** The checks of {@code node} (empty: this agent's node), or empty when the service named does not exist there. */
    Optional<List<HealthCheck>> checks(String node, String serviceId);
  }

  private volatile Source source = (node, service) -> Optional.empty();

  void source(Source s) {
    this.source = s;
  }

  /** {@code target} is AliasNode, a NUL, then AliasService (either may be empty). */
  public static String target(String node, String service) {
    return (node == null ? "" : node) + "\u0000" + (service == null ? "" : service);
  }

  @Override
  public CheckResult run(CheckDefinition def) {
    String target = def.target();
    int cut = target.indexOf('\u0000');
    String node = target.substring(0, cut);
    String service = target.substring(cut + 1);
    Optional<List<HealthCheck>> checks = source.checks(node, service);
    if (checks.isEmpty()) {
      return new CheckResult(CheckStatus.CRITICAL, service.isEmpty() ? "Node " + node + " could not be found"
          : "Service " + service + " could not be found on node " + (node.isEmpty() ? "this agent" : node));
    }
    CheckStatus health = CheckStatus.PASSING;
    String msg = "No checks found.";
    for (HealthCheck c : checks.get()) {
      if (!c.serviceId().isEmpty() && !c.serviceId().equals(service)) continue;
      if (c.checkId().equals(def.id())) continue;  // never itself
      if (c.status() == CheckStatus.CRITICAL || c.status() == CheckStatus.WARNING) {
        if (health != CheckStatus.CRITICAL) {
          health = c.status();
          msg = "Aliased check \"" + c.name() + "\" failing: " + c.output();
        }
      } else if (health == CheckStatus.PASSING) {
        msg = "All checks passing.";
      }
    }
    return new CheckResult(health, msg);
  }
}
