package io.cairn.cli;

import io.cairn.agent.Agent;
import io.cairn.agent.AgentConfig;
import io.cairn.agent.ConfigBuilder;
import io.cairn.agent.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn agent}: runs an agent until SIGTERM/SIGINT or a leave request. Flags are Consul's. */
@Command(name = "agent", description = "Runs a Cairn agent.")
final class AgentCommand implements java.util.concurrent.Callable<Integer> {
  @Option(names = "-dev", description = "Development mode: an in-memory server that is its own leader, on 127.0.0.1.")
  boolean dev;
  @Option(names = "-server", description = "Run in server mode.") boolean server;
  @Option(names = "-bootstrap", description = "Form a new cluster with this server alone.") boolean bootstrap;
  @Option(names = "-bootstrap-expect", paramLabel = "N", description = "Wait for N servers, then form a cluster.") Integer bootstrapExpect;
  @Option(names = "-node", paramLabel = "NAME") String node;
  @Option(names = "-node-id", paramLabel = "UUID") String nodeId;
  @Option(names = "-datacenter", paramLabel = "DC") String datacenter;
  @Option(names = "-data-dir", paramLabel = "DIR") Path dataDir;
  @Option(names = "-bind", paramLabel = "ADDR") String bind;
  @Option(names = "-advertise", paramLabel = "ADDR") String advertise;
  @Option(names = "-advertise-wan", paramLabel = "ADDR",
      description = "The address other datacenters use for this node (its wan tagged address).") String advertiseWan;
  @Option(names = "-translate-wan-addrs", description = "Answer for other datacenters with their nodes' WAN addresses.")
  boolean translateWanAddrs;
  @Option(names = "-client", paramLabel = "ADDR", description = "Address the HTTP and DNS interfaces listen on.") String client;
  @Option(names = "-http-port", paramLabel = "PORT") Integer httpPort;
  @Option(names = "-dns-port", paramLabel = "PORT") Integer dnsPort;
  @Option(names = "-server-port", paramLabel = "PORT") Integer serverPort;
  @Option(names = "-raft-port", paramLabel = "PORT") Integer raftPort;
  @Option(names = "-config-file", paramLabel = "FILE") List<Path> configFiles = new ArrayList<>();
  @Option(names = "-config-dir", paramLabel = "DIR") List<Path> configDirs = new ArrayList<>();
  @Option(names = "-config-format", paramLabel = "hcl|json", description = "Read every config file in this format, whatever its extension.")
  String configFormat;
  @Option(names = "-log-level", paramLabel = "LEVEL") String logLevel;
  @Option(names = "-domain", paramLabel = "DOMAIN") String domain;
  @Option(names = "-recursor", paramLabel = "ADDR") List<String> recursors = new ArrayList<>();
  @Option(names = {"-join", "-retry-join"}, paramLabel = "ADDR") List<String> join = new ArrayList<>();
  @Option(names = {"-join-wan", "-retry-join-wan"}, paramLabel = "ADDR",
      description = "A server of another datacenter (its RPC address) to federate with; repeatable.")
  List<String> joinWan = new ArrayList<>();
  @Option(names = "-discovery", paramLabel = "URL", description = "A discovery token: http(s)://host[:port]/<token> or dns:<name>.")
  String discovery;
  @Option(names = "-node-meta", paramLabel = "KEY:VALUE") List<String> nodeMeta = new ArrayList<>();
  @Option(names = "-retry-interval", paramLabel = "DURATION") String retryInterval;
  @Option(names = "-retry-max", paramLabel = "N") Integer retryMax;
  @Option(names = "-enable-script-checks") boolean enableScriptChecks;
  @Option(names = "-enable-local-script-checks") boolean enableLocalScriptChecks;
  @Option(names = "-pid-file", paramLabel = "FILE", description = "Where to write the agent's process ID.") Path pidFile;

