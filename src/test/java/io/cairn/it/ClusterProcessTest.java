package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real agent processes on loopback: three servers forming, failing over, restarting; client agents joining, failing, leaving. */
class ClusterProcessTest {
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  final List<Server> servers = new ArrayList<>();

  /** One agent's ports and process: a server, or a client when {@code client} is set. */
  final class Server {
    final String name;
    boolean client;
    final int httpPort = TestAgent.freePort();
    final int rpcPort = TestAgent.freePort();
    final int raftPort = TestAgent.freePort();
    String extraConfig = "";
    AgentProcess process;

    Server(String name) {
      this.name = name;
    }

    void start(List<Server> all) throws Exception {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Path cfg = dir.resolve("liveness.hcl");
      java.nio.file.Files.writeString(cfg, "node_failure_timeout = \"3s\"\n" + extraConfig);
      List<String> args = new ArrayList<>(List.of("agent", "-node", name,
          "-data-dir", dir.resolve(name).toString(), "-bind", "127.0.0.1", "-client", "127.0.0.1",
          "-http-port", Integer.toString(httpPort), "-dns-port", "0", "-server-port", Integer.toString(rpcPort),
          "-raft-port", Integer.toString(raftPort), "-retry-interval", "500ms", "-config-file", cfg.toString()));
      if (!client) args.addAll(List.of("-server", "-bootstrap-expect", "3"));
      for (Server s : all) {
        if (s != this && !s.client) args.addAll(List.of("-retry-join", "127.0.0.1:" + s.rpcPort));
      }
      process = AgentProcess.start(args.toArray(String[]::new));
    }

    String rpcAddress() {
      return "127.0.0.1:" + rpcPort;
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(15))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    }

