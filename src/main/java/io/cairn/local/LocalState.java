package io.cairn.local;

import io.cairn.checks.CheckDefinition;
import io.cairn.checks.CheckResult;
import io.cairn.checks.CheckRunners;
import io.cairn.checks.CheckType;
import io.cairn.checks.GoDuration;
import io.cairn.state.CheckStatus;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services and checks registered with this agent, and what of them the catalog has yet to
 * hear. Check results come in here; only a status change (or, at most every
 * {@code checkUpdateInterval}, an output change) marks a check for sync, so steady checks cost
 * no Raft writes.
 */
public final class LocalState implements CheckRunners.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(LocalState.class);
  public static final String NODE_MAINTENANCE_CHECK = "_node_maintenance";
  public static final String SERVICE_MAINTENANCE_PREFIX = "_service_maintenance:";

  private final NodeIdentity node;
  private final Clock clock;
  private final Duration checkUpdateInterval;
  private CheckRunners runners;
  private final Map<String, ServiceInstance> services = new LinkedHashMap<>();
  private final Map<String, LocalCheck> checks = new LinkedHashMap<>();
  final Set<String> dirtyServices = new LinkedHashSet<>();
  final Set<String> dirtyChecks = new LinkedHashSet<>();
  final Set<String> removedServices = new LinkedHashSet<>();
  final Set<String> removedChecks = new LinkedHashSet<>();
  private Runnable onDirty = () -> {};
  /** Counts local changes; {@code pushed} is the count the catalog has caught up with. */
  private long changes;
  private long pushed;

  /** How a check's definition reads in the catalog (Consul's wire, which http knows); none until told. */
  private volatile java.util.function.Function<CheckDefinition, String> definitionWire = d -> null;

  /** Says how a check's definition is written into the catalog, so that reads show what it probes. */
  public void definitionsAs(java.util.function.Function<CheckDefinition, String> wire) {
    this.definitionWire = wire;
  }

  public LocalState(NodeIdentity node, Clock clock, Duration checkUpdateInterval) {
    this.node = node;
    this.clock = clock;
    this.checkUpdateInterval = checkUpdateInterval;
  }

  /** Wires the runners that feed results here and the signal that wakes the sync loop. */
  public synchronized void attach(CheckRunners runners, Runnable onDirty) {
    this.runners = runners;
    this.onDirty = onDirty;
  }

  private void dirty() {
    synchronized (this) {
      changes++;
    }
    onDirty.run();
  }

  /** Whether the catalog has caught up with every local change so far. */
  public synchronized boolean synced() {
    return pushed >= changes;
  }

  /** How many local changes there have been so far. */
  public synchronized long changeCount() {
    return changes;
  }

  /**
   * Waits (at most {@code timeout}) until the catalog holds every local change up to
   * {@code count}. Lets the agent API answer a registration after it is visible cluster-wide,
   * so that "register, then query health" works without a race.
   */
  public synchronized boolean awaitSynced(long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pushed < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  synchronized void pushed(long count) {
    if (count > pushed) {
      pushed = count;
      notifyAll();
    }
  }

  public NodeIdentity node() {
    return node;
  }

  // --- services ---

  /**
   * Adds or replaces a service with its checks. With {@code replaceExistingChecks}, checks of
   * the service that are not in {@code serviceChecks} are removed (Consul's query flag).
   */
  public void addService(ServiceInstance service, List<CheckDefinition> serviceChecks, boolean replaceExistingChecks) {
    synchronized (this) {
      ServiceInstance s = service.onNode(node.name());
      services.put(s.id(), s);
      removedServices.remove(s.id());
      dirtyServices.add(s.id());
      if (replaceExistingChecks) {
        Set<String> keep = new LinkedHashSet<>();
        serviceChecks.forEach(c -> keep.add(c.id()));
        for (LocalCheck c : List.copyOf(checks.values())) {
          if (c.serviceId.equals(s.id()) && c.definition != null && !keep.contains(c.id)) removeCheckLocked(c.id);
        }
      }
      for (CheckDefinition def : serviceChecks) addCheckLocked(def);
    }
    LOG.info("service registered service={} name={}", service.id(), service.name());
    dirty();
  }

  public void removeService(String id) {
    synchronized (this) {
      if (services.remove(id) == null) throw new UnknownCheckException("Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
      for (LocalCheck c : List.copyOf(checks.values())) if (c.serviceId.equals(id)) removeCheckLocked(c.id);
      dirtyServices.remove(id);
      removedServices.add(id);
    }
    LOG.info("service deregistered service={}", id);
    dirty();
  }

  public synchronized Map<String, ServiceInstance> services() {
    return new LinkedHashMap<>(services);
  }

  public synchronized Optional<ServiceInstance> service(String id) {
    return Optional.ofNullable(services.get(id));
  }

  // --- checks ---

  public void addCheck(CheckDefinition def) {
    synchronized (this) {
      if (!def.serviceId().isEmpty() && !services.containsKey(def.serviceId())) {
        throw new IllegalArgumentException("ServiceID \"" + def.serviceId() + "\" does not exist");
      }
      addCheckLocked(def);
    }
    dirty();
  }

  private void addCheckLocked(CheckDefinition def) {
    LocalCheck old = checks.get(def.id());
    LocalCheck c = new LocalCheck(def.id(), def.name(), def.notes(), def.serviceId(), def.type().wireName(), def,
        def.initialStatus(), "");
    if (old != null && old.definition != null && old.definition.type() == def.type() && def.type() == CheckType.TTL) {
      c.status = old.status;  // re-registering a TTL check must not reset what its owner reported
      c.output = old.output;
    }
    c.criticalSince = c.status == CheckStatus.CRITICAL ? clock.millis() : 0;
    checks.put(def.id(), c);
    removedChecks.remove(def.id());
    dirtyChecks.add(def.id());
    if (runners != null) runners.start(def);
  }

  public void removeCheck(String id) {
    synchronized (this) {
      if (!checks.containsKey(id)) throw new UnknownCheckException("Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
      removeCheckLocked(id);
    }
    dirty();
  }

  private void removeCheckLocked(String id) {
    checks.remove(id);
    dirtyChecks.remove(id);
    removedChecks.add(id);
    if (runners != null) runners.stop(id);
  }

  /** The catalog's view of every local check, with current status and output. */
  public synchronized List<HealthCheck> checks() {
    List<HealthCheck> out = new ArrayList<>();
    for (LocalCheck c : checks.values()) out.add(toHealthCheck(c));
    return out;
  }

  public synchronized Optional<CheckDefinition> checkDefinition(String id) {
    LocalCheck c = checks.get(id);
    return c == null ? Optional.empty() : Optional.ofNullable(c.definition);
  }

  HealthCheck toHealthCheck(LocalCheck c) {
    ServiceInstance s = c.serviceId.isEmpty() ? null : services.get(c.serviceId);
    CheckDefinition d = c.definition;
    return new HealthCheck(node.name(), c.id, c.name, c.status, c.notes, c.output, c.serviceId,
        s == null ? "" : s.name(), s == null ? List.of() : s.tags(), c.type,
        d == null || d.interval() == null ? "" : GoDuration.format(d.interval()),
        d == null || d.timeout() == null ? "" : GoDuration.format(d.timeout()), d == null ? null : definitionWire.apply(d), 0, 0);
  }

  /** A TTL check's owner reports in ({@code /v1/agent/check/pass|warn|fail|update}). */
  public void updateTtl(String id, CheckStatus status, String output) {
    synchronized (this) {
      LocalCheck c = checks.get(id);
      if (c == null) throw new UnknownCheckException("Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
      if (c.definition == null || c.definition.type() != CheckType.TTL) {
        throw new IllegalArgumentException("CheckID \"" + id + "\" does not have associated TTL");
      }
      CheckResult r = new CheckResult(status, output);
      record(c, runners == null ? r.cut(CheckResult.DEFAULT_OUTPUT_MAX) : r.cut(runners.outputLimit(c.definition)));
    }
    LOG.debug("ttl check updated check={} status={}", id, status.wireName());
    if (runners != null) runners.ttlRenewed(id);
  }

  @Override
  public void onResult(String checkId, CheckResult result) {
    synchronized (this) {
      LocalCheck c = checks.get(checkId);
      if (c == null) return;
      record(c, result);
    }
  }

  private void record(LocalCheck c, CheckResult r) {
    boolean statusChanged = c.status != r.status();
    boolean outputChanged = !c.output.equals(r.output());
    if (statusChanged) {
      LOG.info("check status changed check={} service={} from={} to={}", c.id, c.serviceId, c.status.wireName(), r.status().wireName());
      c.criticalSince = r.status() == CheckStatus.CRITICAL ? clock.millis() : 0;
    }
    c.status = r.status();
    c.output = r.output();
    if (statusChanged) {
      dirtyChecks.add(c.id);
      dirty();
    } else if (outputChanged && c.outputDueAt == 0) {
      // Output alone is news worth one write per checkUpdateInterval, not one per run.
      c.outputDueAt = clock.millis() + checkUpdateInterval.toMillis();
    }
  }

  // --- maintenance ---

  public void setNodeMaintenance(boolean enable, String reason) {
    setMaintenance(NODE_MAINTENANCE_CHECK, "", enable, "Node Maintenance Mode",
        reason == null || reason.isEmpty() ? "Maintenance mode is enabled for this node, but no reason was provided. This is a default message." : reason);
  }

  public void setServiceMaintenance(String serviceId, boolean enable, String reason) {
    synchronized (this) {
      if (!services.containsKey(serviceId)) throw new UnknownCheckException("No service registered with ID \"" + serviceId + "\"");
    }
    setMaintenance(SERVICE_MAINTENANCE_PREFIX + serviceId, serviceId, enable, "Service Maintenance Mode",
        reason == null || reason.isEmpty() ? "Maintenance mode is enabled for this service, but no reason was provided. This is a default message." : reason);
  }

  private void setMaintenance(String id, String serviceId, boolean enable, String name, String notes) {
    synchronized (this) {
      if (enable) {
        if (checks.containsKey(id)) return;
        LocalCheck c = new LocalCheck(id, name, notes, serviceId, "maintenance", null, CheckStatus.CRITICAL, "");
        checks.put(id, c);
        removedChecks.remove(id);
        dirtyChecks.add(id);
        LOG.info("maintenance enabled check={}", id);
      } else {
        if (!checks.containsKey(id)) return;
        removeCheckLocked(id);
        LOG.info("maintenance disabled check={}", id);
      }
    }
    dirty();
  }

  // --- for the sync loop ---

  /** Services whose checks have been critical longer than their DeregisterCriticalServiceAfter. */
  synchronized List<String> servicesToReap() {
    long now = clock.millis();
    Set<String> out = new LinkedHashSet<>();
    for (LocalCheck c : checks.values()) {
      Duration after = c.definition == null ? null : c.definition.deregisterCriticalServiceAfter();
      if (after != null && !after.isZero() && c.criticalSince > 0 && !c.serviceId.isEmpty()
          && now - c.criticalSince >= after.toMillis()) {
        out.add(c.serviceId);
      }
    }
    return new ArrayList<>(out);
  }

  /** When the next service falls due for reaping (epoch ms), or 0 if none will. */
  synchronized long nextReapAt() {
    long next = 0;
    for (LocalCheck c : checks.values()) {
      Duration after = c.definition == null ? null : c.definition.deregisterCriticalServiceAfter();
      if (after == null || after.isZero() || c.criticalSince == 0 || c.serviceId.isEmpty()) continue;
      long due = c.criticalSince + after.toMillis();
      next = next == 0 ? due : Math.min(next, due);
    }
    return next;
  }

  /** Marks checks whose output delay has run out; returns the epoch ms of the next such, or 0. */
  synchronized long promoteDueOutputs() {
    long now = clock.millis();
    long next = 0;
    for (LocalCheck c : checks.values()) {
      if (c.outputDueAt == 0) continue;
      if (c.outputDueAt <= now) {
        c.outputDueAt = 0;
        if (!c.inSync()) dirtyChecks.add(c.id);
      } else {
        next = next == 0 ? c.outputDueAt : Math.min(next, c.outputDueAt);
      }
    }
    return next;
  }

  synchronized LocalCheck check(String id) {
    return checks.get(id);
  }

  synchronized List<LocalCheck> checksOf(String serviceId) {
    List<LocalCheck> out = new ArrayList<>();
    for (LocalCheck c : checks.values()) if (c.serviceId.equals(serviceId)) out.add(c);
    return out;
  }

  synchronized List<String> allCheckIds() {
    return new ArrayList<>(checks.keySet());
  }

  /**
   * Marks for sync what differs from the catalog's copy of this node: a service whose record
   * or any of whose checks differs, and a node-level check that differs. What matches is left
   * alone, so a periodic full sync writes nothing through Raft when nothing changed.
   */
  synchronized void markDifferent(Map<String, ServiceInstance> remoteServices, Map<String, HealthCheck> remoteChecks) {
    for (ServiceInstance s : services.values()) {
      if (!s.onNode(node.name()).sameContent(remoteServices.get(s.id()))) dirtyServices.add(s.id());
    }
    for (LocalCheck c : checks.values()) {
      if (toHealthCheck(c).sameContent(remoteChecks.get(c.id))) continue;
      if (c.serviceId.isEmpty() || !services.containsKey(c.serviceId)) dirtyChecks.add(c.id);
      else dirtyServices.add(c.serviceId);
    }
  }

  /** Takes what awaits sync, clearing it; what fails to sync is handed back with {@link #requeue}. */
  synchronized Pending takePending() {
    Pending p = new Pending(new ArrayList<>(removedServices), new ArrayList<>(removedChecks),
        new ArrayList<>(dirtyServices), new ArrayList<>(dirtyChecks), changes);
    removedServices.clear();
    removedChecks.clear();
    dirtyServices.clear();
    dirtyChecks.clear();
    return p;
  }

  synchronized void requeue(Pending p) {
    for (String id : p.removedServices()) if (!services.containsKey(id)) removedServices.add(id);
    for (String id : p.removedChecks()) if (!checks.containsKey(id)) removedChecks.add(id);
    for (String id : p.services()) if (services.containsKey(id)) dirtyServices.add(id);
    for (String id : p.checks()) if (checks.containsKey(id)) dirtyChecks.add(id);
  }

  synchronized void markSynced(HealthCheck hc) {
    LocalCheck c = checks.get(hc.checkId());
    if (c == null) return;
    c.syncedStatus = hc.status();
    c.syncedOutput = hc.output();
    if (c.inSync()) c.outputDueAt = 0;
  }

  /** The ids that one sync round handles. */
  record Pending(List<String> removedServices, List<String> removedChecks, List<String> services, List<String> checks,
                 long changeCount) {
    boolean isEmpty() {
      return removedServices.isEmpty() && removedChecks.isEmpty() && services.isEmpty() && checks.isEmpty();
    }
  }
}
