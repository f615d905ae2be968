package io.cairn.endpoints;

import io.cairn.membership.Autopilot;
import io.cairn.raft.Consensus;
import io.cairn.raft.NotLeaderException;
import io.cairn.rpc.NoLeaderException;
import io.cairn.rpc.RpcClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operator calls only the leader can answer (autopilot's report, a leadership transfer):
 * served here on the leader, sent once to the leader from a follower, as Consul forwards them.
 */
final class LeaderOperations {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(10);

  private final RpcClient rpc;
  private final Supplier<Consensus> raft;
  private volatile Supplier<Autopilot.Report> autopilot;

  LeaderOperations(RpcClient rpc, Supplier<Consensus> raft) {
    this.rpc = rpc;
    this.raft = raft;
  }

  void attachAutopilot(Supplier<Autopilot.Report> report) {
    this.autopilot = report;
  }

  /** Body and answer of /rpc/transfer-leader: the server to lead (empty: the most up to date), then who leads. */
  record Transfer(String id) {}

  Autopilot.Report autopilot(boolean forwarded) {
    Consensus r = raft.get();
    Supplier<Autopilot.Report> report = autopilot;
    if (r != null && r.isLeader() && report != null) return report.get();
    return rpc(forwarded, "/rpc/autopilot", Map.of(), Autopilot.Report.class);
  }

  String transferLeader(String id, boolean forwarded) {
    Consensus r = raft.get();
    if (r != null && r.isLeader()) {
      try {
        return r.transferLeadership(id, TRANSFER_TIMEOUT);
      } catch (NotLeaderException e) {
        throw new NoLeaderException();
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return rpc(forwarded, "/rpc/transfer-leader", new Transfer(id == null ? "" : id), Transfer.class).id();
  }

  private <T> T rpc(boolean forwarded, String path, Object body, Class<T> answer) {
    Consensus r = raft.get();
    String leader = r == null ? null : r.leaderRpcAddress();
    if (forwarded || leader == null) throw new NoLeaderException();
    try {
      return rpc.post(leader, path, body, answer, CALL_TIMEOUT, true);
    } catch (RpcClient.NoLeaderIOException e) {
      throw new NoLeaderException();
    } catch (RpcClient.RemoteError e) {
      if (e.status() == 400) throw new IllegalArgumentException(e.reason());
      throw new IllegalStateException(e.reason());
    } catch (IOException e) {
      throw new NoLeaderException();
    }
  }
}
