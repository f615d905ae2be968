package io.cairn.local;

import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.Outcome;
import io.cairn.state.ServiceInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the catalog in step with this agent: pushes each change as it happens, and every
 * {@code fullSyncInterval} (jittered) re-registers everything and removes what the catalog holds
 * for this node that the agent does not, which repairs whatever a server lost.
 */
public final class AntiEntropy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AntiEntropy.class);
  public static final String SERF_HEALTH = "serfHealth";
  private static final long RETRY_MILLIS = 1000;

  private final LocalState local;
  private final CatalogPort port;
  private final Clock clock;
  private final Duration fullSyncInterval;
  private final boolean ownsSerfHealth;
  private final ServiceInstance serverService;
  private final Object signal = new Object();
  private boolean signalled;
  private volatile boolean running = true;
  private Thread thread;

  /**
   * @param ownsSerfHealth true where no server tracks this node's liveness (dev and single-server
   *     mode): the agent then reports its own serfHealth as passing.
   * @param serverService on a server, the {@code consul} service every Consul server has in the
   *     catalog (clients look servers up by it); null on a client.
   */
  public AntiEntropy(LocalState local, CatalogPort port, Clock clock, Duration fullSyncInterval, boolean ownsSerfHealth,
                     ServiceInstance serverService) {
    this.serverService = serverService;
    this.local = local;
    this.port = port;
    this.clock = clock;
    this.fullSyncInterval = fullSyncInterval;
    this.ownsSerfHealth = ownsSerfHealth;
  }

  public void start() {
    thread = Thread.ofVirtual().name("anti-entropy").start(this::loop);
  }

  /** Wakes the loop: something local changed. */
  public void signal() {
    synchronized (signal) {
      signalled = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    long nextFull = 0;
    while (running) {
      long now = clock.millis();
      long wakeAt = now + RETRY_MILLIS * 30;
      try {
        if (now >= nextFull) {
          fullSync();
          nextFull = now + jittered(fullSyncInterval.toMillis());
        }
        local.servicesToReap().forEach(id -> {
          LOG.info("deregistering service={}: critical longer than DeregisterCriticalServiceAfter", id);
          local.removeService(id);
        });
        long nextOutput = local.promoteDueOutputs();
        pushPending();
        wakeAt = Math.min(nextFull, wakeAt);
        if (nextOutput > 0) wakeAt = Math.min(wakeAt, nextOutput);
        long nextReap = local.nextReapAt();
        if (nextReap > 0) wakeAt = Math.min(wakeAt, nextReap);
      } catch (RuntimeException e) {
        LOG.warn("catalog sync failed, retrying: {}", e.getMessage());
        wakeAt = clock.millis() + RETRY_MILLIS;
      }
      await(wakeAt);
    }
  }

  private long jittered(long millis) {
    return millis + ThreadLocalRandom.current().nextLong(Math.max(1, millis / 4));
  }

  private void await(long wakeAtMillis) {
    synchronized (signal) {
      long wait = wakeAtMillis - clock.millis();
      while (!signalled && running && wait > 0) {
        try {
          signal.wait(wait);
        } catch (InterruptedException e) {
          return;
        }
        wait = wakeAtMillis - clock.millis();
      }
      signalled = false;
    }
  }

  /**
   * Reads what the catalog holds for this node, pushes what differs from the local state, and
   * drops what the catalog holds that this agent does not. Nothing that matches is written:
   * each write is a Raft entry (a log append, an fsync, a replication round) on every server.
   */
  void fullSync() {
    NodeIdentity n = local.node();
    Optional<NodeServices> remote = port.nodeServices(n.name());
    Map<String, ServiceInstance> remoteServices = new HashMap<>();
    remote.ifPresent(r -> r.services().forEach(s -> remoteServices.put(s.id(), s)));
    Map<String, HealthCheck> remoteChecks = new HashMap<>();
    for (HealthCheck hc : port.nodeChecks(n.name())) remoteChecks.put(hc.checkId(), hc);

    List<HealthCheck> nodeChecks = new ArrayList<>();
    if (ownsSerfHealth) {
      nodeChecks.add(new HealthCheck(n.name(), SERF_HEALTH, "Serf Health Status", CheckStatus.PASSING, "",
          "Agent alive and reachable", "", "", List.of(), "", "", "", 0, 0));
    }
    Node self = new Node(n.id(), n.name(), n.address(), n.datacenter(), n.taggedAddresses(), n.meta(), 0, 0);
    boolean nodeDiffers = remote.isEmpty() || !self.sameContent(remote.get().node())
        || serverService != null && !serverService.onNode(n.name()).sameContent(remoteServices.get(serverService.id()))
        || nodeChecks.stream().anyMatch(hc -> !hc.sameContent(remoteChecks.get(hc.checkId())));
    if (nodeDiffers) require(port.write(register(false, serverService, nodeChecks)));
    local.markDifferent(remoteServices, remoteChecks);
    pushPending();

    Set<String> localServices = local.services().keySet();
    Set<String> localChecks = new HashSet<>(local.allCheckIds());
    for (ServiceInstance s : remoteServices.values()) {
      boolean ours = serverService != null && serverService.id().equals(s.id());
      if (!localServices.contains(s.id()) && !ours) require(port.write(new Command.CatalogDeregister(n.name(), s.id(), null)));
    }
    for (HealthCheck hc : remoteChecks.values()) {
      if (!localChecks.contains(hc.checkId()) && !hc.checkId().equals(SERF_HEALTH)) {
        require(port.write(new Command.CatalogDeregister(n.name(), null, hc.checkId())));
      }
    }
  }

  private void pushPending() {
    LocalState.Pending p = local.takePending();
    if (p.isEmpty()) {
      local.pushed(p.changeCount());
      return;
    }
    try {
      String node = local.node().name();
      for (String id : p.removedServices()) require(port.write(new Command.CatalogDeregister(node, id, null)));
      for (String id : p.removedChecks()) require(port.write(new Command.CatalogDeregister(node, null, id)));
      Set<String> pushed = new HashSet<>();
      for (String id : p.services()) {
        Optional<ServiceInstance> s = local.service(id);
        if (s.isEmpty()) continue;
        List<HealthCheck> checks = new ArrayList<>();
        for (LocalCheck c : local.checksOf(id)) checks.add(snapshot(c));
        require(port.write(register(true, s.get(), checks)));
        checks.forEach(hc -> {
          local.markSynced(hc);
          pushed.add(hc.checkId());
        });
      }
      for (String id : p.checks()) {
        if (pushed.contains(id)) continue;
        LocalCheck c = local.check(id);
        if (c == null) continue;
        HealthCheck hc = snapshot(c);
        require(port.write(register(true, null, List.of(hc))));
        local.markSynced(hc);
      }
        local.pushed(p.changeCount());
    } catch (RuntimeException e) {
      local.requeue(p);
      throw e;
    }
  }

  private HealthCheck snapshot(LocalCheck c) {
    synchronized (local) {
      return local.toHealthCheck(c);
    }
  }

  private Command.CatalogRegister register(boolean skipNodeUpdate, ServiceInstance service, List<HealthCheck> checks) {
    NodeIdentity n = local.node();
    return new Command.CatalogRegister(n.id(), n.name(), n.address(), n.datacenter(), n.taggedAddresses(), n.meta(),
        skipNodeUpdate, service, checks);
  }

  private static void require(Outcome o) {
    if (o.error() != null) throw new IllegalStateException(o.error());
  }


  @Override
  public void close() {
    running = false;
    signal();
    if (thread != null) thread.interrupt();
  }
}
