package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The DNS interface of a real agent, asked by real `dig` and by dnsjava. */
class DnsTest {
  static TestAgent agent;
  static FakeUpstream dead;
  static FakeUpstream upstream;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    dead = new FakeUpstream(false);
    upstream = new FakeUpstream(true);
    agent = TestAgent.start(b -> {
      b.recursors.add("127.0.0.1:" + dead.port());
      b.recursors.add("127.0.0.1:" + upstream.port());
      b.recursorTimeout = Duration.ofMillis(300);
      b.dnsAliases.put("identity.cloud.example", "keystone.service.consul");
      b.nodeMeta.put("rack", "r7");
    });
    put("/v1/agent/service/register", "{\"Name\":\"web\",\"ID\":\"web1\",\"Port\":8080,\"Tags\":[\"v1\"],\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}");
    put("/v1/catalog/register", "{\"Node\":\"ext1\",\"Address\":\"10.1.0.1\",\"Service\":{\"Service\":\"web\",\"ID\":\"web2\",\"Port\":8081,\"Tags\":[\"v2\"]}}");
    put("/v1/catalog/register", "{\"Node\":\"ext2\",\"Address\":\"10.1.0.2\",\"Service\":{\"Service\":\"db\",\"Port\":5432,\"Address\":\"db.example.com\"}}");
    put("/v1/catalog/register", "{\"Node\":\"ext3\",\"Address\":\"10.1.0.3\",\"Service\":{\"Service\":\"keystone\",\"Port\":5000}}");
    for (int i = 0; i < 60; i++) {
      put("/v1/catalog/register", "{\"Node\":\"big" + i + "\",\"Address\":\"10.2.0." + i + "\",\"Service\":{\"Service\":\"big\",\"Port\":80}}");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/v1/catalog/service/web").contains("web1"));
  }

  @AfterAll
  static void stop() {
    if (agent != null) agent.close();
    dead.close();
    upstream.close();
  }

