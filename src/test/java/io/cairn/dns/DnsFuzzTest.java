package io.cairn.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.ServiceInstance;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Feeds the DNS handler mutated real queries and hand-made hostile packets. Every input must
 * give a decodable answer with the query's id, or nothing; never an exception.
 */
class DnsFuzzTest {
  private static DnsHandler handler() {
    StateStore store = new StateStore();
    List<HealthCheck> none = List.of();
    for (int i = 0; i < 5; i++) {
      store.apply(i + 1, new Command.CatalogRegister("", "n" + i, "10.0.0." + i, "dc1", Map.of(), Map.of("rack", "r" + i),
          false, new ServiceInstance("", "web" + i, "web", List.of("v1"), "", 80 + i, Map.of(), false, 1, 1, 0, 0), none));
    }
    return new DnsHandler(DnsConfig.defaults(), CatalogView.of(store), "dc1");
  }

  private static byte[] query(String name, int type) throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
  }

  @Test
  void mutatedQueriesNeverThrowAndAnswersDecode() throws Exception {
    DnsHandler h = handler();
    List<byte[]> seeds = new ArrayList<>();
    for (String n : List.of("web.service.consul.", "_web._tcp.service.consul.", "n1.node.consul.", "v1.web.service.dc1.consul.",
        "0a000001.addr.consul.", "1.0.0.10.in-addr.arpa.", "consul.", "nope.service.consul.")) {
      for (int t : new int[] {Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.ANY, Type.PTR, Type.SOA}) seeds.add(query(n, t));
    }
    Random r = new Random(20261125);
    for (int i = 0; i < 30_000; i++) {
      byte[] p = seeds.get(r.nextInt(seeds.size())).clone();
      int edits = 1 + r.nextInt(6);
      for (int e = 0; e < edits; e++) {
        switch (r.nextInt(4)) {
          case 0 -> p[r.nextInt(p.length)] = (byte) r.nextInt(256);
          case 1 -> p = java.util.Arrays.copyOf(p, Math.max(0, p.length - 1 - r.nextInt(Math.max(1, p.length / 2))));
          case 2 -> p = java.util.Arrays.copyOf(p, p.length + r.nextInt(40));
          default -> {
            if (p.length > 13) p[12 + r.nextInt(p.length - 12)] = (byte) (0xc0 | r.nextInt(64));
          }
        }
        if (p.length == 0) break;
      }
      checkAnswer(p, h.handle(p, p.length, r.nextBoolean()));
    }
  }

  @Test
  void compressionLoopIsFormErr() {
    // Header with one question whose name is a pointer to itself (offset 12).
    byte[] p = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
    byte[] out = handler().handle(p, p.length, false);
    assertThat(out).isNotNull();
    assertThat(out[3] & 0x0f).isEqualTo(Rcode.FORMERR);
    assertThat(out[0]).isEqualTo((byte) 0x12);
  }

  @Test
  void labelBombIsRefusedQuickly() {
    // 200 one-byte labels: longer than the 255-byte name limit.
    byte[] p = new byte[12 + 200 * 2 + 5];
    p[0] = 1;
    p[5] = 1;
    int o = 12;
    for (int i = 0; i < 200; i++) {
      p[o++] = 1;
      p[o++] = 'a';
    }
    p[o++] = 0;
    p[o + 1] = 1;
    p[o + 3] = 1;
    byte[] out = handler().handle(p, p.length, false);
    assertThat(out).isNotNull();
    assertThat(out[3] & 0x0f).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void shortPacketsAndResponsesAreDropped() {
    DnsHandler h = handler();
    assertThat(h.handle(new byte[5], 5, false)).isNull();
    byte[] response = new byte[12];
    response[2] = (byte) 0x80;
    assertThat(h.handle(response, 12, false)).isNull();
  }

  @Test
  void unknownOpcodeIsNotImp() throws Exception {
    byte[] p = query("web.service.consul.", Type.A);
    p[2] = (byte) ((p[2] & 0x87) | (5 << 3));  // opcode 5 (UPDATE)
    byte[] out = handler().handle(p, p.length, false);
    assertThat(new Message(out).getRcode()).isIn(Rcode.NOTIMP, Rcode.FORMERR);
  }

  @Test
  void chaosClassIsNotImp() throws Exception {
    byte[] p = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH)).toWire();
    assertThat(new Message(handler().handle(p, p.length, false)).getRcode()).isEqualTo(Rcode.NOTIMP);
  }

  private static void checkAnswer(byte[] in, byte[] out) throws IOException {
    if (out == null) {
      assertThat(in.length < 12 || (in[2] & 0x80) != 0).as("dropped only when too short or a response").isTrue();
      return;
    }
    assertThat(out[0]).isEqualTo(in[0]);
    assertThat(out[1]).isEqualTo(in[1]);
    assertThat(out.length).isLessThanOrEqualTo(65535);
    // Must decode; SERVFAIL would mean the handler failed inside (no recursors are configured here).
    assertThat(out[3] & 0x0f).as("internal failure answering %s", java.util.HexFormat.of().formatHex(in)).isNotEqualTo(Rcode.SERVFAIL);
    new Message(out);
  }

  @Test
  void aQueryWithoutAQuestionIsFormErr() throws Exception {
    byte[] p = {0x42, 0x42, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(new Message(handler().handle(p, p.length, false)).getRcode()).isEqualTo(Rcode.FORMERR);
  }
}
