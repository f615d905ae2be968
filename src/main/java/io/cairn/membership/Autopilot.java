package io.cairn.membership;

import io.cairn.raft.Voter;
import io.cairn.state.AutopilotConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's watch over the servers, as Consul's autopilot: each server's health by the
 * stored settings ({@link AutopilotConfig}), the cluster's failure tolerance, and the removal of
 * dead servers from the Raft voters (docs/autopilot.md).
 *
 * <p>A server is healthy when membership has it alive, the leader heard from it within
 * {@code LastContactThreshold} beyond one Raft heartbeat period (Ratis beats an idle follower every
 * {@link #HEARTBEAT_PERIOD_MILLIS}, where Consul's Raft beats about every 100 ms, so Consul's 200 ms
 * default would call every idle follower unhealthy here), it is at the leader's term, and it
 * trails the leader's log by at most {@code MaxTrailingLogs} entries.
 *
 * <p>With {@code CleanupDeadServers}, a voter this leader has seen healthy and that membership
 * has since had failed for {@code ServerStabilizationTime} is removed from the voters, as long as that leaves at least
 * {@code MinQuorum} voters and removes at most a minority ({@code (voters - 1) / 2}) at once, so
 * that a partition never lets one side vote the other out.
 */
public final class Autopilot {
  private static final Logger LOG = LoggerFactory.getLogger(Autopilot.class);
  /** Ratis's heartbeat to an idle follower: half its minimum election timeout (RatisTuning: 1 s). */
  static final long HEARTBEAT_PERIOD_MILLIS = 500;

  /** What autopilot needs from its server. */
  public interface ServerPort {
    boolean isLeader();

    /** This server's id (its node name). */
    String selfId();

    List<Voter> voters();

    /** The settings in force: stored through the API, else this server's configured ones. */
    AutopilotConfig config();

    /** On the leader: milliseconds since each follower last answered. */
    Map<String, Long> followerSilenceMillis();

    /** On the leader: how far each voter's log is known to reach (its commit index). */
    Map<String, Long> logIndexes();

    /** This server's last log index and current term. */
    long lastIndex();

    long term();

    void removeVoter(String id) throws IOException;
  }

  /** What membership says of a server: its member record, and how long it has been failed. */
  public interface Membership {
    /** The member, or null if unknown. */
    Member member(String name);

    /** Nanoseconds on the autopilot's clock since it was marked failed, or -1 if it is not failed. */
    long failedForNanos(String name, long now);
  }

  /** One server's health from the leader's point of view; times in milliseconds (StableSince: epoch). */
  public record ServerHealth(String id, String name, String address, String serfStatus, String version, boolean leader,
                             long lastContactMillis, long lastTerm, long lastIndex, boolean healthy, boolean voter,
                             long stableSinceMillis) {}

  /** The whole: every server healthy, how many could fail without losing quorum, each server. */
  public record Report(boolean healthy, int failureTolerance, String leader, List<ServerHealth> servers) {}

  private final ServerPort server;
  private final Membership membership;
  private final String version;
  private final LongSupplier nanos;
  private final LongSupplier wallMillis;
  /** Per server: the health last computed and since when (epoch ms). */
  private final Map<String, Boolean> lastHealthy = new HashMap<>();
  private final Map<String, Long> stableSince = new HashMap<>();
  /**
   * Servers this leader has seen healthy: only those can be taken for dead. A server that never
   * was (one still starting while a cluster forms, under load) is waited for, not removed.
   */
  private final java.util.Set<String> seenHealthy = new java.util.HashSet<>();

  public Autopilot(ServerPort server, Membership membership, String version, LongSupplier nanos, LongSupplier wallMillis) {
    this.server = server;
    this.membership = membership;
    this.version = version;
    this.nanos = nanos;
    this.wallMillis = wallMillis;
  }

  /** On the leader: the health of every voter now. */
  public synchronized Report report() {
    AutopilotConfig cfg = server.config();
    String self = server.selfId();
    Map<String, Long> silence = server.followerSilenceMillis();
    Map<String, Long> indexes = server.logIndexes();
    long leaderIndex = server.lastIndex();
    long term = server.term();
    List<ServerHealth> out = new ArrayList<>();
    int healthyVoters = 0;
    List<Voter> voters = server.voters();
    for (Voter v : voters) {
      boolean leader = v.id().equals(self);
      Member m = membership.member(v.id());
      String serf = leader ? "alive" : m == null ? "none" : m.status().name().toLowerCase(java.util.Locale.ROOT);
      long contact = leader ? 0 : silence.getOrDefault(v.id(), Long.MAX_VALUE);
      long index = leader ? leaderIndex : indexes.getOrDefault(v.id(), 0L);
      boolean healthy = serf.equals("alive")
          && contact <= cfg.lastContactThresholdMillis() + HEARTBEAT_PERIOD_MILLIS
          && leaderIndex - index <= cfg.maxTrailingLogs();
      Boolean before = lastHealthy.put(v.id(), healthy);
      if (before == null || before != healthy) stableSince.put(v.id(), wallMillis.getAsLong());
      if (healthy) {
        healthyVoters++;
        seenHealthy.add(v.id());
      }
      out.add(new ServerHealth(v.id(), v.id(), v.rpcAddress(), serf, version, leader,
          contact == Long.MAX_VALUE ? -1 : contact, term, index, healthy, true, stableSince.get(v.id())));
    }
    lastHealthy.keySet().retainAll(voters.stream().map(Voter::id).toList());
    seenHealthy.retainAll(lastHealthy.keySet());
    stableSince.keySet().retainAll(lastHealthy.keySet());
    int quorum = voters.size() / 2 + 1;
    boolean all = out.stream().allMatch(ServerHealth::healthy);
    return new Report(all, Math.max(0, healthyVoters - quorum), self, out);
  }

  /** Every second on every server; acts on the leader only. */
  public void tick() {
    if (!server.isLeader()) {
      synchronized (this) {
        lastHealthy.clear();
        stableSince.clear();
        seenHealthy.clear();
      }
      return;
    }
    report();  // keeps StableSince moving with health even when nobody asks
    AutopilotConfig cfg = server.config();
    if (!cfg.cleanupDeadServers()) return;
    List<Voter> voters = server.voters();
    long now = nanos.getAsLong();
    List<String> dead = new ArrayList<>();
    for (Voter v : voters) {
      if (v.id().equals(server.selfId())) continue;
      long failedFor = membership.failedForNanos(v.id(), now);
      boolean seen;
      synchronized (this) {
        seen = seenHealthy.contains(v.id());
      }
      if (seen && failedFor >= cfg.serverStabilizationTimeMillis() * 1_000_000L) dead.add(v.id());
    }
    if (dead.isEmpty()) return;
    int removable = (voters.size() - 1) / 2;
    if (dead.size() > removable) {
      LOG.warn("autopilot: {} dead servers {} but only {} may be removed at once without risking quorum; removing none",
          dead.size(), dead, removable);
      return;
    }
    if (cfg.minQuorum() > 0 && voters.size() - dead.size() < cfg.minQuorum()) {
      LOG.warn("autopilot: not removing dead servers {}: {} voters would remain, under MinQuorum {}", dead,
          voters.size() - dead.size(), cfg.minQuorum());
      return;
    }
    for (String id : dead) {
      try {
        LOG.info("autopilot: removing dead server {} from the voters (failed for at least {} ms)", id,
            cfg.serverStabilizationTimeMillis());
        server.removeVoter(id);
      } catch (IOException | RuntimeException e) {
        LOG.warn("autopilot: removing dead server {} failed: {}", id, e.getMessage());
      }
    }
  }
}
