package io.cairn.dns;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * One answer to one question, as a value: its response code, whether Cairn answers with
 * authority, and its three record sections. The answering code only builds these; the
 * transport ({@link DnsWire}) turns one into the wire message, with the header bits the query
 * decides (id, RD) and the size the transport allows.
 */
record DnsAnswer(int rcode, boolean authoritative, List<Record> answers, List<Record> authority,
                 List<Record> additional) {
  DnsAnswer {
    answers = List.copyOf(answers);
    authority = List.copyOf(authority);
    additional = List.copyOf(additional);
  }

  /** A refusal or failure: the code alone, no records, not authoritative. */
  static DnsAnswer error(int rcode) {
    return new DnsAnswer(rcode, false, List.of(), List.of(), List.of());
  }

  /** Records for a name Cairn owns, with addresses for them in the additional section. */
  static DnsAnswer records(List<Record> answers, List<Record> additional) {
    return new DnsAnswer(Rcode.NOERROR, true, answers, List.of(), additional);
  }

  /** The name does not exist; the zone's SOA tells resolvers how long to remember that. */
  static DnsAnswer nxdomain(SOARecord soa) {
    return new DnsAnswer(Rcode.NXDOMAIN, true, List.of(), List.of(soa), List.of());
  }

  /** The name exists but has no records of the type asked for (RFC 2308 NODATA). */
  static DnsAnswer nodata(SOARecord soa) {
    return new DnsAnswer(Rcode.NOERROR, true, List.of(), List.of(soa), List.of());
  }

  /**
   * This answer behind a CNAME that led to it (an alias): the CNAME first, then what the
   * target answered, keeping the target's SOA only when it has no records. The rcode stays
   * NOERROR as Consul's does: the alias itself exists.
   */
  DnsAnswer behind(Record cname) {
    List<Record> all = new ArrayList<>(answers.size() + 1);
    all.add(cname);
    all.addAll(answers);
    return new DnsAnswer(Rcode.NOERROR, true, all, answers.isEmpty() ? authority : List.of(), additional);
  }
}
