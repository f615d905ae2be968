package io.cairn.membership;

import io.cairn.raft.Voter;
import io.cairn.rpc.Ack;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import io.cairn.rpc.RpcServer;
import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.StateStore;
import io.cairn.state.WatchSet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node liveness and the member list. Every agent sends a heartbeat to the servers every second
 * or two; the leader keeps the {@link MemberTable} that counts and, for a node silent longer
 * than the failure timeout, sets its {@code serfHealth} check critical, so its services leave
 * healthy answers; a heartbeat from a failed node sets it passing again. A leaving agent says so,
 * and shows as {@code left}. A new leader learns the members from the catalog and gives each a
 * full timeout first. Other servers keep the beats that pass through them, which is what they
 * answer with while there is no leader.
 */
public final class Heartbeats implements Autopilot.Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
  public static final String SERF_HEALTH = "serfHealth";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long a server must be silent in Raft and in heartbeats before the leader calls it
   * failed: about what Consul's gossip takes to declare a dead node (probe interval 1 s,
   * suspicion a few seconds), and three missed beats of the 1 s server beat.
   */
  static final Duration SERVER_SILENCE = Duration.ofSeconds(3);

  /**
   * Body of /rpc/heartbeat and /rpc/member-leave: who beats, where it is, and its incarnation
   * (when it started), so that a beat sent before a leave and delivered after it does not bring
   * the member back, while the same agent restarted does.
   */
  public record Beat(String node, String address, int port, String datacenter, boolean server, int serverPort,
                     long incarnation, Vivaldi.Coordinate coord) {
    public Beat(String node, String address, int port, String datacenter, boolean server, int serverPort, long incarnation) {
      this(node, address, port, datacenter, server, serverPort, incarnation, null);
    }

    Member member() {
      return new Member(node, address, port, datacenter, server, serverPort, Member.Status.ALIVE);
    }
  }

  /** Body of /rpc/force-leave. */
  public record ForceLeave(String node, boolean prune) {}

  /** Answer of /rpc/members. */
  public record Members(List<Member> members, Map<String, Vivaldi.Coordinate> coordinates) {
    public Members(List<Member> members) {
      this(members, Map.of());
    }
  }

  /** Answer of /rpc/heartbeat: done, and the answering server's LAN coordinate, for the beater's own. */
  public record BeatAck(boolean ok, Vivaldi.Coordinate coord) {}

  /** Body of /rpc/coordinate-update (PUT /v1/coordinate/update). */
  public record CoordinateUpdate(String node, Vivaldi.Coordinate coord) {}

  /** Each member's LAN coordinate, as its beats last brought it (soft state, as membership is). */
  private final Map<String, Vivaldi.Coordinate> coordinates = new ConcurrentHashMap<>();
  private volatile java.util.function.Supplier<Vivaldi.Coordinate> ownCoordinate = () -> null;

  /** Where this server's own LAN coordinate comes from (its probes of the other servers). */
  public void coordinateFrom(java.util.function.Supplier<Vivaldi.Coordinate> own) {
    this.ownCoordinate = own;
  }

  /** What heartbeats need from this server: leadership, the catalog, and writing to it. */
  public interface ServerPort {
    boolean isLeader();

    /** The leader's RPC address, or null. */
    String leaderRpcAddress();

    StateStore store();

    void write(Command command);

    /** Removes a server from the Raft voters (a server forced to leave); on the leader. */
    void removeVoter(String id) throws IOException;

    /** The Raft voters: servers, members whether or not their beats reached this leader yet. */
    List<Voter> voters();

    /** On the leader: each follower's milliseconds since it last answered in Raft. */
    Map<String, Long> followerSilenceMillis();
  }

  private final ServerPort server;
  private final RpcClient rpc;
  private final Duration failureTimeout;
  private final LongSupplier clock;
  private final MemberTable table = new MemberTable();
  /** The incarnation each member left with: beats from it or earlier ones are stale. */
  private final Map<String, Long> leftIncarnation = new ConcurrentHashMap<>();
  private volatile boolean wasLeader;

  public Heartbeats(ServerPort server, RpcClient rpc, Duration failureTimeout, LongSupplier clock) {
    this.server = server;
    this.rpc = rpc;
    this.failureTimeout = failureTimeout;
    this.clock = clock;
  }

  /** The calls this serves on the RPC port. */
  public void register(RpcServer rpc) {
    rpc.register("/rpc/heartbeat", Beat.class, (beat, fwd) -> new BeatAck(beat(beat, fwd).ok(), ownCoordinate.get()));
    rpc.register("/rpc/coordinate-update", CoordinateUpdate.class, this::updateCoordinate);
    rpc.register("/rpc/member-leave", Beat.class, this::leave);
    rpc.register("/rpc/force-leave", ForceLeave.class, this::forceLeave);
    rpc.register("/rpc/members", Object.class, (none, forwarded) -> members(forwarded));
  }

  /** On a server: a node said it is alive. Recorded here, and by the leader, which alone acts. */
  public Ack beat(Beat beat, boolean forwarded) throws IOException {
    Long left = leftIncarnation.get(beat.node());
    if (left != null && beat.incarnation() <= left) return Ack.OK;
    leftIncarnation.remove(beat.node());
    if (beat.coord() != null && beat.coord().valid()) coordinates.put(beat.node(), beat.coord());
    MemberTable.Change change = table.beat(beat.member(), clock.getAsLong());
    if (server.isLeader()) {
      // Only a member new to this leader, or back from failed or left, can have serfHealth
      // critical (this class sets it critical only as it marks the member failed): a steady
      // beat, the common case, reads nothing from the store.
      if (change != MemberTable.Change.NONE) {
        LOG.info("member alive: node={} address={}", beat.node(), beat.address());
        if (isCritical(beat.node())) setSerfHealth(beat.node(), CheckStatus.PASSING, "Agent alive and reachable");
      }
      return Ack.OK;
    }
    return toLeader("/rpc/heartbeat", beat, forwarded);
  }

  /** On a server: a node is leaving gracefully. The leader marks it left and takes it out of the catalog. */
  public Ack leave(Beat beat, boolean forwarded) throws IOException {
    leftIncarnation.merge(beat.node(), beat.incarnation(), Math::max);
    table.beat(beat.member(), clock.getAsLong());
    table.left(beat.node(), clock.getAsLong());
    if (!server.isLeader()) return toLeader("/rpc/member-leave", beat, forwarded);
    LOG.info("member left: node={}", beat.node());
    server.write(new Command.NodeLeft(beat.node(), beat.address()));
    return Ack.OK;
  }

  /**
   * On a server: forces a member out (Consul's force-leave): it shows as left and leaves the
   * catalog, and a server leaves the Raft voters; an agent still alive comes back with its next
   * heartbeat. With {@code prune} it is forgotten at once. Answers not-ok for a node it does not know.
   */
  public Ack forceLeave(ForceLeave req, boolean forwarded) throws IOException {
    if (!server.isLeader()) return toLeader("/rpc/force-leave", req, forwarded);
    Member m = table.get(req.node());
    if (m == null) return new Ack(false);
    LOG.info("member forced to leave: node={} prune={}", req.node(), req.prune());
    if (req.prune()) table.forget(req.node());
    else table.left(req.node(), clock.getAsLong());
    if (m.server()) server.removeVoter(req.node());
    server.write(new Command.NodeLeft(m.name(), m.address()));
    return Ack.OK;
  }

  /** The members as the leader knows them; without a leader, as this server does. */
  /** PUT /v1/coordinate/update: a node's coordinate, kept here and on the leader. */
  public Ack updateCoordinate(CoordinateUpdate u, boolean forwarded) throws IOException {
    if (u.node() == null || u.node().isEmpty()) throw new IllegalArgumentException("Must provide a node name");
    if (u.coord() == null || !u.coord().valid()) throw new IllegalArgumentException("rejected bad coordinate");
    coordinates.put(u.node(), u.coord());
    if (server.isLeader() || forwarded) return Ack.OK;
    return toLeader("/rpc/coordinate-update", u, false);
  }

  public Members members(boolean forwarded) {
    if (server.isLeader() || forwarded) return new Members(table.list(), Map.copyOf(coordinates));
    String leader = server.leaderRpcAddress();
    if (leader != null) {
      try {
        return rpc.post(leader, "/rpc/members", Map.of(), Members.class, CALL_TIMEOUT, true);
      } catch (IOException e) {
        LOG.debug("members from the leader: {}", e.getMessage());
      }
    }
    return new Members(table.list(), Map.copyOf(coordinates));
  }

  private Ack toLeader(String path, Object body, boolean forwarded) throws IOException {
    String leader = server.leaderRpcAddress();
    if (forwarded || leader == null || leader.isEmpty()) throw new NoLeaderException();
    return rpc.post(leader, path, body, Ack.class, CALL_TIMEOUT, true);
  }

  /** A member as this server's table has it (the leader's is the one kept up), or null. */
  @Override
  public Member member(String name) {
    return table.get(name);
  }

  /** How long a member has been failed (nanoseconds on this clock), or -1 if it is not. */
  @Override
  public long failedForNanos(String name, long now) {
    return table.failedFor(name, now);
  }

  /** Called every second on every server; acts only on the leader. */
  public void tick() {
    if (!server.isLeader()) {
      wasLeader = false;
      return;
    }
    long now = clock.getAsLong();
    if (!wasLeader) {
      wasLeader = true;
      learnFromCatalog(now);
      return;
    }
    // A server silent both in Raft and in heartbeats for a few seconds is down (a killed server
    // showed alive for the whole failure timeout); either signal alone is not enough, so a busy
    // follower or a Raft-only hiccup does not flap.
    List<Member> failedNow = new ArrayList<>(table.expire(now, failureTimeout));
    server.followerSilenceMillis().forEach((id, silentMillis) -> {
      if (silentMillis < SERVER_SILENCE.toMillis()) return;
      Member m = table.failIfSilent(id, now, SERVER_SILENCE);
      if (m != null) failedNow.add(m);
    });
    for (Member failed : failedNow) {
      LOG.info("member failed: no heartbeat for {} node={}", failureTimeout, failed.name());
      if (hasSerfHealth(failed.name()) && !isCritical(failed.name())) {
        setSerfHealth(failed.name(), CheckStatus.CRITICAL, "Agent not live or unreachable");
      }
    }
  }

  /**
   * A new leader: every agent in the catalog (a node with a serfHealth check; a node registered
   * from outside is not an agent) and every node that left is a member, and every member gets a
   * full failure timeout from now before it can be marked failed.
   */
  private void learnFromCatalog(long now) {
    StateStore store = server.store();
    Map<String, Integer> serverPorts = new java.util.HashMap<>();
    store.serviceEntries(new WatchSet(), "consul").value()
        .forEach(e -> serverPorts.put(e.node().name(), e.service().port()));
    Map<String, CheckStatus> serf = new java.util.HashMap<>();
    for (HealthCheck c : store.checks(new WatchSet()).value()) {
      if (c.checkId().equals(SERF_HEALTH)) serf.put(c.node(), c.status());
    }
    for (Voter v : server.voters()) {
      HostPort raft = HostPort.of(v.raftAddress());
      HostPort rpc = HostPort.of(v.rpcAddress());
      table.seed(new Member(v.id(), raft.host(), raft.port(), "", true, rpc.port(), Member.Status.ALIVE), now);
    }
    List<Node> nodes = new ArrayList<>(store.nodes(new WatchSet()).value());
    for (Node n : nodes) {
      CheckStatus s = serf.get(n.name());
      if (s == null) continue;
      Integer port = serverPorts.get(n.name());
      table.seed(new Member(n.name(), n.address(), 0, n.datacenter(), port != null, port == null ? 0 : port,
          s == CheckStatus.CRITICAL ? Member.Status.FAILED : Member.Status.ALIVE), now);
    }
    store.leftNodes(new WatchSet()).value().forEach((name, address) ->
        table.seed(new Member(name, address, 0, "", false, 0, Member.Status.LEFT), now));
    table.refreshAll(now);
  }

  /** "host:port" split; a port that is missing or not a number is 0. */
  private record HostPort(String host, int port) {
    static HostPort of(String address) {
      if (address == null) return new HostPort("", 0);
      int colon = address.lastIndexOf(':');
      if (colon < 0) return new HostPort(address, 0);
      try {
        return new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return new HostPort(address.substring(0, colon), 0);
      }
    }
  }

  private List<HealthCheck> checks(String node) {
    return server.store().nodeChecks(new WatchSet(), node).value();
  }

  private boolean hasSerfHealth(String node) {
    return checks(node).stream().anyMatch(c -> c.checkId().equals(SERF_HEALTH));
  }

  private boolean isCritical(String node) {
    return checks(node).stream().anyMatch(c -> c.checkId().equals(SERF_HEALTH) && c.status() == CheckStatus.CRITICAL);
  }

  private void setSerfHealth(String node, CheckStatus status, String output) {
    var n = server.store().nodeServices(new WatchSet(), node).value();
    if (n.isEmpty()) return;
    Node nd = n.get().node();
    HealthCheck hc = new HealthCheck(node, SERF_HEALTH, "Serf Health Status", status, "", output, "", "", List.of(),
        "", "", "", 0, 0);
    try {
      server.write(new Command.CatalogRegister(nd.id(), node, nd.address(), nd.datacenter(), nd.taggedAddresses(),
          nd.meta(), true, null, List.of(hc)));
    } catch (RuntimeException e) {
      LOG.warn("could not update serfHealth node={}: {}", node, e.getMessage());
    }
  }
}
