package io.cairn.endpoints;

import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.Session;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's operations as the HTTP API needs them: typed reads and commands, Raft status and
 * the few calls that are neither. A server serves them itself ({@link Endpoints}); a client agent
 * sends them, as they are, to a server ({@link RemoteCluster}). There is one way to reach the
 * cluster, whichever kind of agent a request arrives at.
 */
public interface Cluster {
  String datacenter();

  List<String> datacenters();

  /** Serves a read, blocking per the options on what the read registers. */
  <T> QueryResult<T> read(QueryOptions opts, Query<T> query) throws InterruptedException;

  /** Commits a write through the leader. */
  Outcome write(Command command, WriteOptions opts);

  /** The Raft group as the servers see it. */
  RaftStatus raft();

  /** Renews a session's TTL on the leader; empty if there is no such session. */
  Optional<Session> renewSession(String id);

  /** Removes a server from the Raft voters, through the leader. */
  void removePeer(String id);

  /** Autopilot's view of the servers, from the leader. */
  io.cairn.membership.Autopilot.Report autopilot();

  /** Hands Raft leadership to the server {@code id} (null or empty: the most up-to-date one); returns the new leader's id. */
  String transferLeader(String id);

  /** Figures for /v1/agent/metrics about the replicated state: a server's; none on a client. */
  Map<String, Double> gauges();
}
