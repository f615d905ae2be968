package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.checks.GoDuration;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn debug}: what an operator attaches to a bug report, as {@code consul debug} (its
 * flags and layout, Java in place of Go): agent.json (/v1/agent/self), members.json, then at
 * every interval a directory with metrics.json and threads.txt (a thread dump), and cairn.log
 * (the agent's last lines, then its log at debug for the whole capture), in a .tar.gz.
 */
@Command(name = "debug", description = "Captures the agent's state, metrics, thread dumps and log for a time into an "
    + "archive to attach to a bug report. Thread dumps and past log lines need enable_debug on the agent (on with -dev).")
final class DebugCommand extends ClientCommand {
  private static final Set<String> TARGETS = Set.of("agent", "members", "metrics", "threads", "logs");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ssX").withZone(ZoneOffset.UTC);

  @Option(names = "-duration", paramLabel = "<duration>", description = "How long to capture (default 2m).")
  String duration = "2m";

  @Option(names = "-interval", paramLabel = "<duration>", description = "How often to capture metrics and threads (default 30s).")
  String interval = "30s";

  @Option(names = "-output", paramLabel = "<path>", description = "Where to write (default cairn-debug-<unix time> here).")
  String output;

  @Option(names = "-capture", paramLabel = "<target>",
      description = "What to capture, repeatable: agent, members, metrics, threads, logs (default all).")
  List<String> capture = new ArrayList<>();

  @Option(names = "-archive", arity = "0..1", fallbackValue = "true", paramLabel = "<bool>",
      description = "Write a .tar.gz (default true); false leaves a directory.")
  boolean archive = true;

  @Override
  int run(ApiClient client) throws Exception {
    Duration total = parse("-duration", duration);
    Duration every = parse("-interval", interval);
    if (every.compareTo(Duration.ofSeconds(1)) < 0) throw new ClientError("-interval must be at least 1s");
    if (total.compareTo(every) < 0) throw new ClientError("-duration must be at least -interval (" + interval + ")");
    Set<String> targets = new LinkedHashSet<>(capture.isEmpty() ? List.of("agent", "members", "metrics", "threads", "logs") : capture);
    for (String t : targets) {
      if (!TARGETS.contains(t)) throw new ClientError("Unknown -capture target \"" + t + "\"; use agent, members, metrics, threads or logs");
    }
    String name = output != null ? output : "cairn-debug-" + Instant.now().getEpochSecond();
    Path dir = Path.of(name);
    Path tar = Path.of(name + ".tar.gz");
    if (Files.exists(dir) || (archive && Files.exists(tar))) throw new ClientError("output already exists: " + (Files.exists(dir) ? dir : tar));

    JsonNode self = client.get("/v1/agent/self", Map.of());
    boolean debug = true;
    Files.createDirectories(dir);
    List<String> notes = new ArrayList<>();
    if (targets.contains("agent")) write(dir.resolve("agent.json"), pretty(self));
    if (targets.contains("members")) write(dir.resolve("members.json"), pretty(client.get("/v1/agent/members", Map.of())));

    StringBuilder log = new StringBuilder();
    Thread reader = null;
    InputStream stream = null;
    if (targets.contains("logs")) {
      try {
        log.append(client.text("/debug/log", Map.of()));
      } catch (ClientError e) {
        debug = false;
        notes.add("past log lines: " + e.getMessage());
      }
      try {
        stream = client.stream("/v1/agent/monitor", Map.of("loglevel", "debug"));
      } catch (ClientError e) {
        notes.add("the log during the capture: " + e.getMessage());
      }
    }
    if (stream != null) {
      InputStream in = stream;
      reader = Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            synchronized (log) {
              log.append(l).append('\n');
            }
          }
        } catch (Exception ignored) {
          // closed at the end of the capture
        }
      });
    }
    out().println("==> Starting debug capture...");
    out().println("     Output: '" + (archive ? tar : dir) + "'");
    out().println("    Capture: '" + String.join(", ", targets) + "'");
    out().println("   Interval: '" + interval + "'");
    out().println("   Duration: '" + duration + "'");
    out().flush();
    long end = System.nanoTime() + total.toNanos();
    boolean threadsRefused = false;
    while (true) {
      Path at = dir.resolve(STAMP.format(Instant.now()));
      Files.createDirectories(at);
      if (targets.contains("metrics")) write(at.resolve("metrics.json"), pretty(client.get("/v1/agent/metrics", Map.of())));
      if (targets.contains("threads") && !threadsRefused) {
        try {
          write(at.resolve("threads.txt"), client.text("/debug/threads", Map.of()));
        } catch (ClientError e) {
          threadsRefused = true;
          notes.add("thread dumps: " + e.getMessage());
        }
      }
      out().println("    Captured " + dir.relativize(at));
      out().flush();
      long left = end - System.nanoTime();
      if (left <= 0) break;
      Thread.sleep(Duration.ofNanos(Math.min(left, every.toNanos())));
    }
    if (stream != null) {
      stream.close();
      reader.join(Duration.ofSeconds(5));
      synchronized (log) {
        write(dir.resolve("cairn.log"), log.toString());
      }
    }
    ObjectNode index = ApiClient.JSON.createObjectNode();
    index.put("Version", 1);
    index.put("AgentVersion", self.path("Config").path("Version").asText());
    index.put("Interval", interval);
    index.put("Duration", duration);
    index.putPOJO("Targets", targets);
    index.putPOJO("Missing", notes);
    write(dir.resolve("index.json"), pretty(index));
    for (String n : notes) err().println("Could not capture " + n);
    if (!debug || threadsRefused) err().println("Set enable_debug = true on the agent for thread dumps and past log lines.");
    if (archive) {
      try (OutputStream os = Files.newOutputStream(tar); TarGz t = new TarGz(os); var files = Files.walk(dir)) {
        for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
          t.add(dir.getFileName() + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    out().println("Saved debug archive: " + (archive ? tar : dir));
    return 0;
  }

  private static Duration parse(String flag, String value) {
    try {
      return GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ClientError(flag + ": " + e.getMessage());
    }
  }

  private static String pretty(JsonNode n) throws Exception {
    return ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
  }

  private static void write(Path p, String text) throws Exception {
    Files.writeString(p, text);
  }
}
