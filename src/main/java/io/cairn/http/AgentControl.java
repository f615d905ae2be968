package io.cairn.http;

import java.util.List;
import java.util.Map;

/** What the agent endpoints need from the agent process itself (implemented by the agent package). */
public interface AgentControl {
  /** The facts /v1/agent/self reports. */
  record Self(String datacenter, String nodeName, String nodeId, boolean server, String version, String revision,
              String bindAddr, List<String> clientAddrs, String dataDir, String logLevel, String domain,
              boolean bootstrap, Map<String, String> meta, boolean disableRemoteExec) {}

  /** A gossip-pool member as /v1/agent/members shows it; status 1 alive, 3 left, 4 failed. */
  record Member(String name, String addr, int port, Map<String, String> tags, int status) {}

  Self self();

  /**
   * Whether what starts after this agent can rely on it ({@code /v1/agent/ready}, Cairn's own):
   * joined, a leader known and this node's services and checks in the catalog; else the stage
   * it is in ("joining", "electing", "syncing") and why.
   */
  record Readiness(boolean ready, String stage, String reason) {}

  Readiness readiness();

  List<Member> members(boolean wan);

  /** This agent as a member, without asking anyone (/v1/agent/self is called often). */
  Member selfMember();

  boolean scriptChecksEnabled();

  /** Whether /debug/ serves thread dumps and recent log lines (enable_debug; on with -dev). */
  boolean debugEnabled();

  /** translate_wan_addrs: answers about other datacenters carry their WAN addresses. */
  boolean translateWanAddrs();

  /** Every node's LAN coordinate this datacenter knows (the leader's view); empty where none is kept (-dev). */
  java.util.Map<String, io.cairn.membership.Vivaldi.Coordinate> lanCoordinates();

  /** Every server's WAN coordinate, by {@code <node>.<dc>}; empty on a client agent or a -dev server. */
  java.util.Map<String, io.cairn.membership.Vivaldi.Coordinate> wanCoordinates();

  /** PUT /v1/coordinate/update. */
  void updateCoordinate(String node, io.cairn.membership.Vivaldi.Coordinate coord) throws Exception;

  /** The shortest session TTL this agent accepts (session_ttl_min). */
  java.time.Duration sessionTtlMin();

  /** This agent's configured autopilot settings: what a leader stores when the cluster has none yet. */
  io.cairn.state.AutopilotConfig autopilotConfigured();

  void reload() throws Exception;

  void leave();

  /** Joins the cluster through the agent at {@code address}. */
  void join(String address, boolean wan) throws Exception;

  /** Forces a member into the left state; with {@code prune}, forgets it at once. */
  void forceLeave(String node, boolean prune) throws Exception;
}
