package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.checks.CheckDefinition;
import io.cairn.http.Definitions;
import io.cairn.http.Fields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Builds an {@link AgentConfig} the way Consul does: defaults, then config files (JSON or HCL,
 * files of a -config-dir in name order; later values win, services and checks add up), then
 * flags. Each file is checked on its own, so an error names the file and the key. Every key of
 * Consul's is accepted, acted on or with a warning, except security settings Cairn lacks
 * ({@link ConsulKeys}).
 */
public final class ConfigBuilder {

  public boolean dev;
  public boolean server;
  public boolean bootstrap;
  public int bootstrapExpect;
  public String nodeName;
  public String nodeId;
  /** Null until set: then the discovery token, or dc1. */
  public String datacenter;
  /** -discovery: a token's URL or dns:NAME (docs/discovery.md). */
  public String discovery;
  /** The config's watches blocks, run by the agent. */
  public final List<WatchDefinition> watches = new ArrayList<>();
  public Path dataDir;
  public String bindAddr = "0.0.0.0";
  public String advertiseAddr;
  public String clientAddr = "127.0.0.1";
  /** addresses.http and addresses.dns: null means client_addr. */
  public String httpAddr;
  public String dnsAddr;
  /** Null until set: Consul's default then depends on server mode, see {@link #leaveOnTerminate()}. */
  public Boolean leaveOnTerminate;
  public Boolean skipLeaveOnInterrupt;
  public Path pidFile;
  public int httpPort = 8500;
  public int dnsPort = 8600;
  public int serverPort = 8300;
  public int raftPort = 8301;
  public String logLevel = "INFO";
  public String domain = "consul";
  public boolean enableScriptChecks;
  /** Serves thread dumps and recent log lines under /debug/; unset means as -dev (on), as Consul's dev mode. */
  public Boolean enableDebug;
  public boolean enableLocalScriptChecks;
  /** Consul's default: no remote execution unless a config file says disable_remote_exec = false. */
  public boolean disableRemoteExec = true;
  public Duration checkUpdateInterval = Duration.ofMinutes(5);
  public final Map<String, String> nodeMeta = new LinkedHashMap<>();
  public final List<Definitions.ServiceDefinition> services = new ArrayList<>();
  public final List<CheckDefinition> checks = new ArrayList<>();
  public final List<String> retryJoin = new ArrayList<>();
  /** Other datacenters' servers (their RPC address) to federate with. */
  public final List<String> retryJoinWan = new ArrayList<>();
  /** The address other datacenters should use for this node (TaggedAddresses wan); null: advertise_addr. */
  public String advertiseAddrWan;
  /** Answers about other datacenters give their nodes' WAN addresses (Consul's translate_wan_addrs). */
  public boolean translateWanAddrs;
  /** The shortest session TTL accepted (Consul's session_ttl_min, 10s by default). */
  public Duration sessionTtlMin = Duration.ofSeconds(10);
  /** The autopilot settings a leader stores when the cluster has none yet (Consul's autopilot block). */
  public io.cairn.state.AutopilotConfig autopilot = io.cairn.state.AutopilotConfig.DEFAULTS;
  /** What a check keeps of its output unless it says otherwise (Consul's check_output_max_size). */
  public int checkOutputMaxSize = io.cairn.checks.CheckResult.DEFAULT_OUTPUT_MAX;
  public Duration retryInterval = Duration.ofSeconds(30);
  public int retryMax;
  /** How long a node may be silent before its serfHealth turns critical (Cairn's own key). */
  public Duration nodeFailureTimeout = Duration.ofSeconds(10);
  public long raftSnapshotThreshold = io.cairn.raft.RatisTuning.DEFAULT_SNAPSHOT_THRESHOLD;
  public final List<String> recursors = new ArrayList<>();
  public final List<Path> configFiles = new ArrayList<>();
  public String altDomain;
  public Duration dnsNodeTtl = Duration.ZERO;
  public final Map<String, Duration> dnsServiceTtl = new LinkedHashMap<>();
  public boolean dnsOnlyPassing;
  public int dnsARecordLimit;
  public boolean dnsAllowStale = true;
  public Duration recursorTimeout = Duration.ofSeconds(2);
  public final Map<String, String> dnsAliases = new LinkedHashMap<>();
  public final List<Path> configDirs = new ArrayList<>();
  private final Set<String> warnings = new LinkedHashSet<>();