  @Override
  public Integer call() throws Exception {
    ConfigBuilder settings;
    AgentConfig config;
    try {
      settings = configure();
      config = settings.build();
    } catch (ConfigException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    Logging.setLevel(config.logLevel());
    // Made after the level is set: the level applies to loggers made from then on.
    Logger log = LoggerFactory.getLogger(AgentCommand.class);
    settings.warnings().forEach(w -> log.warn("{}", w));
    PidFile pid;
    try {
      pid = PidFile.write(settings.pidFile);
    } catch (java.io.IOException e) {
      System.err.println("Error: pid_file " + settings.pidFile + ": " + e.getMessage());
      return 1;
    }
    try {
      return run(config, settings, pid);
    } finally {
      pid.delete();
    }
  }

  private static int run(AgentConfig config, ConfigBuilder settings, PidFile pid) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Agent agent;
    try {
      agent = Agent.start(config, stopped::countDown);
    } catch (Exception e) {
      System.err.println("Error: agent failed to start: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      // Ratis leaves non-daemon threads behind after a failed start: leave explicitly.
      pid.delete();
      Runtime.getRuntime().halt(1);
      return 1;
    }
    // SIGTERM and SIGINT are a clean stop, not a crash: exit 0. As in Consul, the agent leaves the
    // cluster first where leave_on_terminate / skip_leave_on_interrupt say so (a client by default),
    // and a second signal stops it without waiting for the leave to finish.
    AtomicBoolean signalled = new AtomicBoolean();
    for (String sig : new String[] {"TERM", "INT"}) {
      boolean leave = sig.equals("TERM") ? settings.leaveOnTerminate() : !settings.skipLeaveOnInterrupt();
      sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
        if (leave && !signalled.getAndSet(true)) {
          agent.leave(); // counts down `stopped` once it has left and closed
          return;
        }
        signalled.set(true);
        Thread.ofPlatform().name("shutdown").start(() -> {
          agent.close();
          stopped.countDown();
        });
      });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "shutdown-hook"));
    agent.halted().thenRun(stopped::countDown);
    stopped.await();
    if (agent.halted().isDone()) {
      // The agent stopped itself (a Raft log it cannot apply, no cluster to join): exit as a crash, so that a
      // supervisor shows it, rather than as a clean stop.
      System.err.println("Error: " + agent.halted().join());
      return 1;
    }
    return 0;
  }

  /** The settings of the config files, then the flags over them; {@link ConfigBuilder#build()} is left to the caller. */
  private ConfigBuilder configure() throws ConfigException {
    ConfigBuilder b = new ConfigBuilder();
    if (dev) b.devMode();
    b.configFiles.addAll(configFiles);
    b.configFormat = configFormat;
    b.configDirs.addAll(configDirs);
    b.loadFiles();
    if (server) b.server = true;
    if (bootstrap) b.bootstrap = true;
    if (bootstrapExpect != null) b.bootstrapExpect = bootstrapExpect;
    if (node != null) b.nodeName = node;
    if (nodeId != null) b.nodeId = nodeId;
    if (datacenter != null) b.datacenter = datacenter;
    b.retryJoinWan.addAll(joinWan);
    if (dataDir != null) b.dataDir = dataDir;
    if (bind != null) b.bindAddr = bind;
    if (advertise != null) b.advertiseAddr = advertise;
    if (advertiseWan != null) b.advertiseAddrWan = advertiseWan;
    if (translateWanAddrs) b.translateWanAddrs = true;
    if (client != null) b.clientAddr = client;
    if (httpPort != null) b.httpPort = checkPort("-http-port", httpPort);
    if (dnsPort != null) b.dnsPort = dnsPort == -1 ? -1 : checkPort("-dns-port", dnsPort);  // -1: no DNS, as in Consul
    if (serverPort != null) b.serverPort = checkPort("-server-port", serverPort);
    if (raftPort != null) b.raftPort = checkPort("-raft-port", raftPort);
    if (logLevel != null) b.logLevel = logLevel;
    if (domain != null) b.domain = domain;
    b.recursors.addAll(recursors);
    b.retryJoin.addAll(join);
    if (discovery != null) b.discovery = discovery;
    for (String kv : nodeMeta) {
      int colon = kv.indexOf(':');
      if (colon <= 0) throw new ConfigException("-node-meta: expected key:value, got \"" + kv + "\"");
      b.nodeMeta.put(kv.substring(0, colon), kv.substring(colon + 1));
    }
    if (retryInterval != null) {
      try {
        b.retryInterval = io.cairn.checks.GoDuration.parse(retryInterval);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("-retry-interval: " + e.getMessage());
      }
    }
    if (retryMax != null) b.retryMax = retryMax;
    if (enableScriptChecks) b.enableScriptChecks = true;
    if (enableLocalScriptChecks) b.enableLocalScriptChecks = true;
    if (pidFile != null) b.pidFile = pidFile;
    return b;
  }

  private static int checkPort(String flag, int port) throws ConfigException {
    if (port < 0 || port > 65535) throw new ConfigException(flag + ": port out of range: " + port);
    return port;
  }
}
