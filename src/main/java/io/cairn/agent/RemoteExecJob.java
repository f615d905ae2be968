package io.cairn.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote execution on this node, as Consul's agent runs it, keyed under
 * {@code <Prefix>/<Session>/} in KV: read the job (a stale read first, then a consistent one),
 * write {@code <node>/ack}, run the command with stdout and stderr together, upload the output in
 * chunks of 4 KiB as {@code <node>/out/<n in 5 hex digits>} (a shorter chunk after 500 ms without
 * output, an empty one as a heartbeat after the job's Wait without any), then {@code <node>/exit}.
 * Every key is written with {@code ?acquire=<Session>}, so once the caller's session is gone
 * nothing more lands. Unlike Consul's agent, which stops uploading then but lets the command run
 * on, the command is then killed: nobody is left to read what it does.
 */
final class RemoteExecJob {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteExecJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int CHUNK = 4 * 1024;
  static final long IDLE_FLUSH_MILLIS = 500;
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
  private static final byte[] END = new byte[0];

  private final AgentHttp api;
  private final String node;
  private final byte[] payload;
  private String dir;
  private String session;

  RemoteExecJob(AgentHttp api, String node, byte[] payload) {
    this.api = api;
    this.node = node;
    this.payload = payload;
  }

  void run() throws IOException, InterruptedException {
    if (payload == null) throw new IOException("an event without a payload");
    JsonNode event = JSON.readTree(payload);
    session = event.path("Session").asText("");
    String prefix = event.path("Prefix").asText("");
    if (session.isEmpty() || prefix.isEmpty()) throw new IOException("the event names no prefix or session");
    dir = stripSlashes(prefix) + "/" + session;
    JsonNode spec = spec();
    if (spec == null) return;
    if (!write("ack", new byte[0])) throw new IOException("could not acknowledge the job (its session is gone?)");
    int exit = 255;
    Path script = null;
    try {
      byte[] scriptBytes = spec.path("Script").isTextual() ? Base64.getDecoder().decode(spec.path("Script").asText()) : null;
      List<String> args = new ArrayList<>();
      spec.path("Args").forEach(a -> args.add(a.asText()));
      ProcessBuilder pb;
      if (scriptBytes != null && scriptBytes.length > 0) {
        script = Files.createTempFile("rexec", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Files.write(script, scriptBytes);
        pb = WatchHandlers.command(List.of(script.toString()), true);
      } else if (!args.isEmpty()) {
        pb = WatchHandlers.command(args, false);
      } else {
        pb = WatchHandlers.command(List.of(spec.path("Command").asText("")), true);
      }
      long waitNanos = spec.path("Wait").asLong(0);
      Duration wait = waitNanos > 0 ? Duration.ofNanos(waitNanos) : DEFAULT_WAIT;
      LOG.info("remote exec '{}'", script != null ? script : String.join(" ", pb.command()));
      exit = runAndUpload(pb.redirectErrorStream(true), wait);
    } catch (IOException e) {
      LOG.warn("remote exec failed to start: {}", e.getMessage());
    } finally {
      if (script != null) Files.deleteIfExists(script);
      write("exit", Integer.toString(exit).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The job's specification, or null when it is gone (the caller gave up). */
  private JsonNode spec() throws IOException {
    String path = "/v1/kv/" + AgentHttp.enc(dir + "/job");
    AgentHttp.Answer a = api.get(path + "?stale", 0, Duration.ZERO);
    if (a.status() == 404) a = api.get(path, 0, Duration.ZERO);
    if (a.status() == 404) {
      LOG.debug("remote exec aborted: job spec missing at {}", dir);
      return null;
    }
    if (a.status() != 200) throw new IOException("reading the job answered " + a.status() + ": " + a.body().strip());
    byte[] value = JSON.readTree(a.body()).path(0).path("Value").binaryValue();
    if (value == null) throw new IOException("the job at " + dir + " is empty");
    return JSON.readTree(value);
  }

  /** Runs the command to its end, uploading its output as it comes; its exit code, or 255 if an upload failed. */
  private int runAndUpload(ProcessBuilder pb, Duration wait) throws IOException, InterruptedException {
    Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    BlockingQueue<byte[]> reads = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().name("rexec-out").start(() -> pump(p.getInputStream(), reads));
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    int num = 0;
    try {
      while (true) {
        byte[] got = reads.poll(pending.size() > 0 ? IDLE_FLUSH_MILLIS : wait.toMillis(), TimeUnit.MILLISECONDS);
        if (got == END) break;
        if (got == null) {  // quiet: send what is pending, or a heartbeat
          if (!write(outKey(num++), pending.toByteArray())) return kill(p);
          pending.reset();
          continue;
        }
        pending.write(got);
        while (pending.size() >= CHUNK) {
          byte[] all = pending.toByteArray();
          if (!write(outKey(num++), java.util.Arrays.copyOf(all, CHUNK))) return kill(p);
          pending.reset();
          pending.write(all, CHUNK, all.length - CHUNK);
        }
      }
      if (pending.size() > 0 && !write(outKey(num), pending.toByteArray())) return kill(p);
      return p.waitFor();
    } finally {
      reader.interrupt();
    }
  }

  private static void pump(InputStream in, BlockingQueue<byte[]> to) {
    byte[] buf = new byte[CHUNK];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) if (n > 0) to.add(java.util.Arrays.copyOf(buf, n));
    } catch (IOException e) {
      // the process is gone
    } finally {
      to.add(END);
    }
  }

  private static int kill(Process p) {
    LOG.warn("remote exec: the caller's session is gone; stopping the command");
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    return 255;
  }

  private static String outKey(int num) {
    return "out/" + String.format("%05x", num);
  }

  /** Writes {@code <dir>/<node>/<suffix>} held by the job's session; false when that failed. */
  private boolean write(String suffix, byte[] value) {
    String key = dir + "/" + node + "/" + suffix;
    try {
      AgentHttp.Answer a = api.putBytes("/v1/kv/" + AgentHttp.enc(key) + "?acquire=" + AgentHttp.enc(session), value);
      if (a.status() == 200 && a.body().strip().equals("true")) return true;
      LOG.warn("remote exec: writing {} answered {} {}", key, a.status(), a.body().strip());
    } catch (IOException e) {
      LOG.warn("remote exec: writing {}: {}", key, e.getMessage());
    }
    return false;
  }

  private static String stripSlashes(String s) {
    return s.replaceAll("^/+", "").replaceAll("/+$", "");
  }
}
