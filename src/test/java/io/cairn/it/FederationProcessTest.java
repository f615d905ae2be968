package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two datacenters as real processes on loopback: dc1 (a server and a client agent) and dc2 (a
 * server that names dc1's server once, with -retry-join-wan). Requests with ?dc= go across
 * (HTTP, a blocking query held there, DNS through the client), errors are Consul's, and a
 * datacenter killed whole and restarted is reachable again without a command.
 */
class FederationProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Agent> agents = new ArrayList<>();
  @TempDir Path dir;

  final class Agent {
    final String name;
    final String dc;
    final int httpPort = TestAgent.freePort();
    final int dnsPort = TestAgent.freePort();
    final int rpcPort = TestAgent.freePort();
    final int raftPort = TestAgent.freePort();
    AgentProcess process;

    Agent(String name, String dc) {
      this.name = name;
      this.dc = dc;
      agents.add(this);
    }

    void start(String... more) throws Exception {
      List<String> args = new ArrayList<>(List.of("agent", "-node", name, "-datacenter", dc,
          "-data-dir", dir.resolve(name).toString(), "-bind", "127.0.0.1", "-client", "127.0.0.1",
          "-http-port", Integer.toString(httpPort), "-dns-port", Integer.toString(dnsPort),
          "-server-port", Integer.toString(rpcPort), "-raft-port", Integer.toString(raftPort), "-retry-interval", "500ms"));
      args.addAll(List.of(more));
      process = AgentProcess.start(args.toArray(String[]::new));
    }

    String rpc() {
      return "127.0.0.1:" + rpcPort;
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(60))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
      HttpResponse<String> r = call("GET", path, null);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    }

    void awaitReady() {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> call("GET", "/v1/agent/ready", null).statusCode() == 200);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Agent a : agents) if (a.process != null) a.process.close();
  }

  @Test
  void twoDatacentersForwardHttpDnsAndBlockingQueriesAndSurviveTheLossOfOne() throws Exception {
    Agent s1 = new Agent("s1", "dc1");
    Agent s2 = new Agent("s2", "dc2");
    Agent c1 = new Agent("c1", "dc1");
    s1.start("-server", "-bootstrap");
    s2.start("-server", "-bootstrap", "-retry-join-wan", s1.rpc());
    c1.start("-retry-join", s1.rpc(), "-translate-wan-addrs");
    for (Agent a : agents) a.awaitReady();

    // One link is enough: both servers list both, and the client asks its server.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(names(s1.json("/v1/catalog/datacenters"))).containsExactly("dc1", "dc2");
      assertThat(names(s2.json("/v1/catalog/datacenters"))).containsExactly("dc2", "dc1");
      assertThat(names(c1.json("/v1/catalog/datacenters"))).containsExactly("dc1", "dc2");
    });
    JsonNode wan = s1.json("/v1/agent/members?wan=1");
    assertThat(wan.findValuesAsText("Name")).containsExactlyInAnyOrder("s1.dc1", "s2.dc2");
    assertThat(wan.findValues("Status")).allMatch(n -> n.asInt() == 1);

    // KV through the client into dc2: stored there, not here.
    assertThat(c1.call("PUT", "/v1/kv/where?dc=dc2", "over-there").body()).isEqualTo("true");
    assertThat(s2.call("GET", "/v1/kv/where?raw", null).body()).isEqualTo("over-there");
    assertThat(s1.call("GET", "/v1/kv/where", null).statusCode()).isEqualTo(404);
    HttpResponse<String> read = c1.call("GET", "/v1/kv/where?dc=dc2", null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.headers().firstValue("X-Consul-Index")).isPresent();

    // Catalog and health of dc2, through the client, and a node of dc2 by DNS.
    assertThat(s2.call("PUT", "/v1/catalog/register", "{\"Node\":\"web-2\",\"Address\":\"10.9.0.2\",\"TaggedAddresses\":{\"wan\":\"198.51.100.2\"},\"Service\":{\"Service\":\"web\"},"
        + "\"Check\":{\"CheckID\":\"web-up\",\"ServiceID\":\"web\",\"Status\":\"passing\"}}").statusCode()).isEqualTo(200);
    JsonNode entries = c1.json("/v1/health/service/web?dc=dc2&passing");
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).at("/Node/Datacenter").asText()).isEqualTo("dc2");
    // c1 runs with translate_wan_addrs: dc2's nodes come with their WAN address; s1 does not translate.
    assertThat(entries.get(0).at("/Node/Address").asText()).isEqualTo("198.51.100.2");
    assertThat(s1.json("/v1/health/service/web?dc=dc2").get(0).at("/Node/Address").asText()).isEqualTo("10.9.0.2");
    assertThat(c1.json("/v1/catalog/service/web")).isEmpty();
    assertThat(dig(c1, "web.service.dc2.consul", "A")).contains("198.51.100.2");
    assertThat(dig(c1, "web-2.node.dc2.consul", "A")).contains("198.51.100.2");
    assertThat(dig(s1, "web.service.dc2.consul", "A")).contains("10.9.0.2");
    assertThat(String.join("\n", digFull(c1, "web.service.nowhere.consul"))).contains("status: NXDOMAIN");

    // A prepared query with failover: answers here, moves to dc2 when every local instance is critical, comes back.
    String api1 = "{\"Node\":\"api-1\",\"Address\":\"10.8.0.1\",\"Service\":{\"Service\":\"api\"},"
        + "\"Check\":{\"CheckID\":\"api-up\",\"ServiceID\":\"api\",\"Status\":\"%s\"}}";
    assertThat(s1.call("PUT", "/v1/catalog/register", api1.formatted("passing")).statusCode()).isEqualTo(200);
    assertThat(s2.call("PUT", "/v1/catalog/register", "{\"Node\":\"api-2\",\"Address\":\"10.9.0.9\",\"Service\":{\"Service\":\"api\"}}")
        .statusCode()).isEqualTo(200);
    assertThat(c1.call("POST", "/v1/query", "{\"Name\":\"api\",\"Service\":{\"Service\":\"api\",\"Failover\":{\"Datacenters\":[\"dc2\"]}}}")
        .statusCode()).isEqualTo(200);
    JsonNode local = c1.json("/v1/query/api/execute");
    assertThat(local.get("Datacenter").asText()).isEqualTo("dc1");
    assertThat(local.get("Failovers").asInt()).isZero();
    assertThat(s1.call("PUT", "/v1/catalog/register", api1.formatted("critical")).statusCode()).isEqualTo(200);
    JsonNode failed = c1.json("/v1/query/api/execute");
    assertThat(failed.get("Datacenter").asText()).isEqualTo("dc2");
    assertThat(failed.get("Failovers").asInt()).isEqualTo(1);
    assertThat(failed.at("/Nodes/0/Node/Node").asText()).isEqualTo("api-2");
    // The client's DNS copy of dc1's "api" follows the change within a blocking round trip.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(run(c1, "api.query.consul", "A", "+short"))
        .containsExactly("10.9.0.9"));
    assertThat(s1.call("PUT", "/v1/catalog/register", api1.formatted("passing")).statusCode()).isEqualTo(200);
    assertThat(c1.json("/v1/query/api/execute").get("Datacenter").asText()).isEqualTo("dc1");

    // Network coordinates: WAN per server from the pool's probes, LAN per node from heartbeats.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode dcs = s1.json("/v1/coordinate/datacenters");
      assertThat(dcs.findValuesAsText("Datacenter")).containsExactly("dc1", "dc2");
      assertThat(dcs.findValuesAsText("Node")).contains("s1.dc1", "s2.dc2");
      assertThat(c1.json("/v1/coordinate/nodes").findValuesAsText("Node")).contains("c1", "s1");
    });
    assertThat(c1.json("/v1/coordinate/node/c1").get(0).at("/Coord/Vec").size()).isEqualTo(8);
    assertThat(c1.call("GET", "/v1/coordinate/node/nobody", null).statusCode()).isEqualTo(404);
    AgentProcess.Result rtt = AgentProcess.run("rtt", "s1", "-http-addr", "127.0.0.1:" + c1.httpPort);
    assertThat(rtt.exitCode()).as(rtt.stderr()).isZero();
    assertThat(rtt.stdout()).startsWith("Estimated s1 <-> c1 rtt: ").endsWith("ms (using LAN coordinates)\n");
    AgentProcess.Result wanRtt = AgentProcess.run("rtt", "-wan", "s2.dc2", "-http-addr", "127.0.0.1:" + s1.httpPort);
    assertThat(wanRtt.exitCode()).as(wanRtt.stderr()).isZero();
    assertThat(wanRtt.stdout()).contains("s2.dc2 <-> s1.dc1").contains("WAN");
    assertThat(AgentProcess.run("rtt", "nobody", "-http-addr", "127.0.0.1:" + c1.httpPort).stderr())
        .contains("Could not find a coordinate for node \"nobody\"");
    assertThat(c1.call("PUT", "/v1/coordinate/update", "{\"Node\":\"api-1\",\"Coord\":{\"Vec\":[1,2],\"Error\":1}}")
        .statusCode()).isEqualTo(400);
    assertThat(c1.call("PUT", "/v1/coordinate/update", "{\"Node\":\"api-1\",\"Coord\":{\"Vec\":[0,0,0,0,0,0,0,0.5],"
        + "\"Error\":1.5,\"Adjustment\":0,\"Height\":0.00001}}").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(c1.json("/v1/coordinate/nodes").findValuesAsText("Node")).contains("api-1"));
    // ?near: nodes with coordinates first, by estimated round trip; api-1 is half a second away, last of them.
    List<String> near = new ArrayList<>();
    c1.json("/v1/catalog/nodes?near=_agent").forEach(n -> near.add(n.get("Node").asText()));
    assertThat(near.subList(0, 2)).containsExactlyInAnyOrder("c1", "s1");
    assertThat(near.get(2)).isEqualTo("api-1");

    // A blocking query held in dc2, through the client, woken by a write there.
    long index = Long.parseLong(read.headers().firstValue("X-Consul-Index").orElseThrow());
    CompletableFuture<HttpResponse<String>> held = TestAgent.async(() -> {
      try {
        return c1.call("GET", "/v1/kv/where?dc=dc2&index=" + index + "&wait=50s", null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(s2.call("PUT", "/v1/kv/where", "moved").body()).isEqualTo("true");
    HttpResponse<String> woken = held.get(30, TimeUnit.SECONDS);
    assertThat(Long.parseLong(woken.headers().firstValue("X-Consul-Index").orElseThrow())).isGreaterThan(index);
    assertThat(JSON.readTree(woken.body()).get(0).get("Value").asText())
        .isEqualTo(java.util.Base64.getEncoder().encodeToString("moved".getBytes(StandardCharsets.UTF_8)));

    // Consul's words for a datacenter nobody knows; /v1/agent/* ignores dc.
    HttpResponse<String> unknown = c1.call("GET", "/v1/kv/where?dc=nowhere", null);
    assertThat(unknown.statusCode()).isEqualTo(500);
    assertThat(unknown.body()).contains("No path to datacenter");
    assertThat(c1.json("/v1/agent/self?dc=dc2").at("/Config/Datacenter").asText()).isEqualTo("dc1");
    HttpResponse<String> crossLock = c1.call("PUT", "/v1/session/create?dc=dc2", "{}");
    assertThat(crossLock.statusCode()).isEqualTo(500);
    assertThat(crossLock.body()).contains("cross datacenter lock must be created at server agent");

    // dc2 dies whole: dc1 goes on, and ?dc=dc2 is refused at once, in Consul's words.
    s2.process.process.destroyForcibly().waitFor();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      long t0 = System.nanoTime();
      HttpResponse<String> r = c1.call("GET", "/v1/kv/where?dc=dc2", null);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).contains("Remote DC has no server currently reachable");
      assertThat(ms).as("answered without waiting on the dead datacenter").isLessThan(2000);
    });
    assertThat(c1.call("PUT", "/v1/kv/here", "still").body()).isEqualTo("true");
    assertThat(s1.json("/v1/agent/members?wan=1").findValues("Status").stream().map(JsonNode::asInt)).contains(4);

    // Restarted with its data: reachable again, with no command.
    s2.start("-server", "-bootstrap", "-retry-join-wan", s1.rpc());
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> c1.call("GET", "/v1/kv/where?dc=dc2&raw", null).body().equals("moved"));

    // A third datacenter joins at run time with `cairn join -wan`, and is forced out with force-leave.
    Agent s3 = new Agent("s3", "dc3");
    s3.start("-server", "-bootstrap");
    s3.awaitReady();
    AgentProcess.Result joined = AgentProcess.run("join", "-wan", s1.rpc(), "-http-addr", "127.0.0.1:" + s3.httpPort);
    assertThat(joined.exitCode()).as(joined.stderr()).isZero();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(names(s2.json("/v1/catalog/datacenters"))).containsExactlyInAnyOrder("dc1", "dc2", "dc3"));
    AgentProcess.Result members = AgentProcess.run("members", "-wan", "-http-addr", "127.0.0.1:" + s1.httpPort);
    assertThat(members.stdout()).contains("s3.dc3").contains("s2.dc2");
    // Dead, it is failed; forced out, left (a live one would simply come back, as in Consul).
    s3.process.process.destroyForcibly().waitFor();
    await().atMost(Duration.ofSeconds(10)).until(() -> wanStatus(s1, "s3.dc3") == 4);
    assertThat(AgentProcess.run("force-leave", "s3.dc3", "-http-addr", "127.0.0.1:" + s1.httpPort).exitCode()).isZero();
    assertThat(wanStatus(s1, "s3.dc3")).as("left").isEqualTo(3);
  }

  private static int wanStatus(Agent a, String name) throws Exception {
    for (JsonNode m : a.json("/v1/agent/members?wan=1")) if (m.get("Name").asText().equals(name)) return m.get("Status").asInt();
    return -1;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> dig(Agent a, String name, String type) throws Exception {
    List<String> out = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      List<String> lines = run(a, name, type, "+short");
      assertThat(lines).isNotEmpty();
      out.clear();
      out.addAll(lines);
    });
    return out;
  }

  private static List<String> digFull(Agent a, String name) throws Exception {
    return run(a, name, "A");
  }

  private static List<String> run(Agent a, String name, String type, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(a.dnsPort), "+time=2", "+tries=1", name, type));
    cmd.addAll(List.of(more));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }
}
