package io.cairn.agent;

import io.cairn.checks.CheckDefinition;
import io.cairn.http.Definitions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An agent's settings once files and flags are merged (see {@link ConfigBuilder}). {@code httpAddr}
 * and {@code dnsAddr} are where the HTTP API and DNS listen (Consul's addresses.http/dns, which
 * default to client_addr). {@code discovery} is the discovery token's URL or DNS name, or null
 * (docs/discovery.md). {@code disableRemoteExec} false lets {@code cairn exec} and
 * {@code consul exec} run commands here (docs/remote-exec.md); true by default, as in Consul.
 */
public record AgentConfig(
    boolean dev, boolean server, boolean bootstrap, int bootstrapExpect,
    String nodeName, String nodeId, String datacenter, Path dataDir,
    String bindAddr, String advertiseAddr, String clientAddr,
    int httpPort, int dnsPort, int serverPort, int raftPort,
    String logLevel, String domain,
    boolean enableScriptChecks, boolean enableLocalScriptChecks,
    Duration checkUpdateInterval, Map<String, String> nodeMeta,
    List<Definitions.ServiceDefinition> services, List<CheckDefinition> checks,
    List<String> retryJoin, java.time.Duration retryInterval, int retryMax, java.time.Duration nodeFailureTimeout, long raftSnapshotThreshold, List<String> recursors, io.cairn.dns.DnsConfig dns,
    List<Path> configFiles, List<Path> configDirs, String httpAddr, String dnsAddr, String discovery,
    List<WatchDefinition> watches, boolean enableDebug, List<String> retryJoinWan, Duration sessionTtlMin,
    String advertiseAddrWan, boolean translateWanAddrs, io.cairn.state.AutopilotConfig autopilot, int checkOutputMaxSize,
    boolean disableRemoteExec, String configFormat) {

  public String rpcAddress() {
    return advertiseAddr + ":" + serverPort;
  }

  public String raftAddress() {
    return advertiseAddr + ":" + raftPort;
  }
}
