package io.cairn.dns;

import io.cairn.state.CheckStatus;
import io.cairn.state.Node;
import io.cairn.state.ServiceEntry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers one question about the Consul domain from the catalog: services (A/AAAA, SRV with
 * addresses in the additional section, CNAME for hostname addresses), nodes (A/AAAA, TXT
 * meta), {@code .addr.}, reverse lookups, and the configured aliases. Only healthy
 * instances are answered, shuffled per query.
 */
final class DnsAnswerer {
  private final DnsConfig config;
  private final CatalogView catalog;
  private final String datacenter;

  DnsAnswerer(DnsConfig config, CatalogView catalog, String datacenter) {
    this.config = config;
    this.catalog = catalog;
    this.datacenter = datacenter.toLowerCase(java.util.Locale.ROOT);
  }

  /** Which of our domains a lowercase, dot-terminated name is in; null when none. */
  String domainOf(String name) {
    if (name.equals(config.domain()) || name.endsWith("." + config.domain())) return config.domain();
    String alt = config.altDomain();
    if (alt != null && (name.equals(alt) || name.endsWith("." + alt))) return alt;
    return null;
  }

  boolean isAlias(String name) {
    return config.aliases().containsKey(name) || config.aliases().containsKey(name.substring(0, name.length() - 1));
  }

  static boolean isReverse(String name) {
    return name.endsWith(".in-addr.arpa.") || name.endsWith(".ip6.arpa.");
  }

  /** Fills {@code resp} (question already copied) for a name in one of our domains. */
  void answerInDomain(Message resp, Name qname, int qtype, String lower, String domain) throws TextParseException {
    String rest = lower.equals(domain) ? "" : lower.substring(0, lower.length() - domain.length() - 1);
    String[] labels = rest.isEmpty() ? new String[0] : rest.split("\\.");
    Optional<ConsulName> parsed = ConsulName.parse(labels);
    if (parsed.isEmpty()) {
      nxdomain(resp, domain);
      return;
    }
    switch (parsed.get()) {
      case ConsulName.Service s -> service(resp, qname, qtype, s, domain);
      case ConsulName.NodeName n -> node(resp, qname, qtype, n, domain);
      case ConsulName.Addr a -> addr(resp, qname, qtype, a, domain);
      case ConsulName.PreparedQuery q -> nxdomain(resp, domain);
      case ConsulName.Apex x -> apex(resp, qname, qtype, domain);
    }
  }

  private boolean localDc(String dc) {
    return dc == null || dc.equals(datacenter);
  }

  private void service(Message resp, Name qname, int qtype, ConsulName.Service s, String domain) throws TextParseException {
    if (!localDc(s.datacenter())) {
      nxdomain(resp, domain);
      return;
    }
    List<ServiceEntry> healthy = new ArrayList<>();
    for (ServiceEntry e : catalog.serviceEntries(s.service())) {
      if (s.tag() != null && e.service().tags().stream().noneMatch(t -> t.equalsIgnoreCase(s.tag()))) continue;
      CheckStatus st = e.aggregate();
      if (st == CheckStatus.CRITICAL || (config.onlyPassing() && st == CheckStatus.WARNING)) continue;
      healthy.add(e);
    }
    if (healthy.isEmpty()) {
      nxdomain(resp, domain);
      return;
    }
    Collections.shuffle(healthy, ThreadLocalRandom.current());
    if (config.aRecordLimit() > 0 && healthy.size() > config.aRecordLimit()) healthy = healthy.subList(0, config.aRecordLimit());
    long ttl = config.serviceTtlSeconds(s.service());
    boolean srv = qtype == Type.SRV || (s.rfc2782() && qtype == Type.ANY);
    int added = 0;
    for (ServiceEntry e : healthy) {
      String address = e.service().address().isEmpty() ? e.node().address() : e.service().address();
      if (srv) {
        added += srvRecord(resp, qname, e, address, ttl, domain);
      } else {
        added += addressRecords(resp, qname, qtype, address, ttl);
      }
    }
    if (added == 0) nodata(resp, domain);
  }

