package io.cairn.dns;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Turns request bytes into what to send back: decodes (dnsjava's codec), refuses what it
 * cannot answer with the right code (FORMERR for garbage, NOTIMP for other opcodes and classes,
 * REFUSED for outside names without recursors), and answers the rest. An answer that can be
 * had without waiting (the catalog in memory) is made at once; one that waits on an upstream
 * resolver or a server round trip comes back as a {@link Reply.Later} for the transport to run
 * off its listener thread.
 */
public final class DnsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DnsHandler.class);

  /** What a query's answer waits on, when it waits: each has its own bound in {@link WaitingQueries}. */
  public enum WaitsOn { UPSTREAM, SERVER }

  /** What to do with one received message. */
  public sealed interface Reply {
    /** Send nothing: too short to carry an id, or a response rather than a query. */
    record Drop() implements Reply {}

    /** Send these bytes. */
    record Now(byte[] wire) implements Reply {}

    /**
     * The answer waits on {@code on}: run {@code answer} where waiting is fine. It never
     * throws; a failure comes back as SERVFAIL. {@code busy} is what to send instead when too
     * many queries already wait.
     */
    record Later(WaitsOn on, Supplier<byte[]> answer, Supplier<byte[]> busy) implements Reply {}
  }

  private static final Reply DROP = new Reply.Drop();

  private final DnsAnswerer fromMemory;
  private final DnsAnswerer fetching;
  private final Recursor recursor;

  public DnsHandler(DnsConfig config, CatalogView catalog, String datacenter) {
    this(config, catalog, datacenter, dc -> null);
  }

  /** With {@code elsewhere}: other datacenters' catalogs by name (null for an unknown one). */
  public DnsHandler(DnsConfig config, CatalogView catalog, String datacenter,
                    java.util.function.Function<String, CatalogView> elsewhere) {
    this(config, catalog, datacenter, elsewhere, () -> java.util.List.of(datacenter));
  }

  /** {@code datacenters}: every one known, this one first, then by round trip (for prepared queries' NearestN). */
  public DnsHandler(DnsConfig config, CatalogView catalog, String datacenter,
                    java.util.function.Function<String, CatalogView> elsewhere,
                    java.util.function.Supplier<java.util.List<String>> datacenters) {
    this(config, catalog, datacenter, elsewhere, datacenters, false);
  }

  /** {@code translateWan}: translate_wan_addrs. */
  public DnsHandler(DnsConfig config, CatalogView catalog, String datacenter,
                    java.util.function.Function<String, CatalogView> elsewhere,
                    java.util.function.Supplier<java.util.List<String>> datacenters, boolean translateWan) {
    this.fromMemory = new DnsAnswerer(config, catalog.heldOnly(), datacenter, dc -> {
      CatalogView v = elsewhere.apply(dc);
      return v == null ? null : v.heldOnly();
    }, datacenters).translatingWan(translateWan);
    this.fetching = new DnsAnswerer(config, catalog, datacenter, elsewhere, datacenters).translatingWan(translateWan);
    this.recursor = new Recursor(config.recursors(), config.recursorTimeout());
  }

  /** The whole answer on the calling thread, waits included; null to send nothing. For tests and tools. */
  public byte[] handle(byte[] buf, int len, boolean tcp) {
    return switch (receive(buf, len, tcp)) {
      case Reply.Drop d -> null;
      case Reply.Now n -> n.wire();
      case Reply.Later l -> l.answer().get();
    };
  }

  /** What to send for the {@code len} bytes received in {@code buf}, or what to run to get it. */
  public Reply receive(byte[] buf, int len, boolean tcp) {
    if (len < Header.LENGTH) return DROP;
    byte[] packet = Arrays.copyOf(buf, len);
    if ((packet[2] & 0x80) != 0) return DROP;  // a response, not a query: never answer those
    Message query;
    try {
      query = new Message(packet);
    } catch (IOException | RuntimeException e) {
      return new Reply.Now(DnsWire.errorOnly(packet, Rcode.FORMERR));
    }
    try {
      return respond(query, packet, tcp);
    } catch (Exception e) {
      return new Reply.Now(failed(packet, query, e));
    }
  }

  private Reply respond(Message query, byte[] packet, boolean tcp) throws Exception {
    Header qh = query.getHeader();
    if (qh.getOpcode() != Opcode.QUERY) return now(query, Rcode.NOTIMP, tcp);
    Record question = query.getQuestion();
    if (question == null || query.getSection(Section.QUESTION).size() != 1) return now(query, Rcode.FORMERR, tcp);
    int qclass = question.getDClass();
    if (qclass != DClass.IN && qclass != DClass.ANY) return now(query, Rcode.NOTIMP, tcp);
    Name qname = question.getName();
    String lower = qname.toString().toLowerCase(Locale.ROOT);
    int qtype = question.getType();
    if (!fromMemory.owns(lower, qtype)) {
      if (!recursor.enabled()) return now(query, Rcode.REFUSED, tcp);
      return new Reply.Later(WaitsOn.UPSTREAM, () -> recursor.forward(packet, qh.getID())
          .orElseGet(() -> servfail(query, tcp)), () -> servfail(query, tcp));
    }
    try {
      return new Reply.Now(DnsWire.encode(query, fromMemory.answer(qname, qtype, lower), tcp));
    } catch (CatalogView.NotHeld e) {
      return new Reply.Later(WaitsOn.SERVER, () -> fetched(packet, query, tcp), () -> servfail(query, tcp));
    }
  }

  /** The answer from a catalog view that may ask a server first; SERVFAIL if that fails. */
  private byte[] fetched(byte[] packet, Message query, boolean tcp) {
    Record question = query.getQuestion();
    try {
      return DnsWire.encode(query, fetching.answer(question.getName(), question.getType(),
          question.getName().toString().toLowerCase(Locale.ROOT)), tcp);
    } catch (Exception e) {
      return failed(packet, query, e);
    }
  }

  /** A header-only SERVFAIL: whatever failed may have been the encoding itself. */
  private static byte[] failed(byte[] packet, Message query, Exception e) {
    LOG.warn("dns query {} failed: {}", query.getQuestion() == null ? "" : query.getQuestion().getName(), e.toString());
    return DnsWire.errorOnly(packet, Rcode.SERVFAIL);
  }

  private static Reply now(Message query, int rcode, boolean tcp) {
    return new Reply.Now(DnsWire.encode(query, DnsAnswer.error(rcode), tcp));
  }

  private static byte[] servfail(Message query, boolean tcp) {
    return DnsWire.encode(query, DnsAnswer.error(Rcode.SERVFAIL), tcp);
  }
}
