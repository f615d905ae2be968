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
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers one question about the Consul domain from the catalog: services (A/AAAA, SRV with
 * addresses in the additional section, CNAME for hostname addresses), nodes (A/AAAA, TXT
 * meta), {@code .addr.}, reverse lookups, and the configured aliases. Only healthy
 * instances are answered, shuffled per query. Each answer is a {@link DnsAnswer} value built
 * from what the catalog view returns; nothing here touches a message or a socket.
 */
final class DnsAnswerer {
  private final DnsConfig config;
  private final CatalogView catalog;
  private final String datacenter;
  /** Another datacenter's catalog by name; null for one nobody knows (NXDOMAIN, as Consul's). */
  private final java.util.function.Function<String, CatalogView> elsewhere;

  DnsAnswerer(DnsConfig config, CatalogView catalog, String datacenter) {
    this(config, catalog, datacenter, dc -> null);
  }

  DnsAnswerer(DnsConfig config, CatalogView catalog, String datacenter, java.util.function.Function<String, CatalogView> elsewhere) {
    this(config, catalog, datacenter, elsewhere, () -> List.of(datacenter));
  }

  /** {@code datacenters}: every datacenter known, this one first, then by round trip (a prepared query's NearestN). */
  DnsAnswerer(DnsConfig config, CatalogView catalog, String datacenter, java.util.function.Function<String, CatalogView> elsewhere,
              java.util.function.Supplier<List<String>> datacenters) {
    this.config = config;
    this.catalog = catalog;
    this.datacenter = datacenter.toLowerCase(java.util.Locale.ROOT);
    this.elsewhere = elsewhere;
    this.datacenters = datacenters;
  }

  private boolean translateWan;

  /** translate_wan_addrs: answers for other datacenters use their nodes' and services' WAN addresses. */
  DnsAnswerer translatingWan(boolean on) {
    this.translateWan = on;
    return this;
  }

  private String addressOf(ServiceEntry e, boolean remote) {
    if (remote && translateWan) {
      io.cairn.state.ServiceAddress sw = e.service().taggedAddresses() == null ? null : e.service().taggedAddresses().get("wan");
      if (!e.service().address().isEmpty() && sw != null && sw.address() != null && !sw.address().isEmpty()) return sw.address();
      String nw = e.node().taggedAddresses().get("wan");
      if (e.service().address().isEmpty() && nw != null && !nw.isEmpty()) return nw;
    }
    return e.service().address().isEmpty() ? e.node().address() : e.service().address();
  }

  private final java.util.function.Supplier<List<String>> datacenters;