  /** -dev: a server that is its own leader, on loopback, with its data in a temp dir. */
  public ConfigBuilder devMode() {
    dev = true;
    server = true;
    bootstrap = true;
    bindAddr = "127.0.0.1";
    clientAddr = "127.0.0.1";
    return this;
  }

  /**
   * -config-format: "json" or "hcl" reads every file in that format whatever its name, and a
   * config dir's files without the .json or .hcl extension too (Consul's); null goes by extension.
   */
  public String configFormat;

  /** Loads every -config-file and -config-dir given so far, in order. */
  public ConfigBuilder loadFiles() throws ConfigException {
    if (configFormat != null && !configFormat.equals("json") && !configFormat.equals("hcl")) {
      throw new ConfigException("-config-format must be either 'hcl' or 'json'");
    }
    for (Path f : configFiles) loadFile(f);
    for (Path d : configDirs) {
      if (!Files.isDirectory(d)) throw new ConfigException(d + ": config dir does not exist");
      List<Path> files;
      try (Stream<Path> s = Files.list(d)) {
        files = s.filter(p -> configFormat != null ? Files.isRegularFile(p) : p.toString().endsWith(".json") || p.toString().endsWith(".hcl"))
            .sorted().toList();
      } catch (IOException e) {
        throw new ConfigException(d + ": " + e.getMessage());
      }
      for (Path f : files) loadFile(f);
    }
    return this;
  }