    String leader() {
      try {
        HttpResponse<String> r = call("GET", "/v1/status/leader", null);
        return r.statusCode() == 200 ? r.body().replace("\"", "") : "";
      } catch (Exception e) {
        return "";
      }
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Server s : servers) if (s.process != null) s.process.close();
  }

  private void startCluster(int... order) throws Exception {
    startCluster("", order);
  }

  private void startCluster(String extraConfig, int... order) throws Exception {
    for (int i = 0; i < 3; i++) servers.add(new Server("s" + (i + 1)));
    for (Server s : servers) s.extraConfig = extraConfig;
    for (int i : order) servers.get(i).start(servers);
    try {
      awaitOneLeader(servers);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // What each server says and logged: a cluster that did not form must say why in the CI log.
      for (Server sv : servers) {
        System.out.println("=== " + sv.name + " names leader [" + sv.leader() + "]; log tail:");
        String text = sv.process.logText();
        text.lines().skip(Math.max(0, text.lines().count() - 60)).forEach(l -> System.out.println("  " + l));
      }
      throw e;
    }
  }

  private static String awaitOneLeader(List<Server> live) {
    return awaitOneLeader(live, "");
  }

  /** Waits until every live server names the same leader, and it is not {@code notThis}. */
  private static String awaitOneLeader(List<Server> live, String notThis) {
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      Set<String> leaders = new java.util.HashSet<>();
      for (Server s : live) leaders.add(s.leader());
      return leaders.size() == 1 && !leaders.contains("") && !leaders.contains(notThis);
    });
    return live.getFirst().leader();
  }

  private Server byRpc(String rpc) {
    return servers.stream().filter(s -> s.rpcAddress().equals(rpc)).findFirst().orElseThrow();
  }

  @Test
  void serversFormOneClusterFromAnyStartOrderAndFollowersServeWritesAndReads() throws Exception {
    startCluster(2, 0, 1);
    for (Server s : servers) {
      await().atMost(Duration.ofSeconds(30)).until(() -> s.call("GET", "/v1/status/peers", null).body().split(",").length == 3);
    }
    Server follower = servers.stream().filter(s -> !s.rpcAddress().equals(s.leader())).findFirst().orElseThrow();
    assertThat(follower.call("PUT", "/v1/kv/via-follower", "yes").body()).isEqualTo("true");
    for (Server s : servers) {
      assertThat(s.call("GET", "/v1/kv/via-follower?raw", null).body()).isEqualTo("yes");
      assertThat(s.call("GET", "/v1/kv/via-follower?raw&consistent", null).body()).isEqualTo("yes");
    }
    assertThat(follower.call("GET", "/v1/catalog/service/consul", null).body()).contains("s1", "s2", "s3");

    // Concurrent writes through a follower travel to the leader together; each must get its own
    // answer: a create-only put (cas=0) succeeds exactly for the keys that did not exist yet.
    for (int i = 0; i < 64; i += 2) assertThat(follower.call("PUT", "/v1/kv/cas/" + i, "old").body()).isEqualTo("true");
    List<Thread> writers = new ArrayList<>();
    Map<Integer, String> answers = new ConcurrentHashMap<>();
    for (int i = 0; i < 64; i++) {
      int k = i;
      writers.add(Thread.ofVirtual().start(() -> {
        try {
          answers.put(k, follower.call("PUT", "/v1/kv/cas/" + k + "?cas=0", "new").body());
        } catch (Exception e) {
          answers.put(k, e.toString());
        }
      }));
    }
    for (Thread t : writers) t.join(Duration.ofSeconds(60));
    for (int i = 0; i < 64; i++) {
      assertThat(answers.get(i)).as("create-only put of cas/%d", i).isEqualTo(i % 2 == 0 ? "false" : "true");
      assertThat(follower.call("GET", "/v1/kv/cas/" + i + "?raw", null).body()).isEqualTo(i % 2 == 0 ? "old" : "new");
    }
  }

  /**
   * Autopilot as an operator meets it: the configured settings stored by the first leader and
   * read from a follower, health with a failure tolerance, leadership handed to a chosen server,
   * and a server killed for good: unhealthy (429) at once, removed from the voters once it has
   * been failed for ServerStabilizationTime, and health back to 200 with the two that remain.
   */
  @Test
  void autopilotReportsHealthHandsOverLeadershipAndRemovesADeadServer() throws Exception {
    startCluster("autopilot { server_stabilization_time = \"2s\" }\n", 0, 1, 2);
    Server leader = byRpc(servers.getFirst().leader());
    Server follower = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
    JsonNode config = JSON.readTree(follower.call("GET", "/v1/operator/autopilot/configuration", null).body());
    assertThat(config.path("ServerStabilizationTime").asText()).isEqualTo("2s");
    assertThat(config.path("CleanupDeadServers").asBoolean()).isTrue();
    assertThat(follower.call("PUT", "/v1/operator/autopilot/configuration?cas=" + (config.path("ModifyIndex").asLong() + 1000),
        config.toString()).body()).as("a check-and-set against an index that is not the stored one").isEqualTo("false");

    await().atMost(Duration.ofSeconds(30)).until(() -> follower.call("GET", "/v1/operator/autopilot/health", null).statusCode() == 200);
    JsonNode health = JSON.readTree(follower.call("GET", "/v1/operator/autopilot/health", null).body());
    assertThat(health.path("Healthy").asBoolean()).isTrue();
    assertThat(health.path("FailureTolerance").asInt()).isEqualTo(1);
    assertThat(health.path("Servers")).hasSize(3);

    // Leadership to a server named by id, asked of another follower.
    Server next = servers.stream().filter(s -> s != leader && s != follower).findFirst().orElseThrow();
    HttpResponse<String> moved = follower.call("POST", "/v1/operator/raft/transfer-leader?id=" + next.name, null);
    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(moved.body()).contains("\"Success\":true");
    awaitOneLeader(servers, leader.rpcAddress());
    assertThat(servers.getFirst().leader()).isEqualTo(next.rpcAddress());
    assertThat(follower.call("POST", "/v1/operator/raft/transfer-leader?id=nobody", null).statusCode()).isEqualTo(400);

    // A follower killed: unhealthy first, then removed from the voters, then health is whole again.
    // (The new leader takes for dead only a server it has seen healthy: wait until it has.)
    await().atMost(Duration.ofSeconds(20)).until(() -> next.call("GET", "/v1/operator/autopilot/health", null).statusCode() == 200);
    Server dead = follower;
    dead.process.process.destroyForcibly().waitFor();
    List<Server> live = servers.stream().filter(s -> s != dead).toList();
    Server asked = live.getFirst();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> asked.call("GET", "/v1/operator/autopilot/health", null).statusCode() == 429);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode c = JSON.readTree(asked.call("GET", "/v1/operator/raft/configuration", null).body());
      return c.path("Servers").size() == 2 && !c.toString().contains("\"" + dead.name + "\"");
    });
    await().atMost(Duration.ofSeconds(20)).until(() -> asked.call("GET", "/v1/operator/autopilot/health", null).statusCode() == 200);
    JsonNode after = JSON.readTree(asked.call("GET", "/v1/operator/autopilot/health", null).body());
    assertThat(after.path("Servers")).hasSize(2);
    assertThat(after.path("FailureTolerance").asInt()).isZero();
    assertThat(asked.call("PUT", "/v1/kv/after-cleanup", "yes").body()).isEqualTo("true");
  }

  @Test
  void killingTheLeaderUnderLoadLosesNoAcknowledgedWrite() throws Exception {
    startCluster(0, 1, 2);
    Server leader = byRpc(servers.getFirst().leader());
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger seq = new AtomicInteger();
    AtomicBoolean wentBack = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 64; c++) {
      clients.add(Thread.ofVirtual().start(() -> {
        while (running.get()) {
          Server s = servers.get(ThreadLocalRandom.current().nextInt(3));
          String key = "w/" + seq.incrementAndGet();
          try {
            HttpResponse<String> r = s.call("PUT", "/v1/kv/" + key, "v");
            if (r.statusCode() == 200 && r.body().equals("true")) acked.add(key);
          } catch (Exception e) {
            // refused or cut off: not acknowledged, so not counted
          }
        }
      }));
    }
    Thread reader = Thread.ofVirtual().start(() -> {
      long last = 0;
      while (running.get()) {
        Server s = servers.get(ThreadLocalRandom.current().nextInt(3));
        try {
          HttpResponse<String> r = s.call("GET", "/v1/kv/w/?keys&consistent", null);
          if (r.statusCode() != 200) continue;
          long index = Long.parseLong(r.headers().firstValue("X-Consul-Index").orElse("0"));
          if (index < last) wentBack.set(true);
          last = Math.max(last, index);
        } catch (Exception e) {
          // a dead server: try another
        }
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= 300);
    leader.process.process.destroyForcibly();
    List<Server> survivors = servers.stream().filter(s -> s != leader).toList();
    String newLeader = awaitOneLeader(survivors, leader.rpcAddress());
    assertThat(survivors.stream().map(Server::rpcAddress)).contains(newLeader);
    int before = acked.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= before + 300);
    running.set(false);
    for (Thread t : clients) t.join(Duration.ofSeconds(30));
    reader.join(Duration.ofSeconds(30));
    Server judge = survivors.getFirst();
    HttpResponse<String> keys = judge.call("GET", "/v1/kv/w/?keys&consistent", null);
    Set<String> present = Set.of(keys.body().replace("[", "").replace("]", "").replace("\"", "").split(","));
    Set<String> lost = new java.util.HashSet<>(acked);
    lost.removeAll(present);
    assertThat(lost).as("acknowledged writes missing after failover").isEmpty();
    assertThat(wentBack).as("a ?consistent read went back in time").isFalse();
  }

  @Test
  void aServerBackFromLongDowntimeCatchesUpFromTheLeadersSnapshot() throws Exception {
    // Snapshots every 64 entries; writes of 8 KB (11 KB in the log, base64) until the leader has
    // rolled its first 8 MB log segment and purged it (past Ratis's purge gap of 1,024 entries):
    // the stopped server's log is then gone from the leader, which must send a snapshot instead.
    startCluster("raft_snapshot_threshold = 64\n", 0, 1, 2);
    Server leader = byRpc(servers.getFirst().leader());
    Server away = servers.stream().filter(s -> s != leader).findFirst().orElseThrow();
    away.process.process.destroyForcibly().waitFor();
    String value = "v".repeat(8 * 1024);
    int written = 0;
    while (!firstSegmentPurged(leader)) {
      assertThat(written).as("the leader never purged its first log segment").isLessThan(4000);
      for (int end = written + 100; written < end; written++) {
        assertThat(leader.call("PUT", "/v1/kv/big/" + written, value + written).body()).as("put big/%d", written).isEqualTo("true");
      }
    }
    int last = written - 1;
    away.start(servers);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> away.call("GET", "/v1/kv/big/?keys&stale", null).body().split(",").length == last + 1);
    assertThat(away.call("GET", "/v1/kv/big/" + last + "?raw&stale", null).body()).isEqualTo(value + last);
    assertThat(away.call("GET", "/v1/kv/big/0?raw&stale", null).body()).isEqualTo(value + 0);
  }

  private boolean firstSegmentPurged(Server s) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir.resolve(s.name))) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("log_")).toList();
      return !names.isEmpty() && names.stream().noneMatch(n -> n.startsWith("log_0-") || n.equals("log_inprogress_0"));
    }
  }

  @Test
  void restartingEveryServerKeepsAllData() throws Exception {
    startCluster(0, 1, 2);
    for (int i = 0; i < 50; i++) assertThat(servers.get(i % 3).call("PUT", "/v1/kv/keep/" + i, "v" + i).body()).isEqualTo("true");
    for (Server s : servers) s.process.process.destroyForcibly().waitFor();
    for (Server s : servers) s.start(servers);
    awaitOneLeader(servers);
    for (Server s : servers) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> s.call("GET", "/v1/kv/keep/?keys", null).body().split(",").length == 50);
      assertThat(s.call("GET", "/v1/kv/keep/49?raw", null).body()).isEqualTo("v49");
    }
  }

  /**
   * A client told of one server learns the others once the group forms, even if it started
   * first; so losing that one server does not cut it off (it did: it asked for the group only
   * at start and then once a minute).
   */
  @Test
  void aClientThatKnewOneServerKeepsServingWhenThatServerDies() throws Exception {
    Server c = new Server("c1");
    c.client = true;
    servers.add(c);
    for (int i = 0; i < 3; i++) servers.add(new Server("s" + (i + 1)));
    Server only = servers.get(2);
    c.start(List.of(c, only));  // before any server, knowing only s2
    for (Server s : servers.subList(1, 4)) s.start(servers.subList(1, 4));
    awaitOneLeader(servers.subList(1, 4));
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> c.call("PUT", "/v1/kv/via-client", "1").body().equals("true"));
    await().atMost(Duration.ofSeconds(30)).until(() -> c.process.logText().contains("servers known"));
    only.process.close();
    List<Server> rest = servers.subList(1, 4).stream().filter(s -> s != only).toList();
    awaitOneLeader(rest, only.rpcAddress());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.call("GET", "/v1/kv/via-client?raw", null).body().equals("1"));
    assertThat(c.leader()).isIn(rest.stream().map(Server::rpcAddress).toList());
  }

  @Test
  void clientAgentsServeTheClusterAndAKilledClientTurnsFailed() throws Exception {
    startCluster(0, 1, 2);
    Server c1 = new Server("c1");
    c1.client = true;
    Server c2 = new Server("c2");
    c2.client = true;
    List<Server> all = new ArrayList<>(servers);
    c1.start(all);
    c2.start(all);
    servers.add(c1);
    servers.add(c2);
    for (Server c : List.of(c1, c2)) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> c.call("PUT", "/v1/agent/service/register",
          "{\"Name\":\"web\",\"ID\":\"web-" + c.name + "\",\"Port\":80,\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}").statusCode() == 200);
    }
    assertThat(c1.call("PUT", "/v1/kv/from-client", "c1").body()).isEqualTo("true");
    assertThat(servers.getFirst().call("GET", "/v1/kv/from-client?raw", null).body()).isEqualTo("c1");
    // A key with %2F in a segment goes through a client as it does on a server; errors are plain text.
    assertThat(c1.call("PUT", "/v1/kv/enc%2Fslash", "e").body()).isEqualTo("true");
    assertThat(c2.call("GET", "/v1/kv/enc%2Fslash?raw", null).body()).isEqualTo("e");
    assertThat(servers.getFirst().call("GET", "/v1/kv/enc/slash?raw", null).body()).isEqualTo("e");
    HttpResponse<String> bad = c1.call("PUT", "/v1/kv/enc%2Fslash?cas=abc", "x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).doesNotContain("<html", "127.0.0.1", "Exception");
    await().atMost(Duration.ofSeconds(30)).until(() -> c2.call("GET", "/v1/health/service/web?passing", null).body().contains("web-c1"));
    AgentProcess.Result members = AgentProcess.run("members", "-http-addr", "127.0.0.1:" + c2.httpPort);
    assertThat(members.stdout()).contains("c1", "c2", "s1", "s2", "s3");

    // A leader change: the client's service stays discoverable through it.
    Server leader = byRpc(servers.getFirst().leader());
    leader.process.process.destroyForcibly().waitFor();
    List<Server> rest = servers.stream().filter(s -> s != leader && !s.client).toList();
    awaitOneLeader(rest, leader.rpcAddress());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c2.call("GET", "/v1/health/service/web?passing", null).body().contains("web-c1"));

    // kill -9 of a client: after the failure timeout its node is critical and its service leaves.
    c1.process.process.destroyForcibly().waitFor();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      String body = c2.call("GET", "/v1/health/service/web?passing", null).body();
      return !body.contains("web-c1") && body.contains("web-c2");
    });
    assertThat(AgentProcess.run("members", "-http-addr", "127.0.0.1:" + c2.httpPort).stdout())
        .containsPattern("c1\\s+\\S+\\s+failed");

    // leave on a client: it is gone from the catalog at once.
    assertThat(AgentProcess.run("leave", "-http-addr", "127.0.0.1:" + c2.httpPort).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> !rest.getFirst().call("GET", "/v1/catalog/nodes", null).body().contains("\"c2\""));
    assertThat(AgentProcess.run("members", "-http-addr", "127.0.0.1:" + rest.getFirst().httpPort).stdout())
        .containsPattern("c2\\s+\\S+\\s+left");
  }

  /** Each member's row of /v1/agent/members as asked of {@code s}: name → [status, port]. */
  private static Map<String, List<Integer>> members(Server s) throws Exception {
    var rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.call("GET", "/v1/agent/members", null).body());
    Map<String, List<Integer>> out = new java.util.TreeMap<>();
    rows.forEach(r -> out.put(r.get("Name").asText(), List.of(r.get("Status").asInt(), r.get("Port").asInt())));
    return out;
  }

  /**
   * Membership as an operator sees it (and list-peers): members are the agents (not nodes registered from
   * outside), each with its own port; a server that left shows left, and restarted with its
   * data it becomes a voter again (it answered "No cluster leader" for ever); a killed server
   * shows failed within the failure timeout, and force-leave takes it out of the voters.
   */
  @Test
  void membersShowAgentsAndALeftServerRejoinsWhenRestartedWithItsData() throws Exception {
    startCluster(0, 1, 2);
    Server first = servers.getFirst();
    AgentProcess.Result peers = AgentProcess.run("operator", "raft", "list-peers", "-http-addr", "127.0.0.1:" + first.httpPort);
    assertThat(peers.exitCode()).isZero();
    assertThat(peers.stdout().lines().filter(l -> l.contains("leader"))).hasSize(1);
    assertThat(peers.stdout().lines().filter(l -> l.contains("follower"))).hasSize(2);
    assertThat(first.call("PUT", "/v1/catalog/register", "{\"Node\":\"external\",\"Address\":\"10.1.1.1\"}").statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> members(first).keySet().equals(Set.of("s1", "s2", "s3")));
    for (Server s : servers) assertThat(members(first).get(s.name)).containsExactly(1, s.raftPort);

    Server leaving = servers.stream().filter(s -> !s.rpcAddress().equals(s.leader())).findFirst().orElseThrow();
    Server other = servers.stream().filter(s -> s != leaving).findFirst().orElseThrow();
    assertThat(AgentProcess.run("leave", "-http-addr", "127.0.0.1:" + leaving.httpPort).exitCode()).isZero();
    assertThat(leaving.process.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> members(other).get(leaving.name).getFirst() == 3);
    await().atMost(Duration.ofSeconds(30)).until(() -> other.call("GET", "/v1/status/peers", null).body().split(",").length == 2);
    assertThat(other.call("PUT", "/v1/kv/after-leave", "ok").body()).isEqualTo("true");

    leaving.start(servers);
    await().atMost(Duration.ofSeconds(60)).until(() -> other.call("GET", "/v1/status/peers", null).body().split(",").length == 3);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> leaving.call("PUT", "/v1/kv/after-rejoin", "ok").body().equals("true"));
    await().atMost(Duration.ofSeconds(30)).until(() -> members(other).get(leaving.name).getFirst() == 1);

    Server victim = servers.stream().filter(s -> !s.rpcAddress().equals(s.leader()) && s != leaving).findFirst().orElseThrow();
    victim.process.process.destroyForcibly().waitFor();
    await().atMost(Duration.ofSeconds(20)).until(() -> members(leaving).get(victim.name).getFirst() == 4);
    String http = "127.0.0.1:" + leaving.httpPort;
    AgentProcess.Result unknown = AgentProcess.run("force-leave", "nobody", "-http-addr", http);
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("No node found");
    assertThat(AgentProcess.run("force-leave", victim.name, "-http-addr", http).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(20)).until(() -> members(leaving).get(victim.name).getFirst() == 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> leaving.call("GET", "/v1/status/peers", null).body().split(",").length == 2);

    // A client told of no server is pointed at one with `cairn join`, and learns the others.
    Server c = new Server("c1");
    c.client = true;
    c.start(List.of(c));
    servers.add(c);
    String clientHttp = "127.0.0.1:" + c.httpPort;
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.call("GET", "/v1/agent/self", null).statusCode() == 200);
    assertThat(AgentProcess.run("join", "127.0.0.1:1", "-http-addr", clientHttp).exitCode()).isEqualTo(1);
    AgentProcess.Result joined = AgentProcess.run("join", leaving.rpcAddress(), "-http-addr", clientHttp);
    assertThat(joined.exitCode()).isZero();
    assertThat(joined.stdout()).contains("Successfully joined cluster by contacting 1 nodes.");
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> c.call("PUT", "/v1/kv/via-joined-client", "1").body().equals("true"));
    await().atMost(Duration.ofSeconds(30)).until(() -> members(leaving).containsKey("c1"));
  }

  /**
   * A real {@code cairn discovery} service; three servers and three clients that know only a
   * token from it, started in a random order with random delays, form one cluster named after
   * the token; each says when it is ready, and not before; the service lists the three servers.
   */
  @Test
  void agentsThatKnowOnlyADiscoveryTokenFormOneClusterAndSayWhenReady() throws Exception {
    java.nio.file.Path serviceDir = java.nio.file.Files.createDirectories(dir.resolve("discovery"));
    int servicePort = TestAgent.freePort();
    try (AgentProcess service = DiscoveryProcessTest.startService(serviceDir, servicePort, -1)) {
      HttpResponse<String> fresh = DiscoveryProcessTest.request("GET", servicePort, "/new", null);
      assertThat(fresh.statusCode()).isEqualTo(200);
      String token = fresh.body().strip();
      String url = "http://127.0.0.1:" + servicePort + "/" + token;
      for (int i = 0; i < 3; i++) servers.add(new Server("s" + (i + 1)));
      for (int i = 0; i < 3; i++) {
        Server c = new Server("c" + (i + 1));
        c.client = true;
        servers.add(c);
      }
      for (Server s : servers) s.extraConfig = "discovery = \"" + url + "\"\n";
      List<Server> order = new ArrayList<>(servers);
      java.util.Random random = new java.util.Random(ThreadLocalRandom.current().nextLong());
      java.util.Collections.shuffle(order, random);
      boolean first = true;
      for (Server s : order) {
        s.start(List.of(s));  // no -retry-join: the token is all it knows
        if (first) {
          first = false;
          String http = "127.0.0.1:" + s.httpPort;
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> s.call("GET", "/v1/agent/ready", null).statusCode() == 503);
          assertThat(s.call("GET", "/v1/agent/ready", null).body()).contains("\"Stage\":\"joining\"");
          AgentProcess.Result early = AgentProcess.run("wait-ready", "-timeout", "1s", "-http-addr", http);
          assertThat(early.exitCode()).isEqualTo(1);
          assertThat(early.stderr()).contains("joining");
        }
        Thread.sleep(random.nextInt(500));  // a random gap between boots, not a wait for anything
      }
      // One agent through the command, the others by the endpoint it reads (a JVM start each costs seconds here).
      AgentProcess.Result ready = AgentProcess.run("wait-ready", "-timeout", "120s", "-http-addr", "127.0.0.1:" + servers.get(3).httpPort);
      assertThat(ready.exitCode()).as(ready.stderr()).isZero();
      for (Server s : servers) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
            .until(() -> s.call("GET", "/v1/agent/ready", null).statusCode() == 200);
      }
      awaitOneLeader(servers.subList(0, 3));
      List<String> listed = KvWorkload.JSON.readValue(DiscoveryProcessTest.request("GET", servicePort, "/" + token, null).body(),
          new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
      assertThat(listed).containsExactlyInAnyOrderElementsOf(servers.subList(0, 3).stream().map(Server::rpcAddress).toList());
      Server c = servers.get(3);
      assertThat(c.call("GET", "/v1/catalog/datacenters", null).body()).isEqualTo("[\"" + token + "\"]");
      assertThat(c.call("PUT", "/v1/kv/via-discovery", "1").body()).isEqualTo("true");
      Set<String> all = Set.of("s1", "s2", "s3", "c1", "c2", "c3");
      await().atMost(Duration.ofSeconds(30)).until(() -> members(c).keySet().equals(all)
          && members(c).values().stream().allMatch(m -> m.getFirst() == 1));
    }
  }
}
