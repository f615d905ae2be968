package io.cairn.membership;

import io.cairn.rpc.RpcClient;
import io.cairn.rpc.RpcServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of every datacenter, as each server knows them: Consul's WAN pool, kept without
 * gossip. Every {@link #PROBE_INTERVAL} a server pings each server it knows (of every datacenter,
 * its own included) on the RPC port; a ping and its answer each carry the sender's list, so one
 * link between any two servers spreads every server to all of them within a few rounds, and the
 * servers of one datacenter share what any of them learnt. A probe that fails marks that server
 * failed at once (a forwarded request then goes to another, or is told the datacenter has no
 * reachable server); the next probe that succeeds marks it alive again. Round-trip times come
 * from the same probes. See docs/federation.md.
 */
public final class WanPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WanPool.class);
  /** Probe period: a dead server is noticed within this plus {@link #PROBE_TIMEOUT}. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  /** Round trips kept per server; its RTT is their median. */
  private static final int RTT_SAMPLES = 8;

  public enum State { ALIVE, FAILED, LEFT }

  /** A server as the pool passes it on: who, where, in which datacenter, and in what state. */
  public record Server(String name, String datacenter, String rpcAddress, State state) {
    String key() {
      return name + "." + datacenter;
    }
  }

  /** Body of /rpc/wan-ping and of its answer: the sender, every server it knows, and its LAN and WAN coordinates. */
  public record Ping(Server from, List<Server> known, Vivaldi.Coordinate lan, Vivaldi.Coordinate wan) {}

  /** This server's coordinates: among its own datacenter's servers, and among all datacenters' servers. */
  private final Vivaldi lan = new Vivaldi();
  private final Vivaldi wan = new Vivaldi();
  /** Each server's WAN coordinate, as its last ping or answer carried it. */
  private final Map<String, Vivaldi.Coordinate> wanCoordinates = new ConcurrentHashMap<>();

  public Vivaldi.Coordinate lanCoordinate() {
    return lan.coordinate();
  }

  /** Every known server's WAN coordinate by {@code <node>.<dc>}, this one's included. */
  public Map<String, Vivaldi.Coordinate> wanCoordinates() {
    Map<String, Vivaldi.Coordinate> out = new java.util.TreeMap<>(wanCoordinates);
    out.put(self.key(), wan.coordinate());
    return out;
  }

  /** Body of /rpc/wan-leave. */
  public record Leave(String name, String datacenter) {}

  /** A server's entry: its last known facts and its measured round trips (nanoseconds). */
  private static final class Entry {
    volatile Server server;
    final long[] rtts = new long[RTT_SAMPLES];
    int samples;
    int next;

    Entry(Server server) {
      this.server = server;
    }

    synchronized void sample(long nanos) {
      rtts[next] = nanos;
      next = (next + 1) % RTT_SAMPLES;
      samples = Math.min(RTT_SAMPLES, samples + 1);
    }

    synchronized long medianRtt() {
      if (samples == 0) return Long.MAX_VALUE;
      long[] copy = java.util.Arrays.copyOf(rtts, samples);
      java.util.Arrays.sort(copy);
      return copy[samples / 2];
    }
  }

  private final Server self;
  private final RpcClient rpc;
  private final Supplier<List<String>> localServers;
  private final LongSupplier nanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  /** Addresses to reach that no entry names yet (-join-wan, retry_join_wan, cairn join -wan). */
  private final Set<String> joinAddresses = new CopyOnWriteArraySet<>();
  private volatile Thread prober;
  private volatile boolean closed;

  public WanPool(String name, String datacenter, String rpcAddress, List<String> joinWan, RpcClient rpc,
                 Supplier<List<String>> localServers, LongSupplier nanos) {
    this.self = new Server(name, datacenter, rpcAddress, State.ALIVE);
    this.rpc = rpc;
    this.localServers = localServers;
    this.nanos = nanos;
    entries.put(self.key(), new Entry(self));
    joinAddresses.addAll(joinWan);
  }

  public void register(RpcServer server) {
    server.register("/rpc/wan-ping", Ping.class, (ping, fwd) -> answer(ping));
    server.register("/rpc/wan-leave", Leave.class, (leave, fwd) -> {
      Entry e = entries.get(leave.name() + "." + leave.datacenter());
      if (e != null && !e.server.equals(self)) e.server = withState(e.server, State.LEFT);
      return io.cairn.rpc.Ack.OK;
    });
  }

  public void start() {
    prober = Thread.ofVirtual().name("wan-probe").start(this::probeLoop);
  }

  /** {@code cairn join -wan}: reaches that server now; false when it does not answer. */
  public boolean join(String address) {
    joinAddresses.add(address);
    return probe(address);
  }

  /** {@code cairn force-leave}: marks a server of any datacenter left; with prune, forgets it. */
  public boolean forceLeave(String nameDotDc, boolean prune) {
    Entry e = entries.get(nameDotDc);
    if (e == null) {
      for (Entry x : entries.values()) if (x.server.name().equals(nameDotDc)) e = x;
    }
    if (e == null || e.server.equals(self)) return false;
    if (prune) entries.remove(e.server.key());
    else e.server = withState(e.server, State.LEFT);
    return true;
  }

  /** Tells every known server this one is leaving, so they mark it left rather than failed. */
  public void leave() {
    for (Entry e : entries.values()) {
      if (e.server.equals(self) || e.server.state() != State.ALIVE) continue;
      try {
        rpc.post(e.server.rpcAddress(), "/rpc/wan-leave", new Leave(self.name(), self.datacenter()), io.cairn.rpc.Ack.class,
            PROBE_TIMEOUT, false);
      } catch (IOException ex) {
        LOG.debug("wan leave to {}: {}", e.server.key(), ex.getMessage());
      }
    }
  }

  public String datacenter() {
    return self.datacenter();
  }

  /** Every server known, of every datacenter (this one included). */
  public List<Server> members() {
    return entries.values().stream().map(e -> e.server).sorted(Comparator.comparing(Server::datacenter)
        .thenComparing(Server::name)).toList();
  }

  /** The round trip to a server as last measured (median of recent probes), or -1 when unknown. */
  public long rttNanos(String name, String datacenter) {
    Entry e = entries.get(name + "." + datacenter);
    if (e == null) return -1;
    long m = e.medianRtt();
    return m == Long.MAX_VALUE ? -1 : m;
  }

  /** This datacenter first, then the others by the median round trip to their live servers (unreachable ones last). */
  public List<String> datacenters() {
    Map<String, List<Long>> byDc = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      List<Long> rtts = byDc.computeIfAbsent(e.server.datacenter(), k -> new ArrayList<>());
      if (e.server.state() == State.ALIVE) rtts.add(e.medianRtt());
    }
    List<String> others = new ArrayList<>(byDc.keySet());
    others.remove(self.datacenter());
    others.sort(Comparator.<String>comparingLong(dc -> median(byDc.get(dc))).thenComparing(Comparator.naturalOrder()));
    List<String> out = new ArrayList<>();
    out.add(self.datacenter());
    out.addAll(others);
    return out;
  }

  private static long median(List<Long> values) {
    if (values.isEmpty()) return Long.MAX_VALUE;
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  public boolean knows(String datacenter) {
    return entries.values().stream().anyMatch(e -> e.server.datacenter().equals(datacenter));
  }

  /** The live servers of a datacenter, nearest first. */
  public List<String> alive(String datacenter) {
    return entries.values().stream()
        .filter(e -> e.server.datacenter().equals(datacenter) && e.server.state() == State.ALIVE)
        .sorted(Comparator.comparingLong(Entry::medianRtt))
        .map(e -> e.server.rpcAddress()).toList();
  }

  /** A server that failed a forwarded call: failed until a probe reaches it again. */
  public void failed(String rpcAddress) {
    for (Entry e : entries.values()) {
      if (e.server.rpcAddress().equals(rpcAddress) && !e.server.equals(self) && e.server.state() == State.ALIVE) {
        e.server = withState(e.server, State.FAILED);
        LOG.warn("wan member failed: {}", e.server.key());
      }
    }
  }

  private Ping answer(Ping ping) {
    merge(ping.from(), true);
    if (ping.from() != null && ping.wan() != null && ping.wan().valid()) wanCoordinates.put(ping.from().key(), ping.wan());
    for (Server s : ping.known()) merge(s, false);
    return new Ping(self, snapshot(), lan.coordinate(), wan.coordinate());
  }

  private List<Server> snapshot() {
    return entries.values().stream().map(e -> e.server).filter(s -> s.state() != State.LEFT).toList();
  }

  /** Learns a server: {@code direct} when it spoke to us itself (so it is alive). */
  private void merge(Server s, boolean direct) {
    if (s == null || s.key().equals(self.key())) return;
    Entry e = entries.get(s.key());
    if (e == null) {
      if (!direct && s.state() != State.ALIVE) return;
      entries.put(s.key(), new Entry(new Server(s.name(), s.datacenter(), s.rpcAddress(), State.ALIVE)));
      LOG.info("wan member joined: {} ({})", s.key(), s.rpcAddress());
      return;
    }
    if (direct) {
      Server before = e.server;
      e.server = new Server(s.name(), s.datacenter(), s.rpcAddress(), State.ALIVE);
      if (before.state() != State.ALIVE) LOG.info("wan member alive: {}", s.key());
    }
  }

  private void probeLoop() {
    while (!closed) {
      long started = nanos.getAsLong();
      List<Thread> calls = new ArrayList<>();
      for (String address : targets()) {
        calls.add(Thread.ofVirtual().start(() -> probe(address)));
      }
      for (Thread t : calls) {
        try {
          t.join(PROBE_TIMEOUT.multipliedBy(2));
        } catch (InterruptedException e) {
          return;
        }
      }
      long spent = nanos.getAsLong() - started;
      long left = PROBE_INTERVAL.toNanos() - spent;
      if (left > 0) java.util.concurrent.locks.LockSupport.parkNanos(left);
    }
  }

  /** Every address worth a probe: known servers not left, this datacenter's servers, join addresses not yet known. */
  private Set<String> targets() {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Entry e : entries.values()) {
      if (!e.server.equals(self) && e.server.state() != State.LEFT) out.add(e.server.rpcAddress());
    }
    for (String a : localServers.get()) if (!a.equals(self.rpcAddress())) out.add(a);
    Set<String> knownAddresses = new java.util.HashSet<>();
    entries.values().forEach(e -> knownAddresses.add(e.server.rpcAddress()));
    for (String a : joinAddresses) if (!knownAddresses.contains(a)) out.add(a);
    return out;
  }

  private boolean probe(String address) {
    long t0 = nanos.getAsLong();
    try {
      Ping reply = rpc.post(address, "/rpc/wan-ping", new Ping(self, snapshot(), lan.coordinate(), wan.coordinate()), Ping.class,
          PROBE_TIMEOUT, false);
      long rtt = nanos.getAsLong() - t0;
      merge(reply.from(), true);
      Entry e = entries.get(reply.from().key());
      if (e != null) e.sample(rtt);
      String key = reply.from().key();
      if (reply.wan() != null && reply.wan().valid()) wanCoordinates.put(key, reply.wan());
      // Within this datacenter a probe is a LAN round trip; to another, a WAN one (Consul keeps both).
      if (reply.from().datacenter().equals(self.datacenter())) lan.observe(key, reply.lan(), Duration.ofNanos(rtt));
      wan.observe(key, reply.wan(), Duration.ofNanos(rtt));
      for (Server s : reply.known()) merge(s, false);
      return true;
    } catch (IOException ex) {
      for (Entry e : entries.values()) {
        if (e.server.rpcAddress().equals(address) && e.server.state() == State.ALIVE && !e.server.equals(self)) {
          e.server = withState(e.server, State.FAILED);
          LOG.warn("wan member failed: {} ({})", e.server.key(), ex.getMessage());
        }
      }
      return false;
    }
  }

  private static Server withState(Server s, State state) {
    return new Server(s.name(), s.datacenter(), s.rpcAddress(), state);
  }

  /** For /v1/agent/members?wan: the state as Serf's status code (1 alive, 3 left, 4 failed). */
  public static int statusCode(State s) {
    return switch (s) {
      case ALIVE -> 1;
      case LEFT -> 3;
      case FAILED -> 4;
    };
  }

  @Override
  public void close() {
    closed = true;
    Thread t = prober;
    if (t != null) t.interrupt();
  }
}
