import com.sun.net.httpserver.HttpServer;
import io.cairn.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The orchestration figures of bench/orchestration, against one agent (argument 1, host:port):
 *
 * <p>{@code waitfor N}: N concurrent {@code cairn wait-for orch-bench} runs (the command's own
 * code, each with its own blocking query, in this JVM: a thousand JVMs do not fit the machine),
 * then one registration that satisfies them; prints how long after it each was released.
 *
 * <p>{@code cloud N SEED}: N simulated nodes of the seed's roles (db; identity needs db; image
 * needs db and identity; network needs db; volume needs db, identity and image; compute needs
 * identity, image and network; lb needs compute), started in a random order within 3 s, each
 * waiting with {@code wait-for} for what its role requires, then starting a tiny HTTP service
 * and registering it with an HTTP check every 1 s; prints when every instance is passing.
 */
public final class Orchestration {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    String agent = args[0];
    switch (args[1]) {
      case "waitfor" -> waitFor(agent, Integer.parseInt(args[2]));
      case "cloud" -> cloud(agent, Integer.parseInt(args[2]), Long.parseLong(args[3]));
      default -> throw new IllegalArgumentException(args[1]);
    }
  }

  private static int run(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    return Main.run(new PrintStream(sink), new PrintStream(sink), args);
  }

  private static String get(String agent, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + agent + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int put(String agent, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + agent + path)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** The agent's count of blocking queries parked now. */
  private static double watches(String agent) throws Exception {
    Matcher m = Pattern.compile("\"Name\":\"consul.blocking_queries.watches\",\"Value\":([0-9.]+)").matcher(get(agent, "/v1/agent/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static void waitFor(String agent, int n) throws Exception {
    double before = watches(agent);
    ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    long[] t0 = {0};
    for (int i = 0; i < n; i++) {
      Thread.ofVirtual().start(() -> {
        int code = run("wait-for", "-http-addr", agent, "orch-bench", "--timeout", "2m");
        released.add(System.nanoTime());
        if (code == 0) ok.incrementAndGet();
        done.countDown();
      });
    }
    long parkDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (watches(agent) < before + n && System.nanoTime() < parkDeadline) Thread.sleep(50);
    double parked = watches(agent) - before;
    Thread.sleep(500);  // every run past its first read and into its blocking query
    t0[0] = System.nanoTime();
    put(agent, "/v1/agent/service/register", "{\"Name\":\"orch-bench\",\"Port\":1}");
    done.await(60, TimeUnit.SECONDS);
    List<Long> ms = new ArrayList<>();
    for (long t : released) ms.add(TimeUnit.NANOSECONDS.toMicros(t - t0[0]));
    Collections.sort(ms);
    System.out.printf("RESULT mode=waitfor runs=%d parked=%.0f released_ok=%d min_us=%d p50_us=%d p99_us=%d max_us=%d%n", n, parked,
        ok.get(), ms.isEmpty() ? -1 : ms.getFirst(), pct(ms, 50), pct(ms, 99), ms.isEmpty() ? -1 : ms.getLast());
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return -1;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static final Map<String, List<String>> NEEDS = Map.of(
      "db", List.of(), "identity", List.of("db"), "image", List.of("db", "identity"), "network", List.of("db"),
      "volume", List.of("db", "identity", "image"), "compute", List.of("identity", "image", "network"), "lb", List.of("compute"));
  /** Longest chain of waits: db, identity, image, compute, lb. */
  private static final int CHAIN = 5;

  private static void cloud(String agent, int n, long seed) throws Exception {
    String[] order = {"db", "identity", "image", "network", "volume", "compute", "lb"};
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) nodes.add(order[i % order.length] + "-" + (i / order.length + 1));
    Random random = new Random(seed);
    Collections.shuffle(nodes, random);
    List<HttpServer> servers = new ArrayList<>();
    long t0 = System.nanoTime();
    long[] lastStart = {t0};
    CountDownLatch registered = new CountDownLatch(n);
    for (String node : nodes) {
      long delay = random.nextInt(3000);
      Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(delay);
          synchronized (lastStart) {
            lastStart[0] = Math.max(lastStart[0], System.nanoTime());
          }
          String role = node.substring(0, node.indexOf('-'));
          List<String> args = new ArrayList<>(List.of("wait-for", "-http-addr", agent, "--timeout", "5m"));
          args.addAll(NEEDS.get(role));
          if (!NEEDS.get(role).isEmpty() && run(args.toArray(String[]::new)) != 0) throw new IllegalStateException(node + " never released");
          HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
          s.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
          });
          s.start();
          synchronized (servers) {
            servers.add(s);
          }
          put(agent, "/v1/agent/service/register", "{\"Name\":\"" + role + "\",\"ID\":\"" + node + "\",\"Port\":" + s.getAddress().getPort()
              + ",\"Check\":{\"HTTP\":\"http://127.0.0.1:" + s.getAddress().getPort() + "/\",\"Interval\":\"1s\"}}");
        } catch (Exception e) {
          System.err.println(node + ": " + e);
        } finally {
          registered.countDown();
        }
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int passing = 0;
    while (System.nanoTime() < deadline) {
      passing = 0;
      for (String role : order) {
        String body = get(agent, "/v1/health/service/" + role + "?passing");
        passing += new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).size();
      }
      if (passing >= n) break;
      Thread.sleep(50);
    }
    long converged = System.nanoTime();
    System.out.printf("RESULT mode=cloud nodes=%d chain=%d check_interval_s=1 bound_s=%d converged_ms=%d after_last_start_ms=%d passing=%d%n",
        n, CHAIN, CHAIN + 10, TimeUnit.NANOSECONDS.toMillis(converged - t0), TimeUnit.NANOSECONDS.toMillis(converged - lastStart[0]), passing);
    registered.await(10, TimeUnit.SECONDS);
    synchronized (servers) {
      servers.forEach(s -> s.stop(0));
    }
    System.exit(0);
  }
}