  /** The catalog a name's datacenter label points at: ours, another's, or null for an unknown one. */
  private CatalogView view(String dc) {
    return localDc(dc) ? catalog : elsewhere.apply(dc);
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

  /** Whether Cairn answers this name itself (else it goes to the recursors, or is refused). */
  boolean owns(String lower, int qtype) {
    return domainOf(lower) != null || isAlias(lower) || (isReverse(lower) && (qtype == Type.PTR || qtype == Type.ANY));
  }

  /** The answer to a name Cairn owns ({@link #owns}): an alias, a name in one of its domains, or a reverse lookup. */
  DnsAnswer answer(Name qname, int qtype, String lower) throws TextParseException {
    if (isAlias(lower)) return alias(qname, qtype, lower);
    String domain = domainOf(lower);
    return domain == null ? reverse(qname, lower) : inDomain(qname, qtype, lower, domain);
  }

  private DnsAnswer inDomain(Name qname, int qtype, String lower, String domain) throws TextParseException {
    String rest = lower.equals(domain) ? "" : lower.substring(0, lower.length() - domain.length() - 1);
    String[] labels = rest.isEmpty() ? new String[0] : rest.split("\\.");
    Optional<ConsulName> parsed = ConsulName.parse(labels);
    if (parsed.isEmpty()) return nxdomain(domain);
    return switch (parsed.get()) {
      case ConsulName.Service s -> service(qname, qtype, s, domain);
      case ConsulName.NodeName n -> node(qname, qtype, n, domain);
      case ConsulName.Addr a -> addr(qname, qtype, a, domain);
      case ConsulName.PreparedQuery q -> preparedQuery(qname, qtype, q, domain);
      case ConsulName.Apex x -> apex(qname, qtype, domain);
    };
  }

  private boolean localDc(String dc) {
    return dc == null || dc.equals(datacenter);
  }

  private DnsAnswer service(Name qname, int qtype, ConsulName.Service s, String domain) throws TextParseException {
    CatalogView view = view(s.datacenter());
    List<ServiceEntry> healthy = view == null ? List.of() : healthy(s, view);
    if (healthy.isEmpty()) return nxdomain(domain);
    String dc = localDc(s.datacenter()) ? datacenter : s.datacenter();
    long ttl = config.serviceTtlSeconds(s.service());
    boolean srv = qtype == Type.SRV || (s.rfc2782() && qtype == Type.ANY);
    List<Record> answers = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    boolean remote = !localDc(s.datacenter());
    for (ServiceEntry e : healthy) {
      String address = addressOf(e, remote);
      if (srv) {
        srvRecords(qname, e, address, ttl, domain, dc, answers, additional);
      } else {
        addressRecord(qname, qtype, address, ttl).ifPresent(answers::add);
      }
    }
    return answers.isEmpty() ? nodata(domain) : DnsAnswer.records(answers, additional);
  }

  /**
   * {@code <name>.query[.<dc>]}: the prepared query by ID or name (templates included) stored in
   * that datacenter, run there, failing over as it says; answered as a service lookup, with the
   * query's DNS TTL when it has one.
   */
  private DnsAnswer preparedQuery(Name qname, int qtype, ConsulName.PreparedQuery pq, String domain) throws TextParseException {
    CatalogView home = view(pq.datacenter());
    if (home == null) return nxdomain(domain);
    String dc = localDc(pq.datacenter()) ? datacenter : pq.datacenter();
    Optional<io.cairn.state.PreparedQuery> q = io.cairn.http.QueryDefinition.lookup(home.preparedQueries(), pq.name());
    if (q.isEmpty()) return nxdomain(domain);
    com.fasterxml.jackson.databind.node.ObjectNode def = io.cairn.http.QueryDefinition.rendered(q.get(), pq.name());
    io.cairn.endpoints.QueryExecution.Service svc = io.cairn.http.QueryDefinition.service(def);
    io.cairn.endpoints.QueryExecution.Result r = io.cairn.endpoints.QueryExecution.run(svc, dc, d -> {
      CatalogView v = d.equals(dc) ? home : view(d);
      if (v == null) throw new IllegalStateException("no such datacenter " + d);
      return v.serviceEntries(svc.service());
    }, svc.nearestN() > 0 ? datacenters.get() : List.of(dc), "", config.aRecordLimit());
    if (r.nodes().isEmpty()) return nxdomain(domain);
    java.time.Duration queryTtl = io.cairn.http.QueryDefinition.dnsTtl(def);
    long ttl = queryTtl != null ? queryTtl.toSeconds() : config.serviceTtlSeconds(svc.service());
    boolean srv = qtype == Type.SRV;
    List<Record> answers = new ArrayList<>();
    List<Record> additional = new ArrayList<>();
    for (ServiceEntry e : r.nodes()) {
      String address = addressOf(e, !r.datacenter().equals(datacenter));
      if (srv) {
        srvRecords(qname, e, address, ttl, domain, r.datacenter(), answers, additional);
      } else {
        addressRecord(qname, qtype, address, ttl).ifPresent(answers::add);
      }
    }
    return answers.isEmpty() ? nodata(domain) : DnsAnswer.records(answers, additional);
  }

  /** The instances to answer with: passing (or warning, unless only_passing), of the tag, shuffled, at most a_record_limit. */
  private List<ServiceEntry> healthy(ConsulName.Service s, CatalogView view) {
    List<ServiceEntry> healthy = new ArrayList<>();
    for (ServiceEntry e : view.serviceEntries(s.service())) {
      if (s.tag() != null && e.service().tags().stream().noneMatch(t -> t.equalsIgnoreCase(s.tag()))) continue;
      CheckStatus st = e.aggregate();
      if (st == CheckStatus.CRITICAL || (config.onlyPassing() && st == CheckStatus.WARNING)) continue;
      healthy.add(e);
    }
    Collections.shuffle(healthy, ThreadLocalRandom.current());
    int limit = config.aRecordLimit();
    return limit > 0 && healthy.size() > limit ? healthy.subList(0, limit) : healthy;
  }

  /** One SRV record, and the A/AAAA of its target in {@code additional} when the address is an IP. */
  private void srvRecords(Name qname, ServiceEntry e, String address, long ttl, String domain, String dc,
                          List<Record> answers, List<Record> additional) throws TextParseException {
    Optional<InetAddress> ip = literal(address);
    Name target;
    if (ip.isPresent()) {
      boolean own = e.service().address().isEmpty();
      target = own ? Name.fromString(label(e.node().name()) + ".node." + dc + "." + domain)
          : Name.fromString(HexFormat.of().formatHex(ip.get().getAddress()) + ".addr." + dc + "." + domain);
    } else {
      target = Name.fromString(address.endsWith(".") ? address : address + ".");
    }
    int weight = e.aggregate() == CheckStatus.WARNING ? e.service().weightWarning() : e.service().weightPassing();
    answers.add(new SRVRecord(qname, DClass.IN, ttl, 1, Math.max(0, Math.min(65535, weight)), e.service().port(), target));
    ip.ifPresent(a -> additional.add(addressRecord(target, a, ttl)));
  }

  /** A/AAAA for an IP of the asked family, or a CNAME when the address is a hostname; empty otherwise. */
  private static Optional<Record> addressRecord(Name qname, int qtype, String address, long ttl) throws TextParseException {
    Optional<InetAddress> ip = literal(address);
    if (ip.isEmpty()) {
      if (address.isEmpty()) return Optional.empty();
      return Optional.of(new CNAMERecord(qname, DClass.IN, ttl, Name.fromString(address.endsWith(".") ? address : address + ".")));
    }
    boolean v6 = ip.get().getAddress().length == 16;
    if (qtype == Type.A && v6 || qtype == Type.AAAA && !v6) return Optional.empty();
    if (qtype != Type.A && qtype != Type.AAAA && qtype != Type.ANY) return Optional.empty();
    return Optional.of(addressRecord(qname, ip.get(), ttl));
  }

  private static Record addressRecord(Name name, InetAddress ip, long ttl) {
    return ip.getAddress().length == 16 ? new AAAARecord(name, DClass.IN, ttl, ip) : new ARecord(name, DClass.IN, ttl, ip);
  }

  private DnsAnswer node(Name qname, int qtype, ConsulName.NodeName n, String domain) throws TextParseException {
    CatalogView view = view(n.datacenter());
    Optional<Node> node = view == null ? Optional.empty() : findNode(n.node(), view);
    if (node.isEmpty()) return nxdomain(domain);
    long ttl = config.nodeTtl().toSeconds();
    List<Record> answers = new ArrayList<>();
    String wanAddress = node.get().taggedAddresses().get("wan");
    boolean useWan = translateWan && !localDc(n.datacenter()) && wanAddress != null && !wanAddress.isEmpty();
    addressRecord(qname, qtype, useWan ? wanAddress : node.get().address(), ttl).ifPresent(answers::add);
    if (qtype == Type.TXT || qtype == Type.ANY) {
      for (Map.Entry<String, String> m : node.get().meta().entrySet()) {
        answers.add(new TXTRecord(qname, DClass.IN, ttl, m.getKey() + "=" + m.getValue()));
      }
    }
    return answers.isEmpty() ? nodata(domain) : DnsAnswer.records(answers, List.of());
  }

  /** Node names match case-insensitively, as DNS names do. */
  private Optional<Node> findNode(String lowerName, CatalogView view) {
    Optional<Node> exact = view.node(lowerName);
    if (exact.isPresent()) return exact;
    return view.nodes().stream().filter(n -> n.name().equalsIgnoreCase(lowerName)).findFirst();
  }

  private DnsAnswer addr(Name qname, int qtype, ConsulName.Addr a, String domain) {
    InetAddress ip;
    try {
      ip = InetAddress.getByAddress(a.address());
    } catch (UnknownHostException e) {
      return nxdomain(domain);
    }
    boolean v6 = a.address().length == 16;
    if ((qtype == Type.A && !v6) || (qtype == Type.AAAA && v6) || qtype == Type.ANY) {
      return DnsAnswer.records(List.of(addressRecord(qname, ip, config.nodeTtl().toSeconds())), List.of());
    }
    return nodata(domain);
  }

  private DnsAnswer apex(Name qname, int qtype, String domain) throws TextParseException {
    List<Record> answers = new ArrayList<>();
    if (qtype == Type.SOA || qtype == Type.ANY) answers.add(soa(domain));
    if (qtype == Type.NS || qtype == Type.ANY) answers.add(new NSRecord(qname, DClass.IN, 0, Name.fromString("ns." + domain)));
    return answers.isEmpty() ? nodata(domain) : DnsAnswer.records(answers, List.of());
  }

  /** PTR for node and service addresses. Unknown addresses are NXDOMAIN in our answer. */
  private DnsAnswer reverse(Name qname, String lower) throws TextParseException {
    Optional<String> ip = ReverseName.address(lower);
    String domain = config.domain();
    if (ip.isEmpty()) return nxdomain(domain);
    List<Record> answers = new ArrayList<>();
    for (Node n : catalog.nodes()) {
      if (sameIp(n.address(), ip.get())) {
        answers.add(new PTRRecord(qname, DClass.IN, config.nodeTtl().toSeconds(),
            Name.fromString(label(n.name()) + ".node." + datacenter + "." + domain)));
      }
    }
    if (answers.isEmpty()) answers.addAll(servicePointers(qname, ip.get(), domain));
    return answers.isEmpty() ? nxdomain(domain) : DnsAnswer.records(answers, List.of());
  }

  /** One PTR per service that has an instance registered with its own address {@code ip}. */
  private List<Record> servicePointers(Name qname, String ip, String domain) throws TextParseException {
    List<Record> out = new ArrayList<>();
    for (String svc : catalog.services().keySet()) {
      for (ServiceEntry e : catalog.serviceEntries(svc)) {
        if (!e.service().address().isEmpty() && sameIp(e.service().address(), ip)) {
          out.add(new PTRRecord(qname, DClass.IN, config.serviceTtlSeconds(svc), Name.fromString(label(svc) + ".service." + domain)));
          break;
        }
      }
    }
    return out;
  }

  /** A static alias: a CNAME to its target, then the target's live answer. */
  private DnsAnswer alias(Name qname, int qtype, String lower) throws TextParseException {
    String target = config.aliases().getOrDefault(lower, config.aliases().get(lower.substring(0, lower.length() - 1)));
    String t = DnsConfig.normalize(target);
    Name targetName = Name.fromString(t);
    CNAMERecord cname = new CNAMERecord(qname, DClass.IN, 0, targetName);
    String domain = domainOf(t);
    if (domain == null || qtype == Type.CNAME) return DnsAnswer.records(List.of(cname), List.of());
    return inDomain(targetName, qtype, t, domain).behind(cname);
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

  private DnsAnswer nxdomain(String domain) {
    return DnsAnswer.nxdomain(soa(domain));
  }

  private DnsAnswer nodata(String domain) {
    return DnsAnswer.nodata(soa(domain));
  }

  /** The zone's SOA; its serial is the catalog's index, so it moves when the catalog does. */
  private SOARecord soa(String domain) {
    try {
      Name zone = Name.fromString(domain);
      return new SOARecord(zone, DClass.IN, 0, Name.fromString("ns." + domain), Name.fromString("hostmaster." + domain),
          Math.max(1, catalog.index()) & 0xffffffffL, 3600, 600, 86400, 0);
    } catch (TextParseException e) {
      throw new IllegalStateException("invalid domain " + domain, e);
    }
  }
}
