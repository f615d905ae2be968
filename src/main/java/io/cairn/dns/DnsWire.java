package io.cairn.dns;

import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Puts a {@link DnsAnswer} on the wire as the response to one query: the query's id, RD and
 * question, RA always (Cairn recurses when recursors are set), AA when the answer is
 * authoritative, and a size the transport allows: 512 bytes over UDP, the client's EDNS buffer
 * if it sent one (up to {@link #MAX_EDNS_PAYLOAD}), everything over TCP.
 */
final class DnsWire {
  static final int PLAIN_UDP_LIMIT = 512;
  static final int MAX_EDNS_PAYLOAD = 4096;

  private DnsWire() {}

  static byte[] encode(Message query, DnsAnswer answer, boolean tcp) {
    OPTRecord opt = query.getOPT() == null ? null : new OPTRecord(MAX_EDNS_PAYLOAD, 0, 0);
    Message whole = message(query, answer, answer.answers().size(), false, opt);
    byte[] wire = whole.toWire(Message.MAXLENGTH);
    int limit = opt == null ? PLAIN_UDP_LIMIT
        : Math.max(PLAIN_UDP_LIMIT, Math.min(query.getOPT().getPayloadSize(), MAX_EDNS_PAYLOAD));
    if (tcp || wire.length <= limit) return wire;
    return truncated(query, answer, opt, wire.length, limit);
  }

  /**
   * The message for {@code answer} with its first {@code keep} answer records. A truncated one
   * keeps no additional records but the OPT, and the authority section only when there are
   * no answers at all (the SOA of an NXDOMAIN or NODATA).
   */
  private static Message message(Message query, DnsAnswer answer, int keep, boolean truncated, OPTRecord opt) {
    Message m = new Message(query.getHeader().getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) h.setFlag(Flags.RD);
    h.setFlag(Flags.RA);
    if (answer.authoritative()) h.setFlag(Flags.AA);
    if (truncated) h.setFlag(Flags.TC);
    h.setRcode(answer.rcode());
    if (query.getQuestion() != null) m.addRecord(query.getQuestion(), Section.QUESTION);
    List<Record> answers = answer.answers();
    for (int i = 0; i < keep; i++) m.addRecord(answers.get(i), Section.ANSWER);
    if (!truncated || answers.isEmpty()) answer.authority().forEach(r -> m.addRecord(r, Section.AUTHORITY));
    if (!truncated) answer.additional().forEach(r -> m.addRecord(r, Section.ADDITIONAL));
    if (opt != null) m.addRecord(opt, Section.ADDITIONAL);
    return m;
  }

  /**
   * Over UDP, keep as many answers as fit (as Consul does) rather than none, and set TC so the
   * client can ask again over TCP for the rest. Additional records go first.
   */
  private static byte[] truncated(Message query, DnsAnswer answer, OPTRecord opt, int wholeLength, int limit) {
    int keep = Math.max(0, (int) ((long) answer.answers().size() * limit / wholeLength));
    while (true) {
      Message m = message(query, answer, keep, true, opt);
      byte[] wire = m.toWire(Message.MAXLENGTH);
      if (wire.length <= limit) return wire;
      if (keep == 0) return m.toWire(limit);
      keep--;
    }
  }

  /** A header-only answer for input that could not be decoded: same id, the error code. */
  static byte[] errorOnly(byte[] packet, int rcode) {
    byte[] out = new byte[Header.LENGTH];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x79));  // QR, keep opcode and RD
    out[3] = (byte) (0x80 | (rcode & 0x0f));      // RA, rcode
    return out;
  }
}