  private int srvRecord(Message resp, Name qname, ServiceEntry e, String address, long ttl, String domain)
      throws TextParseException {
    Optional<InetAddress> ip = literal(address);
    Name target;
    if (ip.isPresent()) {
      boolean own = e.service().address().isEmpty();
      target = own ? Name.fromString(label(e.node().name()) + ".node." + datacenter + "." + domain)
          : Name.fromString(HexFormat.of().formatHex(ip.get().getAddress()) + ".addr." + datacenter + "." + domain);
    } else {
      target = Name.fromString(address.endsWith(".") ? address : address + ".");
    }
    int weight = e.aggregate() == CheckStatus.WARNING ? e.service().weightWarning() : e.service().weightPassing();
    resp.addRecord(new SRVRecord(qname, DClass.IN, ttl, 1, Math.max(0, Math.min(65535, weight)), e.service().port(), target), Section.ANSWER);
    if (ip.isPresent()) resp.addRecord(addressRecord(target, ip.get(), ttl), Section.ADDITIONAL);
    return 1;
  }

  /** A/AAAA for an IP of the asked family, or a CNAME when the address is a hostname. */
  private static int addressRecords(Message resp, Name qname, int qtype, String address, long ttl) throws TextParseException {
    Optional<InetAddress> ip = literal(address);
    if (ip.isEmpty()) {
      if (address.isEmpty()) return 0;
      resp.addRecord(new CNAMERecord(qname, DClass.IN, ttl, Name.fromString(address.endsWith(".") ? address : address + ".")), Section.ANSWER);
      return 1;
    }
    boolean v6 = ip.get().getAddress().length == 16;
    if (qtype == Type.A && v6 || qtype == Type.AAAA && !v6) return 0;
    if (qtype != Type.A && qtype != Type.AAAA && qtype != Type.ANY) return 0;
    resp.addRecord(addressRecord(qname, ip.get(), ttl), Section.ANSWER);
    return 1;
  }

  private static Record addressRecord(Name name, InetAddress ip, long ttl) {
    return ip.getAddress().length == 16 ? new AAAARecord(name, DClass.IN, ttl, ip) : new ARecord(name, DClass.IN, ttl, ip);
  }

  private void node(Message resp, Name qname, int qtype, ConsulName.NodeName n, String domain) throws TextParseException {
    Optional<Node> node = localDc(n.datacenter()) ? findNode(n.node()) : Optional.empty();
    if (node.isEmpty()) {
      nxdomain(resp, domain);
      return;
    }
    long ttl = config.nodeTtl().toSeconds();
    int added = addressRecords(resp, qname, qtype, node.get().address(), ttl);
    if (qtype == Type.TXT || qtype == Type.ANY) {
      for (Map.Entry<String, String> m : node.get().meta().entrySet()) {
        resp.addRecord(new TXTRecord(qname, DClass.IN, ttl, m.getKey() + "=" + m.getValue()), Section.ANSWER);
        added++;
      }
    }
    if (added == 0) nodata(resp, domain);
  }

  /** Node names match case-insensitively, as DNS names do. */
  private Optional<Node> findNode(String lowerName) {
    Optional<Node> exact = catalog.node(lowerName);
    if (exact.isPresent()) return exact;
    return catalog.nodes().stream().filter(n -> n.name().equalsIgnoreCase(lowerName)).findFirst();
  }

  private void addr(Message resp, Name qname, int qtype, ConsulName.Addr a, String domain) {
    InetAddress ip;
    try {
      ip = InetAddress.getByAddress(a.address());
    } catch (UnknownHostException e) {
      nxdomain(resp, domain);
      return;
    }
    boolean v6 = a.address().length == 16;
    if ((qtype == Type.A && !v6) || (qtype == Type.AAAA && v6) || qtype == Type.ANY) {
      resp.addRecord(addressRecord(qname, ip, config.nodeTtl().toSeconds()), Section.ANSWER);
    } else {
      nodata(resp, domain);
    }
  }

  private void apex(Message resp, Name qname, int qtype, String domain) throws TextParseException {
    if (qtype == Type.SOA || qtype == Type.ANY) resp.addRecord(soa(domain), Section.ANSWER);
    if (qtype == Type.NS || qtype == Type.ANY) {
      resp.addRecord(new NSRecord(qname, DClass.IN, 0, Name.fromString("ns." + domain)), Section.ANSWER);
    }
    if (resp.getSection(Section.ANSWER).isEmpty()) nodata(resp, domain);
  }

