package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** DNS answers from a fixed table of tokens: names, types, rcodes, truncation; no sockets. */
class DnsAnswersTest {
  static final Token T = Token.parse("0123456789abcdef0123456789abcdef");
  static final Token EMPTY = Token.parse("fedcba9876543210fedcba9876543210");
  static final Token MANY = Token.parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

  final Map<Token, List<ServerAddress>> table = Map.of(
      T, List.of(ServerAddress.parse("10.0.0.5"), ServerAddress.parse("10.0.0.6:8301"), ServerAddress.parse("[2001:db8::1]"),
          ServerAddress.parse("srv1.example.com:8302"), ServerAddress.parse("10.0.0.5:9000")),
      EMPTY, List.of(),
      MANY, java.util.stream.IntStream.range(0, 200).mapToObj(i -> ServerAddress.of("10.1.0." + (i + 1), 8300)).toList());
  final DnsAnswers dns = new DnsAnswers("discovery", t -> Optional.ofNullable(table.get(t)));

  Message ask(String name, int type) throws Exception {
    return ask(name, type, false);
  }

  Message ask(String name, int type, boolean tcp) throws Exception {
    byte[] q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
    return new Message(dns.answer(q, q.length, tcp));
  }

  static List<String> data(Message m, int section) {
    return m.getSection(section).stream().map(Record::rdataToString).toList();
  }

  @Test
  void aTokenNameAnswersTheAddressesOfItsServers() throws Exception {
    Message a = ask(T + ".service.discovery.", Type.A);
    assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(data(a, Section.ANSWER)).containsExactly("10.0.0.5", "10.0.0.6");
    assertThat(a.getSection(Section.ANSWER)).allSatisfy(r -> assertThat(r.getTTL()).isZero());
    assertThat(data(ask(T.value().toUpperCase() + ".SERVICE.Discovery.", Type.AAAA), Section.ANSWER)).containsExactly("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void theSrvNameAnswersPortsWithTargetsThatResolve() throws Exception {
    Message srv = ask("_" + T + "._tcp.service.discovery.", Type.SRV);
    assertThat(srv.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(srv.getSection(Section.ANSWER)).map(r -> (SRVRecord) r)
        .extracting(r -> r.getPriority() + " " + r.getWeight() + " " + r.getPort() + " " + r.getTarget())
        .containsExactly("1 1 8300 0a000005.addr.discovery.", "1 1 8301 0a000006.addr.discovery.",
            "1 1 8300 20010db8000000000000000000000001.addr.discovery.", "1 1 8302 srv1.example.com.",
            "1 1 9000 0a000005.addr.discovery.");
    assertThat(srv.getSection(Section.ADDITIONAL)).filteredOn(r -> r.getType() != Type.OPT)
        .extracting(r -> r.getName() + " " + r.rdataToString())
        .containsExactly("0a000005.addr.discovery. 10.0.0.5", "0a000006.addr.discovery. 10.0.0.6",
            "20010db8000000000000000000000001.addr.discovery. 2001:db8:0:0:0:0:0:1");
    assertThat(data(ask("0a000006.addr.discovery.", Type.A), Section.ANSWER)).containsExactly("10.0.0.6");
    assertThat(data(ask("20010db8000000000000000000000001.addr.discovery.", Type.AAAA), Section.ANSWER))
        .containsExactly("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void unknownTokensAreNxdomainAndOtherDomainsRefused() throws Exception {
    assertThat(ask("00000000000000000000000000000000.service.discovery.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask("_00000000000000000000000000000000._tcp.service.discovery.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask("nottoken.service.discovery.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask("www.discovery.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(ask("zz.addr.discovery.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Message nx = ask("x.service.discovery.", Type.A);
    assertThat(nx.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
    assertThat(ask("example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask("discovery.", Type.SOA).getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.SOA);
  }

  @Test
  void aKnownTokenWithoutSuchRecordsIsNodata() throws Exception {
    Message empty = ask(EMPTY + ".service.discovery.", Type.A);
    assertThat(empty.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(empty.getSection(Section.ANSWER)).isEmpty();
    Message txt = ask(T + ".service.discovery.", Type.TXT);
    assertThat(txt.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(txt.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void overUdpALongAnswerIsTruncatedAndWholeOverTcp() throws Exception {
    Message udp = ask(MANY + ".service.discovery.", Type.A);
    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    Message tcp = ask(MANY + ".service.discovery.", Type.A, true);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(tcp.getSection(Section.ANSWER)).hasSize(200).allMatch(r -> r instanceof ARecord);
  }

  @Test
  void garbageIsAFormatErrorOrNothing() {
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      random.nextBytes(junk);
      byte[] out = dns.answer(junk, junk.length, false);
      if (out != null) assertThat(out.length).isBetween(12, 512);
    }
    assertThat(dns.answer(new byte[5], 5, false)).isNull();
  }

  @Test
  void aaaaRecordsHaveTheirOwnType() throws Exception {
    assertThat(ask(T + ".service.discovery.", Type.AAAA).getSection(Section.ANSWER)).allMatch(r -> r instanceof AAAARecord);
  }
}