  void loadFile(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    JsonNode tree;
    try {
      boolean hcl = configFormat != null ? configFormat.equals("hcl") : file.toString().endsWith(".hcl");
      tree = hcl ? Hcl.parse(text, file.toString()) : JsonMapper.builder().build().readTree(text);
    } catch (HclParseException e) {
      throw new ConfigException(e.getMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": invalid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (tree == null || !tree.isObject()) throw new ConfigException(file + ": expected an object at the top");
    try {
      warnings.addAll(KeyCheck.check(tree, file.toString()));
      apply(new Fields(tree, file.toString()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /**
   * One line per config key, of every file loaded so far, that Cairn accepts and does not act
   * on; each key once, however many files set it.
   */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** As Consul: a client leaves the cluster on SIGTERM, a server does not, unless set. */
  public boolean leaveOnTerminate() {
    return leaveOnTerminate != null ? leaveOnTerminate : !server;
  }

  /** As Consul: a client leaves the cluster on SIGINT, a server does not, unless set. */
  public boolean skipLeaveOnInterrupt() {
    return skipLeaveOnInterrupt != null ? skipLeaveOnInterrupt : server;
  }

  /** Reads the keys {@link ConsulKeys} calls honoured; {@link KeyCheck} has vetted the rest. */
  private void apply(Fields f) {
    datacenter = orElse(f.text("datacenter"), datacenter);
    discovery = orElse(f.text("discovery"), discovery);
    nodeName = orElse(f.text("node_name"), nodeName);
    nodeId = orElse(f.text("node_id"), nodeId);
    String dir = f.text("data_dir");
    if (dir != null) dataDir = Path.of(dir);
    bindAddr = orElse(f.text("bind_addr"), bindAddr);
    advertiseAddr = orElse(f.text("advertise_addr"), advertiseAddr);
    advertiseAddrWan = orElse(f.text("advertise_addr_wan"), advertiseAddrWan);
    translateWanAddrs = f.bool(translateWanAddrs, "translate_wan_addrs");
    clientAddr = orElse(f.text("client_addr"), clientAddr);
    for (Fields a : f.objects("addresses")) {
      httpAddr = orElse(a.text("http"), httpAddr);
      dnsAddr = orElse(a.text("dns"), dnsAddr);
    }
    if (f.get("leave_on_terminate").isPresent()) leaveOnTerminate = f.bool(false, "leave_on_terminate");
    if (f.get("skip_leave_on_interrupt").isPresent()) skipLeaveOnInterrupt = f.bool(false, "skip_leave_on_interrupt");
    String pid = f.text("pid_file");
    if (pid != null && !pid.isBlank()) pidFile = Path.of(pid);
    server = f.bool(server, "server");
    bootstrap = f.bool(bootstrap, "bootstrap");
    bootstrapExpect = f.integer(bootstrapExpect, "bootstrap_expect");
    logLevel = orElse(f.text("log_level"), logLevel);
    domain = orElse(f.text("domain"), domain);
    enableScriptChecks = f.bool(enableScriptChecks, "enable_script_checks");
    if (f.has("enable_debug")) enableDebug = f.bool(false, "enable_debug");
    enableLocalScriptChecks = f.bool(enableLocalScriptChecks, "enable_local_script_checks");
    disableRemoteExec = f.bool(disableRemoteExec, "disable_remote_exec");
    Duration stm = f.duration("session_ttl_min");
    if (stm != null) {
      if (stm.isNegative() || stm.isZero()) throw f.bad("session_ttl_min", "must be positive");
      sessionTtlMin = stm;
    }
    checkOutputMaxSize = f.integer(checkOutputMaxSize, "check_output_max_size");
    if (checkOutputMaxSize < 1) throw f.bad("check_output_max_size", "must be positive");
    Duration cui = f.duration("check_update_interval");
    if (cui != null) checkUpdateInterval = cui;
    Map<String, String> meta = f.stringMap("node_meta");
    if (meta != null) nodeMeta.putAll(meta);
    // Fields.get(a, b) reads only the first of its names that is present, so names that may
    // appear together are read one by one: each read marks its key as known.
    for (String key : List.of("retry_join", "start_join")) {
      List<String> rj = f.strings(key);
      if (rj != null) retryJoin.addAll(rj);
    }
    for (String key : List.of("retry_join_wan", "start_join_wan")) {
      List<String> rj = f.strings(key);
      if (rj != null) retryJoinWan.addAll(rj);
    }
    Duration ri = f.duration("retry_interval");
    if (ri != null) retryInterval = ri;
    retryMax = f.integer(retryMax, "retry_max");
    raftSnapshotThreshold = f.integer((int) raftSnapshotThreshold, "raft_snapshot_threshold");
    if (raftSnapshotThreshold < 16) throw f.bad("raft_snapshot_threshold", "must be at least 16");
    Duration nft = f.duration("node_failure_timeout");
    if (nft != null) nodeFailureTimeout = nft;
    List<String> rec = f.strings("recursors");
    if (rec != null) recursors.addAll(rec);
    altDomain = orElse(f.text("alt_domain"), altDomain);
    Duration rt = f.duration("recursor_timeout");
    if (rt != null) recursorTimeout = rt;
    f.objects("dns_config").forEach(this::applyDns);
    f.objects("autopilot").forEach(this::applyAutopilot);
    for (Fields p : f.objects("ports")) {
      httpPort = port(p, httpPort, "http");
      dnsPort = port(p, dnsPort, "dns");
      serverPort = port(p, serverPort, "server");
      raftPort = port(p, port(p, raftPort, "serf_lan"), "raft");
    }
    boolean scripts = enableScriptChecks || enableLocalScriptChecks;
    for (Fields s : concat(f.objects("service"), f.objects("services"))) {
      services.add(Definitions.service(s, true, scripts));
    }
    for (Fields w : f.objects("watches")) watches.add(WatchDefinition.read(w));
    for (Fields c : concat(f.objects("check"), f.objects("checks"))) {
      checks.add(Definitions.check(c, null, null, null, true, scripts));
    }
  }

  private void applyAutopilot(Fields a) {
    io.cairn.state.AutopilotConfig c = autopilot;
    Duration lct = a.duration("last_contact_threshold");
    Duration sst = a.duration("server_stabilization_time");
    int trailing = a.integer((int) c.maxTrailingLogs(), "max_trailing_logs");
    int minQuorum = a.integer((int) c.minQuorum(), "min_quorum");
    if (lct != null && (lct.isNegative() || lct.isZero())) throw a.bad("last_contact_threshold", "must be positive");
    if (sst != null && sst.isNegative()) throw a.bad("server_stabilization_time", "must not be negative");
    if (trailing < 0) throw a.bad("max_trailing_logs", "must not be negative");
    if (minQuorum < 0) throw a.bad("min_quorum", "must not be negative");
    autopilot = new io.cairn.state.AutopilotConfig(a.bool(c.cleanupDeadServers(), "cleanup_dead_servers"),
        lct == null ? c.lastContactThresholdMillis() : lct.toMillis(), trailing, minQuorum,
        sst == null ? c.serverStabilizationTimeMillis() : sst.toMillis(), c.redundancyZoneTag(), c.disableUpgradeMigration(),
        c.upgradeVersionTag(), 0, 0);
  }

  private void applyDns(Fields d) {
    Duration nodeTtl = d.duration("node_ttl");
    if (nodeTtl != null) dnsNodeTtl = nodeTtl;
    d.object("service_ttl").ifPresent(ttls -> {
      Map<String, String> raw = d.stringMap("service_ttl");
      raw.keySet().forEach(name -> dnsServiceTtl.put(name, ttls.duration(name)));
    });
    dnsOnlyPassing = d.bool(dnsOnlyPassing, "only_passing");
    dnsARecordLimit = d.integer(dnsARecordLimit, "a_record_limit");
    dnsAllowStale = d.bool(dnsAllowStale, "allow_stale");
    Duration rt = d.duration("recursor_timeout");
    if (rt != null) recursorTimeout = rt;
    Map<String, String> aliases = d.stringMap("aliases");
    if (aliases != null) aliases.forEach((k, v) -> dnsAliases.put(k.toLowerCase(java.util.Locale.ROOT), v));
  }

  private static int port(Fields p, int dflt, String... names) {
    int v = p.integer(dflt, names);
    if (v < -1 || v > 65535) throw p.bad(names[0], "port out of range: " + v);
    return v;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String orElse(String v, String dflt) {
    return v == null ? dflt : v;
  }

  /**
   * Checks that the settings make an agent, as {@link #build()} does, without its side effects
   * (a new node ID written to data_dir): what {@code cairn validate} runs.
   */
  public void validate() throws ConfigException {
    if (bootstrap && bootstrapExpect > 0) throw new ConfigException("bootstrap and bootstrap_expect are mutually exclusive");
    if (!server && (bootstrap || bootstrapExpect > 0)) throw new ConfigException("bootstrap requires server mode (-server)");
    if (!dev && server && dataDir == null) throw new ConfigException("data_dir is required for a server (-data-dir)");
    if (retryInterval.isZero() || retryInterval.isNegative()) throw new ConfigException("retry_interval must be positive");
    if (datacenter != null && !datacenter.matches("[a-z0-9_-]+")) {
      throw new ConfigException("datacenter \"" + datacenter + "\" is invalid (-datacenter): use lower-case letters, digits, '-' and '_'");
    }
    if (!retryJoinWan.isEmpty() && !server) throw new ConfigException("retry_join_wan (-retry-join-wan) needs server mode: only servers federate");
    // Consul turns its HTTP API off with -1; Cairn's CLI and clients need it.
    if (httpPort < 0) throw new ConfigException("ports.http must be a port: Cairn cannot run without its HTTP API");
    checkAddress("bind_addr", bindAddr);
    checkAddress("advertise_addr", advertiseAddr);
    checkAddress("client_addr", clientAddr);
    checkAddress("addresses.http", httpAddr);
    checkAddress("addresses.dns", dnsAddr);
    dnsConfig();
    if (discovery != null) {
      io.cairn.membership.Discovery d;
      try {
        d = io.cairn.membership.Discovery.parse(discovery);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      if (server && !dev && !d.canRegister()) {
        throw new ConfigException("-discovery: a server registers itself over HTTP; give it the token's http(s) URL, not " + discovery);
      }
    }
  }

  public AgentConfig build() throws ConfigException {
    validate();
    String node = nodeName != null ? nodeName : hostname();
    String adv = advertiseAddr != null ? advertiseAddr : bindAddr.equals("0.0.0.0") ? "127.0.0.1" : bindAddr;
    String id = nodeId != null ? nodeId : persistedNodeId();
    String dc = datacenter != null ? datacenter : discovery != null ? io.cairn.membership.Discovery.parse(discovery).token() : "dc1";
    return new AgentConfig(dev, server, bootstrap, bootstrapExpect, node, id, dc, dataDir, bindAddr, adv,
        clientAddr, httpPort, dnsPort, serverPort, raftPort, logLevel, domain, enableScriptChecks,
        enableLocalScriptChecks, checkUpdateInterval, Map.copyOf(nodeMeta), List.copyOf(services), List.copyOf(checks),
        List.copyOf(retryJoin).stream().map(ConfigBuilder::withServerPort).toList(), retryInterval, retryMax,
        nodeFailureTimeout, raftSnapshotThreshold, List.copyOf(recursors), dnsConfig(), List.copyOf(configFiles), List.copyOf(configDirs),
        orElse(httpAddr, clientAddr), orElse(dnsAddr, clientAddr), discovery, List.copyOf(watches),
        enableDebug == null ? dev : enableDebug, retryJoinWan.stream().map(ConfigBuilder::withServerPort).toList(),
        sessionTtlMin, advertiseAddrWan == null ? adv : advertiseAddrWan, translateWanAddrs, autopilot, checkOutputMaxSize,
        disableRemoteExec, configFormat);
  }

  /**
   * Consul also takes a space-separated list, a go-sockaddr template or a unix socket for an
   * address; Cairn binds and advertises one IP address or host name, and says so at start
   * rather than failing to bind later.
   */
  private static void checkAddress(String key, String address) throws ConfigException {
    if (address == null) return;
    String what = address.contains("{{") ? "a go-sockaddr template"
        : address.startsWith("unix://") ? "a unix socket"
        : address.isBlank() ? "empty"
        : address.strip().chars().anyMatch(Character::isWhitespace) ? "a list"
        : null;
    if (what != null) {
      throw new ConfigException(key + " \"" + address + "\" is " + what + ": Cairn takes one IP address or host name");
    }
  }

  /** A join address without a port means the default server RPC port. */
  private static String withServerPort(String address) {
    boolean hasPort = address.startsWith("[") ? address.contains("]:") : address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':');
    return hasPort ? address : address + ":8300";
  }

  private io.cairn.dns.DnsConfig dnsConfig() throws ConfigException {
    List<java.net.InetSocketAddress> upstreams = new ArrayList<>();
    for (String r : recursors) upstreams.add(recursorAddress(r));
    return new io.cairn.dns.DnsConfig(domain, altDomain, dnsNodeTtl, dnsServiceTtl, dnsOnlyPassing, dnsARecordLimit,
        dnsAllowStale, upstreams, recursorTimeout, dnsAliases);
  }

  /** "10.0.0.1", "10.0.0.1:5353", "[::1]:53": an IP literal, port 53 unless given. */
  private static java.net.InetSocketAddress recursorAddress(String r) throws ConfigException {
    String host = r;
    int port = 53;
    int colon = r.lastIndexOf(':');
    if (r.startsWith("[") && r.contains("]:")) {
      host = r.substring(1, r.indexOf(']'));
      port = parsePort(r, r.substring(r.indexOf("]:") + 2));
    } else if (colon > 0 && r.indexOf(':') == colon) {
      host = r.substring(0, colon);
      port = parsePort(r, r.substring(colon + 1));
    }
    if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      throw new ConfigException("recursor \"" + r + "\": must be an IP address, optionally with :port");
    }
    try {
      return new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port);
    } catch (java.net.UnknownHostException e) {
      throw new ConfigException("recursor \"" + r + "\": " + e.getMessage());
    }
  }

  private static int parsePort(String r, String p) throws ConfigException {
    try {
      int port = Integer.parseInt(p);
      if (port < 1 || port > 65535) throw new NumberFormatException();
      return port;
    } catch (NumberFormatException e) {
      throw new ConfigException("recursor \"" + r + "\": invalid port");
    }
  }

  /**
   * A node keeps its ID across restarts (the catalog knows it by it): kept in data_dir/node-id,
   * made on first start.
   */
  private String persistedNodeId() throws ConfigException {
    if (dataDir == null) return UUID.randomUUID().toString();
    Path file = dataDir.resolve("node-id");
    try {
      if (Files.isRegularFile(file)) {
        String id = Files.readString(file).strip();
        UUID.fromString(id);
        return id;
      }
      Files.createDirectories(dataDir);
      String id = UUID.randomUUID().toString();
      Files.writeString(file, id + "\n");
      return id;
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  private static String hostname() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isEmpty()) return h;
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "cairn";
    }
  }
}