  /** PTR for node and service addresses. Unknown addresses are NXDOMAIN in our answer. */
  void reverse(Message resp, Name qname, String lower) throws TextParseException {
    Optional<String> ip = ReverseName.address(lower);
    String domain = config.domain();
    if (ip.isEmpty()) {
      nxdomain(resp, domain);
      return;
    }
    for (Node n : catalog.nodes()) {
      if (sameIp(n.address(), ip.get())) {
        resp.addRecord(new PTRRecord(qname, DClass.IN, config.nodeTtl().toSeconds(),
            Name.fromString(label(n.name()) + ".node." + datacenter + "." + domain)), Section.ANSWER);
      }
    }
    if (resp.getSection(Section.ANSWER).isEmpty()) {
      for (String svc : catalog.services().keySet()) {
        for (ServiceEntry e : catalog.serviceEntries(svc)) {
          if (!e.service().address().isEmpty() && sameIp(e.service().address(), ip.get())) {
            resp.addRecord(new PTRRecord(qname, DClass.IN, config.serviceTtlSeconds(svc),
                Name.fromString(label(svc) + ".service." + domain)), Section.ANSWER);
            break;
          }
        }
      }
    }
    if (resp.getSection(Section.ANSWER).isEmpty()) nxdomain(resp, domain);
  }

  /** A static alias: a CNAME to its target, then the target's live answer. */
  void alias(Message resp, Name qname, int qtype, String lower) throws TextParseException {
    String target = config.aliases().getOrDefault(lower, config.aliases().get(lower.substring(0, lower.length() - 1)));
    String t = DnsConfig.normalize(target);
    Name targetName = Name.fromString(t);
    resp.addRecord(new CNAMERecord(qname, DClass.IN, 0, targetName), Section.ANSWER);
    String domain = domainOf(t);
    if (domain == null || qtype == Type.CNAME) return;
    Message inner = new Message();
    answerInDomain(inner, targetName, qtype, t, domain);
    inner.getSection(Section.ANSWER).forEach(r -> resp.addRecord(r, Section.ANSWER));
    inner.getSection(Section.ADDITIONAL).forEach(r -> resp.addRecord(r, Section.ADDITIONAL));
    if (inner.getSection(Section.ANSWER).isEmpty()) {
      inner.getSection(Section.AUTHORITY).forEach(r -> resp.addRecord(r, Section.AUTHORITY));
    }
  }

  private static boolean sameIp(String a, String b) {
    Optional<InetAddress> x = literal(a);
    Optional<InetAddress> y = literal(b);
    return x.isPresent() && y.isPresent() && x.get().equals(y.get());
  }

  /** Parses an IP literal without ever doing a DNS lookup; empty for hostnames. */
  static Optional<InetAddress> literal(String s) {
    if (s == null || s.isEmpty()) return Optional.empty();
    boolean v4 = s.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    if (!v4 && !v6) return Optional.empty();
    if (v4 && s.split("\\.", -1).length != 4) return Optional.empty();
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** Node names may hold characters DNS labels do not; Consul replaces them with '-'. */
  private static String label(String name) {
    return name.replaceAll("[^A-Za-z0-9-]", "-");
  }

  private void nxdomain(Message resp, String domain) {
    resp.getHeader().setRcode(Rcode.NXDOMAIN);
    resp.addRecord(soa(domain), Section.AUTHORITY);
  }

  private void nodata(Message resp, String domain) {
    resp.addRecord(soa(domain), Section.AUTHORITY);
  }

  private SOARecord soa(String domain) {
    try {
      Name zone = Name.fromString(domain);
      return new SOARecord(zone, DClass.IN, 0, Name.fromString("ns." + domain), Name.fromString("hostmaster." + domain),
          Math.max(1, catalog.index()) & 0xffffffffL, 3600, 600, 86400, 0);
    } catch (TextParseException e) {
      throw new IllegalStateException("invalid domain " + domain, e);
    }
  }

  static void setAuthoritative(Message resp) {
    resp.getHeader().setFlag(Flags.AA);
  }
}
