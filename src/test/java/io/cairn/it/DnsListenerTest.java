package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.dns.DnsProbe;
import io.cairn.dns.DnsProbe.Question;
import io.cairn.dns.SilentUpstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real agent whose only recursor never answers: queries that recurse wait there, and must
 * not hold up the answers the agent has in memory.
 */
class DnsListenerTest {
  /** More than the agent's two UDP listener threads, fewer than its bound on waiting queries (256). */
  static final int HANGING = 100;
  static final int LOCAL = 1000;
  /**
   * Long enough that the local queries all finish within it on any machine that runs the
   * tests (they take well under a second), so "answered while the recursions still wait" is
   * a matter of order, not of speed.
   */
  static final Duration RECURSOR_TIMEOUT = Duration.ofSeconds(8);

  static SilentUpstream upstream;
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    upstream = new SilentUpstream();
    agent = TestAgent.start(b -> {
      b.recursors.add("127.0.0.1:" + upstream.port());
      b.recursorTimeout = RECURSOR_TIMEOUT;
    });
    // The dev agent registers itself and its consul service once it leads.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> ask("consul.service.consul.", false).getRcode() == Rcode.NOERROR);
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
    if (upstream != null) upstream.close();
  }

  static Message ask(String name, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", agent.agent().dnsPort()));
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
  }

  @Test
  void localAnswersDoNotWaitBehindHangingRecursionsWhichEndInServfail() throws Exception {
    int port = agent.agent().dnsPort();
    try (DnsProbe recursive = new DnsProbe(port); DnsProbe local = new DnsProbe(port)) {
      for (int i = 0; i < HANGING; i++) recursive.send(i, new Question("host" + i + ".hang.example.", Type.A));
      // Every one has reached the upstream: all wait at once, none behind another.
      await().atMost(Duration.ofSeconds(30)).until(() -> upstream.queries() >= HANGING);

      List<Question> questions = new ArrayList<>();
      for (int i = 0; i < LOCAL; i++) {
        questions.add(new Question(i % 2 == 0 ? "consul.service.consul." : TestAgent.NODE + ".node.consul.", Type.A));
      }
      local.askAll(0, questions, Duration.ofSeconds(60));
      Message overTcp = ask(TestAgent.NODE + ".node.consul.", true);

      assertThat(recursive.answers()).as("recursions answered before the local queries were done").isEmpty();
      for (Map.Entry<Integer, Message> e : local.answers().entrySet()) {
        assertThat(e.getValue().getRcode()).as("local answer %d", e.getKey()).isEqualTo(Rcode.NOERROR);
        assertThat(e.getValue().getSection(Section.ANSWER)).as("local answer %d", e.getKey())
            .singleElement().satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
      }
      assertThat(local.answers()).hasSize(LOCAL);
      assertThat(overTcp.getSection(Section.ANSWER)).hasSize(1);

      await().atMost(RECURSOR_TIMEOUT.plusSeconds(30)).until(() -> recursive.answers().size() == HANGING);
      assertThat(recursive.answers().values()).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.SERVFAIL));
    }
  }
}
