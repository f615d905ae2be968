package io.cairn.membership;

import io.cairn.raft.NotLeaderException;
import io.cairn.raft.Consensus;
import io.cairn.raft.Voter;
import io.cairn.rpc.Ack;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import io.cairn.rpc.RpcServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How servers find each other and form one Raft group: they greet the addresses they were told
 * to join and learn every server those know. With {@code bootstrap_expect = N} a server forms
 * the group once it knows N servers and none has formed one; every one of them computes the
 * same peer set (the N lowest ids), so exactly one group forms. A server that meets a formed
 * group instead starts empty and asks the leader to add it as a voter.
 */
public final class ServerCluster {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCluster.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /** What /rpc/hello answers: the servers this one knows, and whether it is in a formed group. */
  public record HelloReply(List<ServerInfo> known, boolean formed, String leaderRpcAddress, List<ServerInfo> groupPeers) {}


  /** How to start Raft: with these peers (form), or with none (join an existing group). */
  public record StartPlan(List<ServerInfo> peers) {
    public boolean joining() {
      return peers.isEmpty();
    }
  }

  private final ServerInfo self;
  private final java.util.concurrent.CopyOnWriteArrayList<String> joinAddresses;
  private final RpcClient client;
  private final java.util.function.Supplier<List<String>> discovered;
  private final Map<String, ServerInfo> known = new ConcurrentHashMap<>();
  private volatile Consensus raft;

  public ServerCluster(ServerInfo self, List<String> joinAddresses, RpcClient client) {
    this(self, joinAddresses, client, List::of);
  }

  /** With more addresses to try, asked afresh at every round (a discovery token's servers). */
  public ServerCluster(ServerInfo self, List<String> joinAddresses, RpcClient client,
                       java.util.function.Supplier<List<String>> discovered) {
    this.discovered = discovered;
    this.self = self;
    this.joinAddresses = new java.util.concurrent.CopyOnWriteArrayList<>(joinAddresses);
    this.client = client;
    known.put(self.id(), self);
  }

  public void attach(Consensus node) {
    this.raft = node;
  }

  public ServerInfo self() {
    return self;
  }

  /** The calls this serves on the RPC port. */
  public void register(RpcServer rpc) {
    rpc.register("/rpc/hello", ServerInfo.class, (from, fwd) -> hello(from));
    rpc.register("/rpc/servers", Object.class, (none, fwd) -> servers());
    rpc.register("/rpc/join", ServerInfo.class, this::join);
    rpc.register("/rpc/leave", ServerInfo.class, this::leave);
  }

  // --- handlers of the RPC port ---

  HelloReply hello(ServerInfo from) {
    // Only servers greet with addresses; anything else is not counted towards bootstrap_expect.
    boolean isServer = from.rpcAddress() != null && !from.rpcAddress().isEmpty() && from.raftAddress() != null
        && !from.raftAddress().isEmpty();
    if (isServer && from.datacenter().equals(self.datacenter())) known.put(from.id(), from);
    return servers();
  }

  /** The servers of the formed group (what client agents ask for), or those known so far. */
  HelloReply servers() {
    Consensus r = raft;
    List<ServerInfo> group = r == null ? List.of() : r.peers().stream()
        .map(p -> new ServerInfo(p.id(), p.raftAddress(), p.rpcAddress(), self.datacenter(), 0)).toList();
    return new HelloReply(new ArrayList<>(known.values()), r != null, r == null ? null : r.leaderRpcAddress(), group);
  }

  Ack join(ServerInfo server, boolean forwarded) throws IOException {
    return onLeader("/rpc/join", server, forwarded, r -> r.addVoter(spec(server), CALL_TIMEOUT));
  }

  Ack leave(ServerInfo server, boolean forwarded) throws IOException {
    known.remove(server.id());
    return onLeader("/rpc/leave", server, forwarded, r -> r.removeVoter(server.id(), CALL_TIMEOUT));
  }

  private interface LeaderAction {
    void run(Consensus leader) throws IOException;
  }

  private Ack onLeader(String path, ServerInfo server, boolean forwarded, LeaderAction action) throws IOException {
    Consensus r = raft;
    if (r == null) throw new NoLeaderException();
    if (r.isLeader()) {
      try {
        action.run(r);
        return Ack.OK;
      } catch (NotLeaderException e) {
        throw new NoLeaderException();
      }
    }
    String leader = r.leaderRpcAddress();
    if (forwarded || leader == null) throw new NoLeaderException();
    return client.post(leader, path, server, Ack.class, CALL_TIMEOUT, true);
  }

  static Voter spec(ServerInfo s) {
    return new Voter(s.id(), s.raftAddress(), s.rpcAddress());
  }

  // --- start-up ---

