import io.cairn.checks.CheckRunners;
import io.cairn.endpoints.ClientCatalogPort;
import io.cairn.local.AntiEntropy;
import io.cairn.local.LocalState;
import io.cairn.local.NodeIdentity;
import io.cairn.membership.Heartbeats;
import io.cairn.membership.ServerList;
import io.cairn.rpc.Ack;
import io.cairn.rpc.RpcClient;
import io.cairn.state.ServiceInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulates idle client agents in one JVM against a real server: each has its own local state
 * with N services, its own anti-entropy loop (Cairn's, through the same client catalog port a
 * client agent uses) and a heartbeat every 2 s, as a client agent at the default failure timeout.
 * Once every agent's services are in the catalog, it reads the server's Raft index, waits, reads
 * it again, and prints the entries written per second while nothing changed. Goal: 0.
 *
 * Usage: IdleAgents <server rpc host:port> <server http host:port> <agents> <services each>
 *   <full-sync seconds> <measure seconds>
 */
public final class IdleAgents {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern INDEX = Pattern.compile("\"Index\"\\s*:\\s*(\\d+)");

  public static void main(String[] args) throws Exception {
    String rpcAddr = args[0];
    String httpAddr = args[1];
    int agents = Integer.parseInt(args[2]);
    int services = Integer.parseInt(args[3]);
    Duration fullSync = Duration.ofSeconds(Long.parseLong(args[4]));
    int measure = Integer.parseInt(args[5]);
    RpcClient rpc = new RpcClient();
    List<LocalState> states = new ArrayList<>();
    List<AntiEntropy> loops = new ArrayList<>();
    AtomicLong beats = new AtomicLong();
    AtomicLong beatErrors = new AtomicLong();
    long incarnation = System.currentTimeMillis();
    long before = raftIndex(httpAddr);
    for (int i = 0; i < agents; i++) {
      String name = "idle-" + i;
      String address = "10.77." + (i / 250) + "." + (i % 250 + 1);
      ServerList servers = new ServerList(List.of(rpcAddr), rpc);
      NodeIdentity id = new NodeIdentity(UUID.randomUUID().toString(), name, address, "dc1",
          Map.of("lan", address, "wan", address), Map.of());
      LocalState local = new LocalState(id, Clock.systemUTC(), Duration.ofMinutes(5));
      AntiEntropy ae = new AntiEntropy(local, new ClientCatalogPort(servers), Clock.systemUTC(), fullSync, true, null);
      local.attach(new CheckRunners(local), ae::signal);
      for (int s = 0; s < services; s++) {
        local.addService(new ServiceInstance("", "svc-" + s, "svc-" + s, List.of("v1"), "", 8000 + s, Map.of(), false,
            1, 1, 0, 0), List.of(), true);
      }
      ae.start();
      states.add(local);
      loops.add(ae);
      Heartbeats.Beat beat = new Heartbeats.Beat(name, address, 8301, "dc1", false, 0, incarnation);
      long offset = (long) (2000.0 * i / agents);
      Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(offset);
          while (true) {
            try {
              rpc.post(rpcAddr, "/rpc/heartbeat", beat, Ack.class, Duration.ofSeconds(5), false);
              beats.incrementAndGet();
            } catch (Exception e) {
              beatErrors.incrementAndGet();
            }
            Thread.sleep(2000);
          }
        } catch (InterruptedException e) {
          // end of run
        }
      });
    }
    long t0 = System.nanoTime();
    for (LocalState s : states) {
      if (!s.awaitSynced(s.changeCount(), Duration.ofMinutes(5))) throw new IllegalStateException("an agent never synced");
    }
    long registered = System.nanoTime();
    long afterRegistration = raftIndex(httpAddr);
    System.err.printf("all %d agents registered (%d services each) in %.1f s, %d Raft entries%n", agents, services,
        (registered - t0) / 1e9, afterRegistration - before);
    // Let a full-sync round and the first failure-timeout window pass before measuring.
    Thread.sleep(Math.max(fullSync.toMillis(), 12_000));
    long beats0 = beats.get();
    long i0 = raftIndex(httpAddr);
    long m0 = System.nanoTime();
    Thread.sleep(measure * 1000L);
    long i1 = raftIndex(httpAddr);
    double secs = (System.nanoTime() - m0) / 1e9;
    System.out.printf("RESULT agents=%d services=%d full_sync_s=%d measured_s=%.1f raft_entries=%d entries_per_s=%.2f"
            + " heartbeats_per_s=%.0f heartbeat_errors=%d registration_entries=%d%n",
        agents, services, fullSync.toSeconds(), secs, i1 - i0, (i1 - i0) / secs, (beats.get() - beats0) / secs,
        beatErrors.get(), afterRegistration - before);
    loops.forEach(AntiEntropy::close);
    System.exit(0);
  }

  /** The server's last applied Raft index (operator raft configuration's Index). */
  private static long raftIndex(String httpAddr) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + httpAddr + "/v1/operator/raft/configuration"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = INDEX.matcher(body);
    if (!m.find()) throw new IllegalStateException("no Index in " + body);
    return Long.parseLong(m.group(1));
  }
}
