package io.cairn.endpoints;

import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Runs a prepared query (Consul's PreparedQuery.Execute): the service's instances that pass the
 * query's filters, in this datacenter; when none does and the query has a failover, the same in
 * the NearestN nearest other datacenters, then its listed Datacenters in order, each tried once,
 * answering from the first with any. Health: critical never counts; warning does unless
 * OnlyPassing; checks in IgnoreCheckIDs do not count at all.
 */
public final class QueryExecution {
  private QueryExecution() {}

  /** What a run needs of a query's definition (its Service part, after a template's variables are filled). */
  public record Service(String service, int nearestN, List<String> datacenters, boolean onlyPassing,
                        List<String> ignoreCheckIds, String near, List<String> tags, Map<String, String> nodeMeta,
                        Map<String, String> serviceMeta) {}

  /** The answer: the instances (shuffled, or nearest first), where they came from, and how many datacenters were tried after the first. */
  public record Result(String service, List<ServiceEntry> nodes, String datacenter, int failovers) {}

  /**
   * {@code entriesIn}: a datacenter's instances of a service (throws for one that cannot be
   * reached, which counts as tried); {@code byRtt}: every datacenter known, this one first, then
   * by round trip; {@code near}: a node to put first (the agent's, for {@code _agent}), or empty.
   */
  public static Result run(Service q, String local, Function<String, List<ServiceEntry>> entriesIn,
                           List<String> byRtt, String near, int limit) {
    List<ServiceEntry> here = filtered(q, entriesIn.apply(local), near);
    if (!here.isEmpty() || (q.nearestN() == 0 && q.datacenters().isEmpty())) return new Result(q.service(), cap(here, limit), local, 0);
    Set<String> order = new LinkedHashSet<>();
    int n = 0;
    for (String dc : byRtt) {
      if (dc.equals(local)) continue;
      if (n++ >= q.nearestN()) break;
      order.add(dc);
    }
    for (String dc : q.datacenters()) if (!dc.equals(local)) order.add(dc);
    int failovers = 0;
    for (String dc : order) {
      failovers++;
      List<ServiceEntry> there;
      try {
        there = filtered(q, entriesIn.apply(dc), "");
      } catch (RuntimeException e) {
        continue;  // unreachable or unknown: the next one
      }
      if (!there.isEmpty()) return new Result(q.service(), cap(there, limit), dc, failovers);
    }
    return new Result(q.service(), List.of(), local, failovers);
  }

  private static List<ServiceEntry> cap(List<ServiceEntry> l, int limit) {
    return limit > 0 && l.size() > limit ? List.copyOf(l.subList(0, limit)) : l;
  }

  static List<ServiceEntry> filtered(Service q, List<ServiceEntry> all, String near) {
    List<ServiceEntry> out = new ArrayList<>();
    for (ServiceEntry e : all) {
      if (!healthy(q, e.checks())) continue;
      if (!tagsMatch(q.tags(), e.service().tags())) continue;
      if (!metaMatch(q.nodeMeta(), e.node().meta()) || !metaMatch(q.serviceMeta(), e.service().meta())) continue;
      out.add(e);
    }
    Collections.shuffle(out, ThreadLocalRandom.current());
    String first = near == null || near.isEmpty() ? q.near() : near;
    if (first != null && !first.isEmpty()) {
      out.sort((a, b) -> Boolean.compare(!a.node().name().equals(first), !b.node().name().equals(first)));
    }
    return out;
  }

  private static boolean healthy(Service q, List<HealthCheck> checks) {
    for (HealthCheck c : checks) {
      if (q.ignoreCheckIds().contains(c.checkId())) continue;
      if (c.status() == CheckStatus.CRITICAL) return false;
      if (q.onlyPassing() && c.status() != CheckStatus.PASSING) return false;
    }
    return true;
  }

  /** Every tag wanted is present and every "!tag" absent, case-insensitively as Consul compares tags. */
  private static boolean tagsMatch(List<String> wanted, List<String> have) {
    for (String t : wanted) {
      boolean not = t.startsWith("!");
      String tag = not ? t.substring(1) : t;
      if (tag.isEmpty()) continue;
      boolean present = have.stream().anyMatch(h -> h.equalsIgnoreCase(tag));
      if (present == not) return false;
    }
    return true;
  }

  private static boolean metaMatch(Map<String, String> wanted, Map<String, String> have) {
    for (Map.Entry<String, String> w : wanted.entrySet()) if (!w.getValue().equals(have.get(w.getKey()))) return false;
    return true;
  }
}
