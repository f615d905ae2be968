package io.cairn.dns;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns request bytes into response bytes: decodes (dnsjava's codec), refuses what it cannot
 * answer with the right code (FORMERR for garbage, NOTIMP for other opcodes and classes,
 * REFUSED for outside names without recursors), routes the rest, and sizes the answer for the
 * transport: 512 bytes over UDP, the client's EDNS buffer if it sent one, everything over TCP.
 */
public final class DnsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DnsHandler.class);
  static final int PLAIN_UDP_LIMIT = 512;
  static final int MAX_EDNS_PAYLOAD = 4096;

  private final DnsAnswerer answerer;
  private final Recursor recursor;

  public DnsHandler(DnsConfig config, CatalogView catalog, String datacenter) {
    this.answerer = new DnsAnswerer(config, catalog, datacenter);
    this.recursor = new Recursor(config.recursors(), config.recursorTimeout());
  }

  /** The response to send, or null to send nothing (input too short to even carry an id). */
  public byte[] handle(byte[] buf, int len, boolean tcp) {
    if (len < Header.LENGTH) return null;
    byte[] packet = Arrays.copyOf(buf, len);
    if ((packet[2] & 0x80) != 0) return null;  // a response, not a query: never answer those
    Message query;
    try {
      query = new Message(packet);
    } catch (IOException | RuntimeException e) {
      return errorOnly(packet, Rcode.FORMERR);
    }
    try {
      return respond(query, packet, tcp);
    } catch (Exception e) {
      LOG.warn("dns query failed: {}", e.toString());
      return errorOnly(packet, Rcode.SERVFAIL);
    }
  }

  private byte[] respond(Message query, byte[] packet, boolean tcp) throws Exception {
    Header qh = query.getHeader();
    if (qh.getOpcode() != Opcode.QUERY) return reply(query, Rcode.NOTIMP, tcp);
    Record question = query.getQuestion();
    if (question == null || query.getSection(Section.QUESTION).size() != 1) return reply(query, Rcode.FORMERR, tcp);
    int qclass = question.getDClass();
    if (qclass != DClass.IN && qclass != DClass.ANY) return reply(query, Rcode.NOTIMP, tcp);
    Name qname = question.getName();
    String lower = qname.toString().toLowerCase(Locale.ROOT);
    int qtype = question.getType();
    String domain = answerer.domainOf(lower);
    if (domain == null && !answerer.isAlias(lower) && !DnsAnswerer.isReverse(lower)) {
      if (!recursor.enabled()) return reply(query, Rcode.REFUSED, tcp);
      return recursor.forward(packet, qh.getID()).orElseGet(() -> {
        try {
          return reply(query, Rcode.SERVFAIL, tcp);
        } catch (Exception e) {
          return errorOnly(packet, Rcode.SERVFAIL);
        }
      });
    }
    Message resp = newResponse(query);
    if (answerer.isAlias(lower)) {
      answerer.alias(resp, qname, qtype, lower);
    } else if (domain == null) {
      if (qtype == Type.PTR || qtype == Type.ANY) answerer.reverse(resp, qname, lower);
      else if (recursor.enabled()) return recursor.forward(packet, qh.getID()).orElseGet(() -> errorOnly(packet, Rcode.SERVFAIL));
      else return reply(query, Rcode.REFUSED, tcp);
    } else {
      answerer.answerInDomain(resp, qname, qtype, lower, domain);
    }
    DnsAnswerer.setAuthoritative(resp);
    return toWire(resp, query, tcp);
  }

  private static Message newResponse(Message query) {
    Message resp = new Message(query.getHeader().getID());
    Header h = resp.getHeader();
    h.setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) h.setFlag(Flags.RD);
    h.setFlag(Flags.RA);
    if (query.getQuestion() != null) resp.addRecord(query.getQuestion(), Section.QUESTION);
    return resp;
  }

  private static byte[] reply(Message query, int rcode, boolean tcp) {
    Message resp = newResponse(query);
    resp.getHeader().setRcode(rcode);
    return toWire(resp, query, tcp);
  }

  private static byte[] toWire(Message resp, Message query, boolean tcp) {
    OPTRecord opt = query.getOPT();
    int limit = PLAIN_UDP_LIMIT;
    if (opt != null) {
      limit = Math.max(PLAIN_UDP_LIMIT, Math.min(opt.getPayloadSize(), MAX_EDNS_PAYLOAD));
      resp.addRecord(new OPTRecord(MAX_EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    }
    byte[] whole = resp.toWire(Message.MAXLENGTH);
    if (tcp || whole.length <= limit) return whole;
    return trimmed(resp, whole.length, limit);
  }

  /**
   * Over UDP, keep as many answers as fit (as Consul does) rather than none, and set TC so the
   * client can ask again over TCP for the rest. Additional records go first.
   */
  private static byte[] trimmed(Message resp, int wholeLength, int limit) {
    List<Record> answers = resp.getSection(Section.ANSWER);
    List<Record> extra = resp.getSection(Section.ADDITIONAL);
    Record opt = extra.stream().filter(r -> r.getType() == Type.OPT).findFirst().orElse(null);
    int keep = Math.max(0, (int) ((long) answers.size() * limit / wholeLength));
    while (true) {
      Message m = new Message(resp.getHeader().getID());
      Header h = m.getHeader();
      for (int flag : new int[] {Flags.QR, Flags.AA, Flags.RD, Flags.RA}) {
        if (resp.getHeader().getFlag(flag)) h.setFlag(flag);
      }
      h.setFlag(Flags.TC);
      h.setRcode(resp.getHeader().getRcode());
      if (resp.getQuestion() != null) m.addRecord(resp.getQuestion(), Section.QUESTION);
      for (int i = 0; i < keep; i++) m.addRecord(answers.get(i), Section.ANSWER);
      if (answers.isEmpty()) resp.getSection(Section.AUTHORITY).forEach(r -> m.addRecord(r, Section.AUTHORITY));
      if (opt != null) m.addRecord(opt, Section.ADDITIONAL);
      byte[] wire = m.toWire(Message.MAXLENGTH);
      if (wire.length <= limit || keep == 0) return wire.length <= limit ? wire : m.toWire(limit);
      keep--;
    }
  }

  /** A header-only answer for input that could not be decoded: same id, the error code. */
  private static byte[] errorOnly(byte[] packet, int rcode) {
    byte[] out = new byte[Header.LENGTH];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x79));  // QR, keep opcode and RD
    out[3] = (byte) (0x80 | (rcode & 0x0f));      // RA, rcode
    return out;
  }
}
