package io.cairn.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.dns.DnsProbe.Question;
import io.cairn.endpoints.Query;
import io.cairn.endpoints.QueryMeta;
import io.cairn.endpoints.RemoteCluster;
import io.cairn.membership.ServerList;
import io.cairn.rpc.RpcClient;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Node;
import io.cairn.state.NodeServices;
import io.cairn.state.ServiceEntry;
import io.cairn.state.ServiceInstance;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS servers on real sockets whose answers wait: on an upstream that never answers, and on a
 * Consul server that holds a client agent's first lookups. The listeners must go on answering
 * what is in memory, and the waits must stay within their bound.
 */
class WaitingQueriesTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void pastTheBoundRecursiveQueriesGetServfailAtOnceAndLocalOnesStillAnswer() throws Exception {
    int bound = 4;
    int asked = 10;
    StateStore store = new StateStore();
    store.apply(1, new Command.CatalogRegister("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), false,
        new ServiceInstance("", "web1", "web", List.of(), "", 80, Map.of(), false, 1, 1, 0, 0), List.<HealthCheck>of()));
    try (SilentUpstream upstream = new SilentUpstream()) {
      // A timeout the test never reaches: closing the server ends the waits.
      DnsConfig config = new DnsConfig("consul", null, null, null, false, 0, true,
          List.of(new InetSocketAddress(LOOPBACK, upstream.port())), Duration.ofMinutes(5), null);
      try (DnsServer dns = new DnsServer(new InetSocketAddress(LOOPBACK, 0), new DnsHandler(config, CatalogView.of(store), "dc1"), bound)) {
        dns.start();
        try (DnsProbe recursive = new DnsProbe(dns.port()); DnsProbe local = new DnsProbe(dns.port())) {
          for (int i = 0; i < asked; i++) recursive.send(i, new Question("host" + i + ".hang.example.", Type.A));

          await().atMost(Duration.ofSeconds(30)).until(() -> recursive.answers().size() == asked - bound);
          assertThat(recursive.answers().values()).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL));
          await().atMost(Duration.ofSeconds(30)).until(() -> upstream.queries() == bound);

          local.askAll(0, List.of(new Question("web.service.consul.", Type.A)), Duration.ofSeconds(30));
          assertThat(local.answers().get(0).getSection(Section.ANSWER)).hasSize(1);
          assertThat(recursive.answers()).as("the waiting ones still wait").hasSize(asked - bound);
          assertThat(upstream.queries()).as("the refused ones were never sent upstream").isEqualTo(bound);
        }
      }
    }
  }

  @Test
  void clientAgentFirstLookupsWaitOffTheListener() throws Exception {
    int slow = 20;
    int again = 5;
    try (FakeServer server = new FakeServer(); RemoteCatalogView view = server.view();
         DnsServer dns = new DnsServer(new InetSocketAddress(LOOPBACK, 0), new DnsHandler(DnsConfig.defaults(), view, "dc1"))) {
      dns.start();
      try (DnsProbe held = new DnsProbe(dns.port()); DnsProbe waiting = new DnsProbe(dns.port())) {
        held.askAll(0, List.of(new Question("web.service.consul.", Type.A)), Duration.ofSeconds(30));  // now watched

        for (int i = 0; i < slow; i++) waiting.send(i, new Question("slow" + i + ".service.consul.", Type.A));
        for (int i = 0; i < again; i++) waiting.send(slow + i, new Question("slow0.service.consul.", Type.A));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.slowAsked.get() >= slow);
        List<Question> known = new ArrayList<>();
        for (int i = 0; i < 200; i++) known.add(new Question("web.service.consul.", Type.A));
        held.askAll(1, known, Duration.ofSeconds(60));

        assertThat(waiting.answers()).as("first lookups answered before the server did").isEmpty();
        assertThat(held.answers().values()).hasSize(201).allSatisfy(m ->
            assertThat(m.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.0.0.1")));

        server.release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting.answers().size() == slow + again);
        assertThat(waiting.answers().values()).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN));
        assertThat(server.slowAsked).as("one server call per new name, however often asked").hasValue(slow);
      }
    }
  }

  /**
   * A Cairn server's /rpc/read as a client agent's DNS uses it: knows one service, web,
   * and answers at once, except first lookups of names starting with "slow" (held until
   * {@link #release}) and the client's watches (held until closed: nothing ever changes).
   */
  static final class FakeServer implements AutoCloseable {
    static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    static final long INDEX = 7;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch closing = new CountDownLatch(1);
    final AtomicInteger slowAsked = new AtomicInteger();
    final HttpServer http;

    FakeServer() throws IOException {
      http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 64);
      http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      http.createContext("/rpc/read", this::view);
      http.start();
    }

    RemoteCatalogView view() {
      return new RemoteCatalogView(new ServerList(List.of("127.0.0.1:" + http.getAddress().getPort()), new RpcClient()));
    }

    private void view(HttpExchange ex) throws IOException {
      try (ex) {
        RemoteCluster.ReadRequest req = JSON.readValue(ex.getRequestBody(), RemoteCluster.ReadRequest.class);
        String name = switch (req.query()) {
          case Query.ServiceEntries q -> q.service();
          case Query.NodeServicesOf q -> q.node();
          default -> null;
        };
        if (req.minIndex() > 0) {
          closing.await();
        } else if (name != null && name.startsWith("slow")) {
          slowAsked.incrementAndGet();
          release.await();
        }
        byte[] body = JSON.writeValueAsBytes(new RemoteCluster.ReadAnswer(JSON.valueToTree(answer(req.query(), name)),
            new QueryMeta(INDEX, true, 0)));
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** What this server knows: node n1 running web; the answer as it travels (an absent node as null). */
    private static Object answer(Query<?> q, String name) {
      Node n1 = new Node("", "n1", "10.0.0.1", "dc1", Map.of(), Map.of(), 1, 1);
      ServiceInstance web = new ServiceInstance("n1", "web1", "web", List.of(), "", 80, Map.of(), false, 1, 1, 1, 1);
      return switch (q) {
        case Query.ServiceEntries s -> "web".equals(name) ? List.of(new ServiceEntry(n1, web, List.of())) : List.of();
        case Query.NodeServicesOf n -> "n1".equals(name) ? new NodeServices(n1, List.of(web)) : null;
        case Query.Nodes n -> List.of(n1);
        default -> Map.of("web", List.of());
      };
    }

    @Override
    public void close() {
      release.countDown();
      closing.countDown();
      http.stop(0);
    }
  }
}
