package io.cairn.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The discovery service's DNS answers, under its domain ({@code discovery.} by default):
 * {@code <token>.service.<domain>} has an A or AAAA record per server given by address (servers
 * given by host name have none there), {@code _<token>._tcp.service.<domain>} an SRV record per
 * server with its port, whose target is the server's host name or, for an address,
 * {@code <hex>.addr.<domain>} (Consul's encoding: 8 hex digits for IPv4, 32 for IPv6), answered
 * too and sent along as an additional record. An unknown token is NXDOMAIN, a name outside the
 * domain REFUSED. Records have TTL 0: a PUT changes what resolvers answer at once.
 */
public final class DnsAnswers {
  private static final int UDP_LIMIT = 512;
  private static final int MAX_EDNS_PAYLOAD = 4096;

  private final Name domain;
  private final Function<Token, Optional<List<ServerAddress>>> servers;
  private final SOARecord soa;

  public DnsAnswers(String domain, Function<Token, Optional<List<ServerAddress>>> servers) {
    try {
      this.domain = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
      this.soa = new SOARecord(this.domain, DClass.IN, 0, Name.fromString("ns", this.domain),
          Name.fromString("hostmaster", this.domain), 1, 3600, 600, 86400, 0);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("-domain: not a DNS name: " + domain);
    }
    this.servers = servers;
  }

  public Name domain() {
    return domain;
  }

  /** The answer to one packet, or null to send nothing (a response, or too short to answer). */
  public byte[] answer(byte[] packet, int length, boolean tcp) {
    Message query;
    try {
      query = new Message(java.util.Arrays.copyOf(packet, length));
    } catch (IOException e) {
      return length >= 12 && (packet[2] & 0x80) == 0 ? headerOnly(packet, Rcode.FORMERR) : null;
    }
    if (query.getHeader().getFlag(Flags.QR)) return null;
    Message reply = new Message(query.getHeader().getID());
    reply.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) reply.getHeader().setFlag(Flags.RD);
    Record question = query.getQuestion();
    if (question != null) reply.addRecord(question, Section.QUESTION);
    if (query.getHeader().getOpcode() != Opcode.QUERY) {
      reply.getHeader().setRcode(Rcode.NOTIMP);
    } else if (question == null || query.getHeader().getCount(Section.QUESTION) != 1) {
      reply.getHeader().setRcode(Rcode.FORMERR);
    } else {
      answerQuestion(question, reply);
    }
    OPTRecord opt = query.getOPT();
    int limit = UDP_LIMIT;
    if (opt != null) {
      reply.addRecord(new OPTRecord(MAX_EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
      limit = Math.max(UDP_LIMIT, Math.min(opt.getPayloadSize(), MAX_EDNS_PAYLOAD));
    }
    // Past the limit, dnsjava leaves out what does not fit and sets TC: the client asks again over TCP.
    return tcp ? reply.toWire(Message.MAXLENGTH) : reply.toWire(limit);
  }

  private void answerQuestion(Record question, Message reply) {
    Name name = question.getName();
    int type = question.getType();
    if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY || !name.subdomain(domain)) {
      reply.getHeader().setRcode(Rcode.REFUSED);
      return;
    }
    reply.getHeader().setFlag(Flags.AA);
    int n = name.labels() - domain.labels();
    String[] l = new String[n];
    for (int i = 0; i < n; i++) l[i] = name.getLabelString(i).toLowerCase(Locale.ROOT);
    Set<Record> answers = new LinkedHashSet<>();
    Set<Record> additional = new LinkedHashSet<>();
    boolean exists;
    if (n == 0) {
      exists = true;
      if (type == Type.SOA || type == Type.ANY) answers.add(soa);
    } else if (n == 2 && l[1].equals("service")) {
      exists = addressRecords(name, l[0], type, answers);
    } else if (n == 3 && l[2].equals("service") && l[1].equals("_tcp") && l[0].startsWith("_")) {
      exists = srvRecords(name, l[0].substring(1), type, answers, additional);
    } else if (n == 2 && l[1].equals("addr")) {
      exists = addrName(name, l[0], type, answers);
    } else {
      exists = false;
    }
    if (!exists) reply.getHeader().setRcode(Rcode.NXDOMAIN);
    answers.forEach(r -> reply.addRecord(r, Section.ANSWER));
    if (answers.isEmpty()) reply.addRecord(soa, Section.AUTHORITY);  // negative answers are cached for its minimum: 0
    additional.forEach(r -> reply.addRecord(r, Section.ADDITIONAL));
  }

  private Optional<List<ServerAddress>> lookup(String label) {
    Token token;
    try {
      token = Token.parse(label);
    } catch (BadRequestException e) {
      return Optional.empty();
    }
    return servers.apply(token);
  }

  private boolean addressRecords(Name name, String label, int type, Set<Record> answers) {
    Optional<List<ServerAddress>> found = lookup(label);
    if (found.isEmpty()) return false;
    for (ServerAddress s : found.get()) {
      Record r = addressRecord(name, s);
      if (r != null && (type == Type.ANY || r.getType() == type)) answers.add(r);
    }
    return true;
  }

  private boolean srvRecords(Name name, String label, int type, Set<Record> answers, Set<Record> additional) {
    Optional<List<ServerAddress>> found = lookup(label);
    if (found.isEmpty()) return false;
    if (type != Type.SRV && type != Type.ANY) return true;
    for (ServerAddress s : found.get()) {
      Name target = s.kind() == ServerAddress.Kind.NAME ? absolute(s.host()) : addrName(s);
      answers.add(new SRVRecord(name, DClass.IN, 0, 1, 1, s.port(), target));
      Record a = addressRecord(target, s);
      if (a != null) additional.add(a);
    }
    return true;
  }

  private boolean addrName(Name name, String label, int type, Set<Record> answers) {
    if (!(label.length() == 8 || label.length() == 32) || !label.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return false;
    }
    InetAddress a;
    try {
      a = InetAddress.getByAddress(HexFormat.of().parseHex(label));
    } catch (UnknownHostException e) {
      return false;
    }
    Record r = a.getAddress().length == 4 ? new ARecord(name, DClass.IN, 0, a) : new AAAARecord(name, DClass.IN, 0, a);
    if (type == Type.ANY || r.getType() == type) answers.add(r);
    return true;
  }

  /** A or AAAA for a server given by address; null for one given by name. */
  private static Record addressRecord(Name name, ServerAddress s) {
    if (s.kind() == ServerAddress.Kind.NAME) return null;
    InetAddress a = literal(s);
    return s.kind() == ServerAddress.Kind.IPV4 ? new ARecord(name, DClass.IN, 0, a) : new AAAARecord(name, DClass.IN, 0, a);
  }

  private Name addrName(ServerAddress s) {
    try {
      return Name.fromString(HexFormat.of().formatHex(literal(s).getAddress()) + ".addr", domain);
    } catch (TextParseException e) {
      throw new IllegalStateException(e);  // hex digits always make a label
    }
  }

  private static Name absolute(String host) {
    try {
      return Name.fromString(host + ".");
    } catch (TextParseException e) {
      throw new IllegalStateException(e);  // ServerAddress has checked it is a host name
    }
  }

  private static InetAddress literal(ServerAddress s) {
    try {
      return InetAddress.getByName(s.host());  // an address literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] headerOnly(byte[] packet, int rcode) {
    byte[] out = new byte[12];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x79));  // QR, opcode and RD as asked
    out[3] = (byte) (rcode & 0x0f);
    return out;
  }
}