  static String put(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(agent.uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(agent.uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static int dnsPort() {
    return agent.agent().dnsPort();
  }

  /** Runs dig against the agent; returns its output lines. */
  static List<String> dig(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort()), "+time=2", "+tries=1"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("dig finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  static Message ask(String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", dnsPort()));
    r.setTCP(tcp);
    r.setIgnoreTruncation(true);
    r.setTimeout(Duration.ofSeconds(3));
    r.setEDNS(-1);  // plain DNS: the 512-byte UDP limit applies
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  @Test
  void digFindsHealthyServiceAddresses() throws Exception {
    assertThat(dig("+short", "web.service.consul")).containsExactlyInAnyOrder("127.0.0.1", "10.1.0.1");
  }

  @Test
  void tagNarrowsTheAnswer() throws Exception {
    assertThat(dig("+short", "v2.web.service.dc1.consul")).containsExactly("10.1.0.1");
  }

  @Test
  void srvCarriesPortsAndTargetsWithAddressesInAdditional() throws Exception {
    Message m = ask("_web._tcp.service.consul.", Type.SRV, false);
    Set<Integer> ports = m.getSection(Section.ANSWER).stream().map(r -> ((SRVRecord) r).getPort()).collect(Collectors.toSet());
    assertThat(ports).containsExactlyInAnyOrder(8080, 8081);
    List<Record> additional = m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).toList();
    assertThat(additional).hasSize(2);
    assertThat(dig("+short", "web.service.consul", "SRV")).anyMatch(l -> l.startsWith("1 1 8081 ext1.node.dc1.consul."));
  }

  @Test
  void hostnameAddressAnswersWithCname() throws Exception {
    Message m = ask("db.service.consul.", Type.A, false);
    assertThat(m.getSection(Section.ANSWER)).singleElement().isInstanceOf(CNAMERecord.class);
    assertThat(((CNAMERecord) m.getSection(Section.ANSWER).getFirst()).getTarget().toString()).isEqualTo("db.example.com.");
  }

  @Test
  void nodeLookupGivesAddressAndMetaAsTxt() throws Exception {
    assertThat(dig("+short", "ext2.node.consul")).containsExactly("10.1.0.2");
    Message m = ask(TestAgent.NODE + ".node.consul.", Type.TXT, false);
    assertThat(m.getSection(Section.ANSWER)).anyMatch(r -> ((TXTRecord) r).getStrings().contains("rack=r7"));
  }

  @Test
  void unknownNameIsNxdomainWithSoa() throws Exception {
    Message m = ask("nope.service.consul.", Type.A, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(m.getSection(Section.AUTHORITY)).anyMatch(r -> r.getType() == Type.SOA);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
  }

  @Test
  void knownNameWithoutThatTypeIsNodataWithSoa() throws Exception {
    Message m = ask("web.service.consul.", Type.MX, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getSection(Section.ANSWER)).isEmpty();
    assertThat(m.getSection(Section.AUTHORITY)).anyMatch(r -> r.getType() == Type.SOA);
  }

  @Test
  void criticalInstanceLeavesTheNextAnswer() throws Exception {
    put("/v1/agent/service/register", "{\"Name\":\"flip\",\"ID\":\"flip1\",\"Port\":1,\"Check\":{\"TTL\":\"10m\",\"Status\":\"passing\"}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> !dig("+short", "flip.service.consul").isEmpty());
    put("/v1/agent/check/fail/service:flip1", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> ask("flip.service.consul.", Type.A, false).getRcode() == Rcode.NXDOMAIN);
    put("/v1/agent/check/pass/service:flip1", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> dig("+short", "flip.service.consul").contains("127.0.0.1"));
  }

  @Test
  void bigAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
    Message udp = ask("big.service.consul.", Type.A, false);
    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(udp.toWire().length).isLessThanOrEqualTo(512);
    assertThat(udp.getSection(Section.ANSWER)).as("as many as fit, not none").hasSizeBetween(10, 59);
    Message tcp = ask("big.service.consul.", Type.A, true);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(tcp.getSection(Section.ANSWER)).hasSize(60);
    // dig retries over TCP by itself when it sees TC.
    assertThat(dig("+short", "+noedns", "big.service.consul")).hasSize(60);
  }

  @Test
  void answersAreShuffled() throws Exception {
    Set<String> firsts = new java.util.HashSet<>();
    for (int i = 0; i < 30 && firsts.size() < 2; i++) {
      firsts.add(((ARecord) ask("big.service.consul.", Type.A, true).getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress());
    }
    assertThat(firsts).hasSizeGreaterThan(1);
  }

  @Test
  void reverseLookupNamesTheNode() throws Exception {
    assertThat(dig("+short", "-x", "10.1.0.3")).containsExactly("ext3.node.dc1.consul.");
  }

  @Test
  void addrNameDecodesToTheAddress() throws Exception {
    assertThat(dig("+short", "0a010002.addr.dc1.consul")).containsExactly("10.1.0.2");
  }

  @Test
  void aliasAnswersCnamePlusLiveAddresses() throws Exception {
    List<String> out = dig("+short", "identity.cloud.example");
    assertThat(out).containsExactly("keystone.service.consul.", "10.1.0.3");
  }

  @Test
  void outsideNamesGoToTheFirstRecursorThatAnswers() throws Exception {
    assertThat(dig("+short", "example.org")).containsExactly("192.0.2.7");
    assertThat(dead.queries()).isPositive();
  }

  @Test
  void upstreamErrorsArePassedThrough() throws Exception {
    Message m = ask("missing.example.org.", Type.A, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void dnsmasqForwardingTheDomainToTheAgentAnswersAsTheAgentDoes() throws Exception {
    int port = TestAgent.freePort();
    Process dnsmasq = new ProcessBuilder("dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--server=/consul/127.0.0.1#" + dnsPort())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> !digAt(port, "+short", "ext2.node.consul").isEmpty());
      assertThat(digAt(port, "+short", "web.service.consul")).containsExactlyInAnyOrder("127.0.0.1", "10.1.0.1");
      assertThat(digAt(port, "+short", "_web._tcp.service.consul", "SRV")).hasSize(2);
      assertThat(String.join("\n", digAt(port, "nope.service.consul"))).contains("NXDOMAIN");
    } finally {
      dnsmasq.destroy();
      dnsmasq.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static List<String> digAt(int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=2", "+tries=1"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("dig finished").isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }

  /** A tiny upstream resolver on loopback: answers example.org, NXDOMAIN otherwise; or never answers. */
  static final class FakeUpstream implements AutoCloseable {
    private final DatagramSocket socket;
    private final boolean answers;
    private volatile int queries;

    FakeUpstream(boolean answers) throws IOException {
      this.answers = answers;
      socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::loop);
    }

    int port() {
      return socket.getLocalPort();
    }

    int queries() {
      return queries;
    }

    private void loop() {
      byte[] buf = new byte[4096];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          socket.receive(p);
          queries++;
          if (!answers) continue;
          Message q = new Message(Arrays.copyOf(buf, p.getLength()));
          Message r = new Message(q.getHeader().getID());
          r.getHeader().setFlag(Flags.QR);
          r.addRecord(q.getQuestion(), Section.QUESTION);
          if (q.getQuestion().getName().toString().equals("example.org.")) {
            r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 60, InetAddress.getByName("192.0.2.7")), Section.ANSWER);
          } else {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
          }
          byte[] out = r.toWire();
          socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        } catch (IOException e) {
          // closed, or a bad packet: keep serving until closed
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
