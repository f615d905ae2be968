package io.cairn.it;

import io.cairn.agent.Agent;
import io.cairn.agent.ConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real Cairn agent in dev mode, running in this JVM on a free port: one per test class,
 * started in {@code @BeforeAll} and closed in {@code @AfterAll}.
 */
final class TestAgent implements AutoCloseable {
  static final String NODE = "node-it";

  /**
   * Own threads for calls that block (a blocking query) and for writes meant to land while one
   * is held: the common pool may have a single worker on a small machine, which would run them
   * one after the other.
   */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "it-client");
    t.setDaemon(true);
    return t;
  });

  private final Agent agent;

  private TestAgent(Agent agent) {
    this.agent = agent;
  }

  static TestAgent start() throws Exception {
    return start(b -> {});
  }

  /** Starts an agent after letting the test adjust its configuration. */
  static TestAgent start(java.util.function.Consumer<ConfigBuilder> adjust) throws Exception {
    ConfigBuilder b = new ConfigBuilder().devMode();
    b.httpPort = freePort();
    b.dnsPort = 0;
    b.nodeName = NODE;
    adjust.accept(b);
    return new TestAgent(Agent.start(b.build(), () -> {}));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, THREADS);
  }

  /** Runs {@code action} on its own thread once {@code delay} has passed. */
  static CompletableFuture<Void> later(Duration delay, Runnable action) {
    Executor delayed = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, THREADS);
    return CompletableFuture.runAsync(action, delayed);
  }

  Agent agent() {
    return agent;
  }

  String host() {
    return address().getHostString();
  }

  int port() {
    return address().getPort();
  }

  InetSocketAddress address() {
    return agent.httpAddress();
  }

  /** The agent's URL for a path (with its query), given already percent-encoded as it goes on the wire. */
  URI uri(String rawPathAndQuery) {
    return URI.create("http://" + host() + ":" + port() + rawPathAndQuery);
  }

  @Override
  public void close() {
    agent.close();
  }

  /**
   * A {@code cairn} command in {@code bin} that runs this build (this JVM's class path) as a
   * process of its own, for tests whose shell scripts call {@code cairn} as cron and boot scripts do.
   */
  static java.nio.file.Path installLauncher(java.nio.file.Path bin) throws IOException {
    java.nio.file.Files.createDirectories(bin);
    java.nio.file.Path cairn = bin.resolve("cairn");
    java.nio.file.Files.writeString(cairn, "#!/bin/sh\nexec '" + java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path") + "' io.cairn.cli.Main \"$@\"\n");
    java.nio.file.Files.setPosixFilePermissions(cairn, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return cairn;
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  /** One request to this agent's HTTP API ({@code rawPath} already percent-encoded); null body sends none. */
  java.net.http.HttpResponse<String> call(String method, String rawPath, String body) throws Exception {
    return upload(method, rawPath, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** As {@link #call(String, String, String)}, with a body of bytes (a snapshot upload). */
  java.net.http.HttpResponse<String> upload(String method, String rawPath, byte[] body) throws Exception {
    return HTTP.send(java.net.http.HttpRequest.newBuilder(uri(rawPath)).method(method,
        body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