  /**
   * Greets the join addresses until it is clear how to start: blocks, retrying every
   * {@code retryInterval}; after {@code retryMax} rounds (0: forever) gives up.
   */
  public StartPlan discover(int bootstrapExpect, Duration retryInterval, int retryMax) throws InterruptedException {
    for (int round = 1; ; round++) {
      boolean formedElsewhere = false;
      for (String addr : targets()) {
        try {
          HelloReply reply = client.post(addr, "/rpc/hello", self, HelloReply.class, CALL_TIMEOUT, false);
          for (ServerInfo s : reply.known()) if (s.datacenter().equals(self.datacenter())) known.putIfAbsent(s.id(), s);
          formedElsewhere |= reply.formed();
          // A group that was formed with this server in it: start as one of its first members,
          // or it may never reach a quorum to elect the leader that would add us.
          if (reply.formed() && reply.groupPeers() != null
              && reply.groupPeers().stream().anyMatch(p -> p.id().equals(self.id()))) {
            LOG.info("found the cluster formed with this server in it: {}", reply.groupPeers().stream().map(ServerInfo::id).toList());
            return new StartPlan(reply.groupPeers());
          }
        } catch (IOException e) {
          LOG.debug("join {}: {}", addr, e.getMessage());
        }
      }
      if (formedElsewhere) {
        LOG.info("found an existing cluster; joining it");
        return new StartPlan(List.of());
      }
      if (bootstrapExpect > 0 && known.size() >= bootstrapExpect) {
        List<ServerInfo> peers = known.values().stream().sorted(Comparator.comparing(ServerInfo::id))
            .limit(bootstrapExpect).toList();
        if (peers.contains(self)) {
          LOG.info("bootstrap: {} servers known, forming the cluster with {}", known.size(),
              peers.stream().map(ServerInfo::id).toList());
          return new StartPlan(peers);
        }
        return new StartPlan(List.of());
      }
      if (retryMax > 0 && round >= retryMax) {
        throw new IllegalStateException("no servers found at " + joinAddresses + " after " + round + " attempts (retry_max)");
      }
      LOG.info("waiting for servers: know {} of {} expected", known.size(), Math.max(bootstrapExpect, 1));
      Thread.sleep(retryInterval.toMillis());
    }
  }

  /** After starting empty: asks (through any server) to be made a voter, until one agrees. */
  public void requestJoin(Duration retryInterval) throws InterruptedException {
    while (true) {
      for (String addr : targets()) {
        try {
          client.post(addr, "/rpc/join", self, Ack.class, CALL_TIMEOUT, false);
          LOG.info("joined the cluster through {}", addr);
          return;
        } catch (IOException e) {
          LOG.debug("join through {}: {}", addr, e.getMessage());
        }
      }
      LockSupport.parkNanos(retryInterval.toNanos());
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }

  /**
   * {@code /v1/agent/join} on a server: greets the server at {@code address}, learns the servers
   * it knows and keeps the address among those it joins through, so a server still looking for
   * its cluster forms or joins it with them. Returns how many servers that one knows.
   */
  public int joinAddress(String address) throws IOException {
    HelloReply reply = client.post(address, "/rpc/hello", self, HelloReply.class, CALL_TIMEOUT, false);
    joinAddresses.addIfAbsent(address);
    for (ServerInfo s : reply.known()) if (s.datacenter().equals(self.datacenter())) known.putIfAbsent(s.id(), s);
    LOG.info("join: {} answered and knows {} servers", address, reply.known().size());
    return reply.known().size();
  }

  /**
   * A server started from its data that is not a voter in the group it knows, or that hears from
   * no leader: it left, or an operator removed it, and nobody will send it anything. As Consul's
   * servers do on rejoining, it asks the others (its join addresses and the peers in its own
   * copy of the configuration) to add it back; on the leader that is a no-op for a voter.
   * Returns whether a leader took the request.
   */
  public boolean rejoinIfOutside() {
    Consensus r = raft;
    if (r == null) return false;
    List<Voter> peers = r.peers();
    boolean voter = peers.stream().anyMatch(p -> p.id().equals(self.id()));
    if (voter && r.knownLeader()) return false;
    List<String> addrs = targets();
    for (Voter p : peers) {
      if (!p.id().equals(self.id()) && p.rpcAddress() != null && !addrs.contains(p.rpcAddress())) addrs.add(p.rpcAddress());
    }
    for (String addr : addrs) {
      try {
        client.post(addr, "/rpc/join", self, Ack.class, CALL_TIMEOUT, false);
        if (!voter) LOG.info("asked to be a voter again through {}", addr);
        return true;
      } catch (IOException e) {
        LOG.debug("rejoin through {}: {}", addr, e.getMessage());
      }
    }
    return false;
  }

  /** Asks the leader to remove this server from the voters (a graceful leave). */
  public void requestLeave() {
    Consensus r = raft;
    if (r == null) return;
    try {
      if (r.isLeader()) {
        r.removeVoter(self.id(), CALL_TIMEOUT);
      } else if (r.leaderRpcAddress() != null) {
        client.post(r.leaderRpcAddress(), "/rpc/leave", self, Ack.class, CALL_TIMEOUT, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("leaving the raft configuration failed: {}", e.getMessage());
    }
  }

  private List<String> targets() {
    List<String> out = new ArrayList<>(joinAddresses);
    for (String d : discovered.get()) if (!out.contains(d)) out.add(d);
    for (ServerInfo s : known.values()) {
      if (!s.id().equals(self.id()) && !out.contains(s.rpcAddress())) out.add(s.rpcAddress());
    }
    out.remove(self.rpcAddress());
    return out;
  }
}
