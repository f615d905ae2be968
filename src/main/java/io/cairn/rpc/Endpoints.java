package io.cairn.rpc;

import io.cairn.raft.NotLeaderException;
import io.cairn.raft.RaftNode;
import io.cairn.state.Command;
import io.cairn.state.Indexed;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import io.cairn.state.Topic;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The operations the HTTP and DNS interfaces need from the cluster, served by this server.
 * Reads honour the read mode and blocking rules; writes go through Raft. This is where
 * forwarding to the leader or another datacenter plugs in.
 */
public final class Endpoints {
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

  private final RaftNode raft;
  private final StateStore store;
  private final String datacenter;
  private volatile boolean stopping;

  public Endpoints(RaftNode raft, String datacenter) {
    this.raft = raft;
    this.store = raft.store();
    this.datacenter = datacenter;
  }

  public String datacenter() {
    return datacenter;
  }

  public List<String> datacenters() {
    return List.of(datacenter);
  }

  /** Serves a read of {@code topics}, blocking per the options. */
  public <T> QueryResult<T> read(QueryOptions opts, List<Topic> topics, Function<StateStore, Indexed<T>> query)
      throws InterruptedException {
    checkDatacenter(opts.datacenter());
    if (opts.consistency() != Consistency.STALE && !raft.isLeader()) throw new NoLeaderException();
    Indexed<T> r = BlockingQuery.run(store, topics, opts.minIndex(), opts.maxWait(), query, () -> stopping);
    return new QueryResult<>(r.value(), meta(r.index()));
  }

  /** Shutdown has begun: held blocking queries answer at once with what they have. */
  public void stopBlocking() {
    stopping = true;
    store.wakeAllWatches();
  }

  public QueryMeta meta(long index) {
    return new QueryMeta(Math.max(1, index), raft.knownLeader(), 0);
  }

  public Outcome write(Command command) {
    return write(command, WriteOptions.local());
  }

  public Outcome write(Command command, WriteOptions opts) {
    checkDatacenter(opts.datacenter());
    try {
      return raft.apply(command, WRITE_TIMEOUT);
    } catch (NotLeaderException e) {
      throw new NoLeaderException();
    }
  }

  private void checkDatacenter(String dc) {
    if (dc != null && !dc.isEmpty() && !dc.equals(datacenter)) throw new UnknownDatacenterException(dc);
  }

  public String leaderAddress() {
    String a = raft.leaderRpcAddress();
    return a == null ? "" : a;
  }

  public List<String> peerAddresses() {
    return raft.peers().stream().map(RaftNode.RaftPeerSpec::rpcAddress).toList();
  }

  public boolean isLeader() {
    return raft.isLeader();
  }

  public StateStore store() {
    return store;
  }
}
