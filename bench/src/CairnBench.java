import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helper programs for bench/run (compiled once with javac by the script):
 *
 * <pre>
 *   ports N                                   print N free loopback TCP ports
 *   load   --port P --kv N --services M [--concurrency C]
 *                                             PUT N KV keys and register M services, report errors
 *   fanout --port P --key K --watchers N[,N...] [--pid PID] [--timeout S] [--warmup N] [--repeat R]
 *                                             N long polls on one key, one write, time until all answered
 *   static --port-file F                      trivial NIO HTTP server used as the load generators' baseline
 * </pre>
 *
 * Output lines meant for bench/run start with "RESULT " followed by key=value pairs.
 */
public final class CairnBench {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    Map<String, String> opt = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "ports" -> ports(Integer.parseInt(args[1]));
      case "load" -> load(opt);
      case "fanout" -> fanout(opt);
      case "static" -> StaticServer.run(Path.of(opt.get("port-file")));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: CairnBench ports N | load --port P --kv N --services M | "
        + "fanout --port P --key K --watchers N [--pid PID] | static --port-file F");
    System.exit(2);
  }

  private static Map<String, String> options(String[] a) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < a.length; i += 2) {
      if (a[i].startsWith("--")) m.put(a[i].substring(2), a[i + 1]);
    }
    return m;
  }

  // ---------------------------------------------------------------- ports

  private static void ports(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        sb.append(i == 0 ? "" : " ").append(s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) s.close();
    }
    System.out.println(sb);
  }

  // ---------------------------------------------------------------- load

  /** Writes N KV keys (100-byte values) and registers M services, C requests in flight. */
  private static void load(Map<String, String> opt) throws Exception {
    int port = Integer.parseInt(opt.get("port"));
    int kv = Integer.parseInt(opt.getOrDefault("kv", "0"));
    int services = Integer.parseInt(opt.getOrDefault("services", "0"));
    int concurrency = Integer.parseInt(opt.getOrDefault("concurrency", "16"));
    String base = "http://127.0.0.1:" + port;
    String value = "v".repeat(100);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    Semaphore inFlight = new Semaphore(concurrency);
    AtomicInteger errors = new AtomicInteger();
    ConcurrentHashMap<String, String> firstErrors = new ConcurrentHashMap<>();
    List<HttpRequest> requests = new ArrayList<>(kv + services);
    for (int i = 0; i < kv; i++) {
      requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/kv/load/key-" + i))
          .PUT(HttpRequest.BodyPublishers.ofString(value)).timeout(Duration.ofSeconds(30)).build());
    }
    for (int i = 0; i < services; i++) {
      String body = "{\"Name\":\"svc-" + i + "\",\"ID\":\"svc-" + i + "\",\"Port\":" + i + "}";
      requests.add(HttpRequest.newBuilder(URI.create(base + "/v1/agent/service/register"))
          .PUT(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build());
    }
    long t0 = System.nanoTime();
    CountDownLatch done = new CountDownLatch(requests.size());
    for (HttpRequest r : requests) {
      inFlight.acquire();
      client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
        String problem = err != null ? err.toString()
            : resp.statusCode() != 200 ? "HTTP " + resp.statusCode() + ": " + resp.body().strip() : null;
        if (problem != null) {
          errors.incrementAndGet();
          if (firstErrors.size() < 5) firstErrors.putIfAbsent(r.method() + " " + r.uri().getPath(), problem);
        }
        inFlight.release();
        done.countDown();
      });
    }
    done.await();
    double secs = (System.nanoTime() - t0) / 1e9;
    firstErrors.forEach((req, p) -> System.err.println("load: " + req + " -> " + p));
    System.out.printf("RESULT requests=%d errors=%d seconds=%.2f rate=%.0f%n",
        requests.size(), errors.get(), secs, requests.size() / secs);
  }

  // ---------------------------------------------------------------- fanout

  /**
   * For each N in --watchers: reads X-Consul-Index for the key, opens N long polls
   * {@code GET /v1/kv/K?index=I&wait=5m} (one TCP connection each), waits until every request is
   * written and the server's CPU use has settled (the only sign it has parked them), writes the
   * key once, then measures the time from that write until every watcher has its response.
   */
  private static void fanout(Map<String, String> opt) throws Exception {
    int port = Integer.parseInt(opt.get("port"));
    String key = opt.getOrDefault("key", "fanout");
    long pid = Long.parseLong(opt.getOrDefault("pid", "0"));
    long timeoutMs = Long.parseLong(opt.getOrDefault("timeout", "60")) * 1000;
    InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "0"));
    if (warmup > 0) fanoutRound(addr, port, key, warmup, pid, timeoutMs, false); // JIT warm-up, not reported
    int repeat = Integer.parseInt(opt.getOrDefault("repeat", "1"));
    for (String w : opt.get("watchers").split(",")) {
      for (int r = 0; r < repeat; r++) fanoutRound(addr, port, key, Integer.parseInt(w.trim()), pid, timeoutMs, true);
    }
  }

  /** One watcher connection's state in {@link #fanoutRound}. */
  static final class Watch {
    final SocketChannel ch;
    ByteBuffer out;
    ByteBuffer in = ByteBuffer.allocate(1024);
    boolean sent;
    long doneAt; // nanoTime the whole response was read; 0 while waiting
    String problem;
    Watch(SocketChannel ch, byte[] request) { this.ch = ch; this.out = ByteBuffer.wrap(request); }
  }

  /**
   * One fan-out round on a single thread with a selector, so that the client side of the
   * measurement costs one epoll wake-up and one read per answer: non-blocking connects (at most
   * 256 pending), each sends its poll; settle; a helper thread sends the write while this thread
   * collects the answers. Sockets are closed only after the measurement.
   */
  private static void fanoutRound(InetSocketAddress addr, int port, String key, int n, long pid, long timeoutMs,
      boolean report) throws Exception {
    Response seed = exchange(addr, "PUT", "/v1/kv/" + key, "seed-" + n);
    if (seed.status != 200) fail("seed PUT /v1/kv/" + key + " -> " + seed.status + " " + seed.body);
    Response cur = exchange(addr, "GET", "/v1/kv/" + key, null);
    String idxHeader = cur.headers.get("x-consul-index");
    if (cur.status != 200 || idxHeader == null) fail("GET /v1/kv/" + key + " -> " + cur.status + " " + cur.body);
    long index = Long.parseLong(idxHeader);
    byte[] poll = ("GET /v1/kv/" + key + "?index=" + index + "&wait=5m HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    Selector sel = Selector.open();
    List<Watch> watches = new ArrayList<>(n);
    Map<String, Integer> problems = new HashMap<>();
    int[] counts = new int[3]; // 0 = sent, 1 = finished (answered or failed), 2 = connecting
    long[] releaseAt = {Long.MAX_VALUE};
    int[] early = {0};

    // Processes ready keys; returns after one select of at most waitMs.
    java.util.function.LongConsumer pump = waitMs -> {
      try {
        if (waitMs <= 0) sel.selectNow(); else sel.select(waitMs);
        Iterator<SelectionKey> it = sel.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Watch w = (Watch) k.attachment();
          try {
            if (k.isConnectable()) {
              w.ch.finishConnect();
              counts[2]--;
              k.interestOps(SelectionKey.OP_WRITE);
            }
            if (k.isValid() && k.isWritable()) {
              w.ch.write(w.out);
              if (!w.out.hasRemaining()) {
                w.sent = true;
                counts[0]++;
                k.interestOps(SelectionKey.OP_READ);
              }
            }
            if (k.isValid() && k.isReadable()) {
              if (!w.in.hasRemaining()) w.in = ByteBuffer.allocate(w.in.capacity() * 2).put(w.in.flip());
              int r = w.ch.read(w.in);
              long now = System.nanoTime();
              String verdict = r < 0 ? "EOF before a complete response" : checkResponse(w.in, index);
              if (verdict != null) { // complete (verdict "" = good) or broken
                w.doneAt = now;
                counts[1]++;
                k.cancel();
                if (now < releaseAt[0]) early[0]++;
                if (!verdict.isEmpty()) w.problem = verdict;
              }
            }
          } catch (IOException e) {
            if (w.doneAt == 0) {
              w.doneAt = System.nanoTime();
              counts[1]++;
              if (!w.sent) { counts[0]++; counts[2] = Math.max(0, counts[2] - (k.isConnectable() ? 1 : 0)); }
              w.problem = (w.sent ? "after send: " : "connect/send: ") + e;
            }
            k.cancel();
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };

    long tOpen = System.nanoTime();
    long deadline = tOpen + timeoutMs * 1_000_000;
    int opened = 0;
    while (counts[0] < n && System.nanoTime() < deadline) {
      while (opened < n && counts[2] < 256) {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        Watch w = new Watch(ch, poll);
        watches.add(w);
        opened++;
        counts[2]++;
        if (ch.connect(addr)) {
          counts[2]--;
          ch.register(sel, SelectionKey.OP_WRITE, w);
        } else {
          ch.register(sel, SelectionKey.OP_CONNECT, w);
        }
      }
      pump.accept(100);
    }
    long openMs = (System.nanoTime() - tOpen) / 1_000_000;
    if (counts[0] < n) fail("only " + counts[0] + " of " + n + " polls sent after " + openMs + " ms");

    // Settle: at least 1 s, then until the server process is idle (<= 1 clock tick of CPU per
    // 250 ms, twice in a row), at most 20 s. Without a pid, a fixed 1 s + 0.3 ms per watcher.
    long tSettle = System.nanoTime();
    long minEnd = tSettle + 1_000_000_000L + (pid > 0 ? 0 : n * 300_000L);
    while (System.nanoTime() < minEnd) pump.accept(50);
    if (pid > 0) {
      long settleDeadline = System.nanoTime() + 20_000_000_000L;
      long last = cpuTicks(pid);
      int quiet = 0;
      while (quiet < 2 && System.nanoTime() < settleDeadline) {
        long until = System.nanoTime() + 250_000_000L;
        while (System.nanoTime() < until) pump.accept(50);
        long t = cpuTicks(pid);
        quiet = t - last <= 1 ? quiet + 1 : 0;
        last = t;
      }
    }
    long settleMs = (System.nanoTime() - tSettle) / 1_000_000;

    long t0 = System.nanoTime();
    releaseAt[0] = t0;
    java.util.concurrent.CompletableFuture<Response> write = new java.util.concurrent.CompletableFuture<>();
    long[] putDone = {0};
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        Response r = exchange(addr, "PUT", "/v1/kv/" + key, "changed-" + n);
        putDone[0] = System.nanoTime();
        write.complete(r);
      } catch (Exception e) {
        write.completeExceptionally(e);
      }
    });
    long end = t0 + timeoutMs * 1_000_000;
    while (counts[1] < n && System.nanoTime() < end) pump.accept(100);
    long tEnd = System.nanoTime();
    boolean all = counts[1] >= n;
    writer.join(60_000);
    Response put;
    try {
      put = write.getNow(null);
    } catch (Exception e) {
      put = new Response(-1, Map.of(), e.toString());
    }
    if (put == null) put = new Response(-1, Map.of(), "no response to the write");
    for (Watch w : watches) {
      try { w.ch.close(); } catch (IOException ignored) { }
    }
    sel.close();

    int bad = 0;
    long[] lat = new long[n];
    int k = 0;
    for (Watch w : watches) {
      if (w.problem != null) {
        bad++;
        problems.merge(w.problem, 1, Integer::sum);
      } else if (w.doneAt == 0) {
        problems.merge("no answer within " + timeoutMs / 1000 + " s", 1, Integer::sum);
      }
      if (w.doneAt >= t0) lat[k++] = w.doneAt - t0;
    }
    long[] sorted = Arrays.copyOf(lat, k);
    Arrays.sort(sorted);
    problems.forEach((p, c) -> System.err.println("fanout: " + n + " watchers: " + c + " x " + p));
    if (put.status != 200) System.err.println("fanout: write PUT /v1/kv/" + key + " -> " + put.status + " " + put.body);
    if (!report) return;
    long putMs = putDone[0] > 0 ? (putDone[0] - t0) / 1_000_000 : -1;
    System.out.printf(
        "RESULT watchers=%d open_ms=%d settle_ms=%d early=%d put_status=%d put_ms=%d all_answered=%s "
            + "all_ms=%.1f p50_ms=%.1f p99_ms=%.1f bad=%d unanswered=%d%n",
        n, openMs, settleMs, early[0], put.status, putMs, all,
        all ? (tEnd - t0) / 1e6 : -1.0, pct(sorted, 50), pct(sorted, 99), bad, n - counts[1]);
  }

  /**
   * Looks at the bytes received so far on a watcher: null while incomplete, "" for a complete
   * 200 whose X-Consul-Index moved past {@code index}, else a description of what is wrong.
   */
  private static String checkResponse(ByteBuffer in, long index) {
    byte[] a = in.array();
    int len = in.position();
    int end = -1;
    for (int i = 0; i + 3 < len; i++) {
      if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') { end = i; break; }
    }
    if (end < 0) return null;
    String head = new String(a, 0, end, StandardCharsets.ISO_8859_1);
    String lower = head.toLowerCase();
    int cl = headerInt(head, lower, "content-length");
    if (cl >= 0 && len < end + 4 + cl) return null;
    String status = head.length() >= 12 ? head.substring(9, 12) : head;
    long ri = headerInt(head, lower, "x-consul-index");
    String body = new String(a, end + 4, Math.max(0, len - end - 4), StandardCharsets.UTF_8);
    if (!status.equals("200") || ri <= index) return "HTTP " + status + " index=" + ri + " " + abbreviate(body);
    return "";
  }

  private static int headerInt(String head, String lower, String name) {
    int i = lower.indexOf("\n" + name + ":");
    if (i < 0) return -1;
    int eol = head.indexOf('\r', i + 1);
    return Integer.parseInt(head.substring(i + name.length() + 2, eol < 0 ? head.length() : eol).trim());
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) return -1;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
  }

  private static String abbreviate(String s) {
    s = s.strip().replace('\n', ' ');
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static void fail(String msg) {
    System.err.println("fanout: " + msg);
    System.out.println("RESULT error=" + msg.replace(' ', '_'));
    System.exit(1);
  }

  // ---------------------------------------------------------------- minimal HTTP/1.1 client

  record Response(int status, Map<String, String> headers, String body) { }

  private static Response exchange(InetSocketAddress addr, String method, String path, String body) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(addr, 10_000);
      s.setSoTimeout(60_000);
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.1\r\nHost: " + addr.getHostString() + ":" + addr.getPort()
          + "\r\nConnection: close\r\nContent-Length: " + b.length + "\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      return readResponse(new java.io.BufferedInputStream(s.getInputStream(), 2048));
    }
  }

  /** Reads one response: status line, headers, then Content-Length bytes (or until EOF). */
  private static Response readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) throw new IOException("connection closed before response headers (" + head.size() + " bytes read)");
      head.write(c);
      state = switch (state) {
        case 0, 2 -> c == '\r' ? state + 1 : 0;
        case 1, 3 -> c == '\n' ? state + 1 : (c == '\r' ? 1 : 0);
        default -> 0;
      };
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
    }
    byte[] body;
    String cl = headers.get("content-length");
    if (cl != null) body = in.readNBytes(Integer.parseInt(cl));
    else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = readChunked(in);
    else body = in.readAllBytes();
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String line = readLine(in);
      int size = Integer.parseInt(line.split(";")[0].trim(), 16);
      if (size == 0) { readLine(in); return out.toByteArray(); }
      out.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
    return sb.toString();
  }

  // ---------------------------------------------------------------- static baseline server

  /**
   * A single-threaded NIO HTTP/1.1 server with canned responses, as cheap as a server gets, so
   * that the load generators' own ceiling can be measured on this machine. Keep-alive; request
   * bodies (Content-Length) are skipped. GETs with "index=" in the query are held (like a parked
   * blocking query) until the next PUT, which releases all of them.
   */
  static final class StaticServer {
    private static final byte[] GET_BODY =
        "[{\"LockIndex\":0,\"Key\":\"bench/hot\",\"Flags\":0,\"Value\":\"eA==\",\"CreateIndex\":3,\"ModifyIndex\":3}]"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET_RESPONSE = response(GET_BODY, "3");
    private static final byte[] WATCH_RESPONSE = response(GET_BODY, "4");
    private static final byte[] PUT_RESPONSE = response("true".getBytes(StandardCharsets.US_ASCII), "4");

    private static byte[] response(byte[] body, String index) {
      String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nVary: Accept-Encoding\r\n"
          + "X-Consul-Index: " + index + "\r\nX-Consul-Knownleader: true\r\nX-Consul-Lastcontact: 0\r\n"
          + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Length: " + body.length + "\r\n\r\n";
      byte[] h = head.getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(h, h.length + body.length);
      System.arraycopy(body, 0, all, h.length, body.length);
      return all;
    }

    static final class Conn {
      final SocketChannel ch;
      ByteBuffer in = ByteBuffer.allocate(16 * 1024);
      ByteBuffer out; // pending output, or null
      long skipBody;  // request-body bytes still to discard
      Conn(SocketChannel ch) { this.ch = ch; }
    }

    static void run(Path portFile) throws IOException {
      Selector sel = Selector.open();
      ServerSocketChannel ss = ServerSocketChannel.open();
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
      ss.configureBlocking(false);
      ss.register(sel, SelectionKey.OP_ACCEPT);
      Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(((InetSocketAddress) ss.getLocalAddress()).getPort()));
      Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      List<Conn> held = new ArrayList<>();
      while (true) {
        sel.select();
        Iterator<SelectionKey> it = sel.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          try {
            if (key.isAcceptable()) {
              SocketChannel ch;
              while ((ch = ss.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                ch.register(sel, SelectionKey.OP_READ, new Conn(ch));
              }
              continue;
            }
            Conn c = (Conn) key.attachment();
            if (key.isWritable()) {
              c.ch.write(c.out);
              if (!c.out.hasRemaining()) { c.out = null; key.interestOps(SelectionKey.OP_READ); }
            }
            if (key.isValid() && key.isReadable()) {
              int r = c.ch.read(c.in);
              if (r < 0) { key.cancel(); c.ch.close(); held.remove(c); continue; }
              c.in.flip();
              handle(c, key, held);
              c.in.compact();
            }
          } catch (IOException e) {
            key.cancel();
            try { key.channel().close(); } catch (IOException ignored) { }
          }
        }
      }
    }

    private static void handle(Conn c, SelectionKey key, List<Conn> held) throws IOException {
      ByteBuffer b = c.in;
      while (true) {
        if (c.skipBody > 0) {
          int n = (int) Math.min(c.skipBody, b.remaining());
          b.position(b.position() + n);
          c.skipBody -= n;
          if (c.skipBody > 0) return;
        }
        int end = headerEnd(b);
        if (end < 0) return;
        String head = new String(b.array(), b.position(), end - b.position(), StandardCharsets.ISO_8859_1);
        b.position(end + 4);
        int cl = head.toLowerCase().indexOf("\ncontent-length:");
        if (cl >= 0) {
          int eol = head.indexOf('\r', cl + 1);
          c.skipBody = Long.parseLong(head.substring(cl + 16, eol < 0 ? head.length() : eol).trim());
        }
        if (head.startsWith("PUT")) {
          send(c, key, PUT_RESPONSE);
          for (Conn h : held) {
            if (h.ch.isOpen()) send(h, h.ch.keyFor(key.selector()), WATCH_RESPONSE);
          }
          held.clear();
        } else if (head.startsWith("GET") && head.substring(0, head.indexOf('\r')).contains("index=")) {
          held.add(c);
        } else {
          send(c, key, GET_RESPONSE);
        }
      }
    }

    private static int headerEnd(ByteBuffer b) {
      byte[] a = b.array();
      for (int i = b.position(); i + 3 < b.limit(); i++) {
        if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') return i;
      }
      return -1;
    }

    private static void send(Conn c, SelectionKey key, byte[] data) throws IOException {
      if (c.out != null) { // already queued output: append
        ByteBuffer nb = ByteBuffer.allocate(c.out.remaining() + data.length);
        nb.put(c.out).put(data).flip();
        c.out = nb;
        return;
      }
      ByteBuffer buf = ByteBuffer.wrap(data);
      c.ch.write(buf);
      if (buf.hasRemaining()) {
        c.out = buf;
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    }
  }
}
