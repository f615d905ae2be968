package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.AgentHttp;
import io.cairn.checks.GoDuration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn exec}: Consul's remote execution, interoperating with {@code consul exec} and
 * Consul's agents (docs/remote-exec.md). The job goes to KV under a session of its own, a
 * {@code _rexec} event tells the agents whose node, service and tag match, and each of those that
 * has {@code disable_remote_exec = false} runs it and writes back an ack, its output and its exit
 * code, which are printed as they come. It ends after {@code -wait} without news (twice that
 * while a node that acknowledged has not finished). Exit 0, 2 if a node failed or did not
 * finish, 1 on errors, and 1 when no node took the job while this agent has remote execution off
 * (Consul then exits 0 having run nothing; Cairn says why and how to turn it on).
 */
@Command(name = "exec", description = "Runs a command on the agents that match, where remote execution is enabled.")
final class ExecCommand extends ClientCommand {
  private static final String SESSION_TTL = "15s";
  private static final long RENEW_MILLIS = 5_000;

  @Option(names = "-node", paramLabel = "REGEX", description = "Only nodes whose name matches.") String node;
  @Option(names = "-service", paramLabel = "REGEX", description = "Only nodes with a service whose name matches.") String service;
  @Option(names = "-tag", paramLabel = "REGEX", description = "With -service: only a service with a matching tag.") String tag;
  @Option(names = "-prefix", description = "KV prefix for the job's data (default _rexec).") String prefix = "_rexec";
  @Option(names = "-shell", arity = "0..1", fallbackValue = "true", description = "Run the command through a shell (default true).")
  boolean shell = true;
  @Option(names = "-wait", paramLabel = "DURATION", description = "Stop after this long with no answer (default 2s).") String wait = "2s";
  @Option(names = "-wait-repl", paramLabel = "DURATION", description = "Pause between writing the job and firing it (default 200ms).")
  String waitRepl = "200ms";
  @Option(names = "-verbose", description = "Say what happens.") boolean verbose;
  @Parameters(arity = "0..*", paramLabel = "-|command") List<String> command = new ArrayList<>();

  private sealed interface News {}
  private record Ack(String node) implements News {}
  private record Heartbeat(String node) implements News {}
  private record Output(String node, byte[] text) implements News {}
  private record Exit(String node, int code) implements News {}
  private record Failed(String why) implements News {}

  @Override
  int run(ApiClient client) throws Exception {
    String cmd = String.join(" ", command);
    byte[] script = null;
    List<String> args = List.of();
    if (cmd.equals("-")) {
      if (!shell) throw new ClientError("Cannot configure -shell=false when reading from stdin");
      cmd = "";
      script = System.in.readAllBytes();
    } else if (!shell) {
      cmd = "";
      args = List.copyOf(command);
    }
    if (cmd.isEmpty() && (script == null || script.length == 0) && args.isEmpty()) throw new ClientError("Must specify a command to execute");
    EventCommand.checkFilters(node, service, tag);
    Duration quiet = duration("-wait", wait);
    Duration repl = duration("-wait-repl", waitRepl);
    String at = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
    if (at.isEmpty()) throw new ClientError("-prefix must not be empty");

    JsonNode self = client.get("/v1/agent/self", Map.of());
    String localDc = self.path("Config").path("Datacenter").asText();
    boolean foreign = api.datacenter != null && !api.datacenter.isEmpty() && !api.datacenter.equals(localDc);
    if (foreign) info("Remote exec in foreign datacenter, using Session TTL");

    ObjectNode spec = ApiClient.JSON.createObjectNode();
    if (!cmd.isEmpty()) spec.put("Command", cmd);
    if (!args.isEmpty()) args.forEach(spec.putArray("Args")::add);
    if (script != null && script.length > 0) spec.put("Script", script);
    spec.put("Wait", quiet.toNanos());

    String session = createSession(client, foreign, self);
    Thread renew = Thread.ofVirtual().name("exec-renew").start(() -> renew(client, session));
    try {
      info("Created remote execution session: " + session);
      JsonNode ok = client.put("/v1/kv/" + ApiClient.encodePath(at + "/" + session + "/job"), Map.of("acquire", session),
          ApiClient.JSON.writeValueAsBytes(spec));
      if (ok == null || !ok.asBoolean()) throw new ClientError("Failed to create job file: failed to acquire key " + at + "/" + session + "/job");
      info("Uploaded remote execution spec");
      Thread.sleep(repl.toMillis());
      Map<String, String> filters = new LinkedHashMap<>();
      if (node != null && !node.isEmpty()) filters.put("node", node);
      if (service != null && !service.isEmpty()) filters.put("service", service);
      if (tag != null && !tag.isEmpty()) filters.put("tag", tag);
      ObjectNode event = ApiClient.JSON.createObjectNode().put("Prefix", at).put("Session", session);
      JsonNode fired = client.put("/v1/event/fire/_rexec", filters, ApiClient.JSON.writeValueAsBytes(event));
      info("Fired remote execution event: " + fired.path("ID").asText());
      Ended ended = waitForJob(at + "/" + session + "/", quiet);
      if (ended == null) return 1;
      if (ended.acks() == 0 && !foreign && self.path("DebugConfig").path("DisableRemoteExec").asBoolean(false)) {
        throw new ClientError("no node ran the command: remote execution is off on this agent (disable_remote_exec = true, "
            + "the default as in Consul); set disable_remote_exec = false in the config of each agent that should run commands");
      }
      return ended.exitCode();
    } finally {
      renew.interrupt();
      try {
        client.put("/v1/session/destroy/" + ApiClient.encode(session), Map.of(), null);
        client.delete("/v1/kv/" + ApiClient.encodePath(at + "/" + session), Map.of("recurse", ""));
      } catch (ClientError e) {
        err().println("Error: cleaning up the job: " + e.getMessage());
      }
    }
  }

  /** How a job ended: how many nodes acknowledged it, and the command's exit code (0, or 2 if a node failed or did not finish). */
  private record Ended(int acks, int exitCode) {}

  /** Prints the nodes' news until quiet; null when the results could not be read. */
  private Ended waitForJob(String dir, Duration quiet) throws InterruptedException {
    long start = System.nanoTime();
    BlockingQueue<News> news = new LinkedBlockingQueue<>();
    AgentHttp http = new AgentHttp(ApiOptions.agentAddress(api.httpAddr, System.getenv()), api.token());
    Thread reader = Thread.ofVirtual().name("exec-results").start(() -> stream(http, dir, quiet, news));
    int acks = 0, exits = 0, bad = 0;
    try {
      while (true) {
        Duration interval = acks > exits ? quiet.multipliedBy(2) : quiet;
        News n = news.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
        switch (n) {
          case null -> {
            out().println(exits + " / " + acks + " node(s) completed / acknowledged");
            info(String.format("Completed in %.2f seconds", (System.nanoTime() - start) / 1e9));
            if (exits < acks) bad++;
            return new Ended(acks, bad > 0 ? 2 : 0);
          }
          case Ack a -> {
            acks++;
            if (verbose) out().println(targeted(true, a.node(), "acknowledged"));
          }
          case Heartbeat h -> {
            if (verbose) out().println(targeted(true, h.node(), "heartbeat received"));
          }
          case Output o -> out().println(targeted(false, o.node(), new String(o.text(), StandardCharsets.UTF_8)));
          case Exit e -> {
            exits++;
            out().println(targeted(true, e.node(), "finished with exit code " + e.code()));
            if (e.code() != 0) bad++;
          }
          case Failed f -> {
            err().println("Error: failed to read results: " + f.why());
            return null;
          }
        }
        out().flush();
      }
    } finally {
      reader.interrupt();
    }
  }

  /** Follows the job's keys with blocking queries and hands on each new one as news. */
  private void stream(AgentHttp http, String dir, Duration quiet, BlockingQueue<News> news) {
    String dc = api.datacenter != null && !api.datacenter.isEmpty() ? "&dc=" + AgentHttp.enc(api.datacenter) : "";
    String keysPath = "/v1/kv/" + AgentHttp.enc(dir) + "?keys" + dc;
    Set<String> seen = new HashSet<>();
    long index = 0;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        AgentHttp.Answer a = http.get(keysPath, index, quiet.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quiet);
        if (a.status() != 200 && a.status() != 404) throw new IOException("Unexpected response code: " + a.status() + " (" + a.body().strip() + ")");
        if (a.index() == index) continue;
        index = a.index();
        if (a.status() == 404) continue;
        List<String> fresh = new ArrayList<>();
        for (JsonNode k : ApiClient.JSON.readTree(a.body())) if (seen.add(k.asText())) fresh.add(k.asText());
        // Keys come sorted by name, so a node's exit before its last output: hand on acks, output, then exits.
        fresh.sort(java.util.Comparator.comparingInt(k -> k.endsWith("/ack") ? 0 : k.endsWith("/exit") ? 2 : 1));
        for (String full : fresh) {
          String key = full.substring(Math.min(dir.length(), full.length()));
          if (key.equals("job")) continue;
          if (key.endsWith("/ack")) {
            news.add(new Ack(key.substring(0, key.length() - 4)));
          } else if (key.endsWith("/exit")) {
            byte[] v = value(http, full, dc);
            try {
              news.add(new Exit(key.substring(0, key.length() - 5), Integer.parseInt(new String(v, StandardCharsets.UTF_8).strip())));
            } catch (NumberFormatException e) {
              err().println("Failed to parse exit code '" + new String(v, StandardCharsets.UTF_8) + "'");
            }
          } else if (key.lastIndexOf("/out/") >= 0) {
            byte[] v = value(http, full, dc);
            String n = key.substring(0, key.lastIndexOf("/out/"));
            news.add(v.length == 0 ? new Heartbeat(n) : new Output(n, v));
          } else {
            err().println("Unknown key '" + key + "', ignoring.");
          }
        }
      }
    } catch (IOException e) {
      if (!Thread.currentThread().isInterrupted()) news.add(new Failed(e.getMessage()));
    }
  }

  private static byte[] value(AgentHttp http, String key, String dc) throws IOException {
    AgentHttp.Answer a = http.get("/v1/kv/" + AgentHttp.enc(key) + "?raw" + dc, 0, Duration.ZERO);
    if (a.status() != 200) return new byte[0];
    return a.body().getBytes(StandardCharsets.UTF_8);
  }

  /** Consul's TargetedUI: every line as {@code ==> node: line} (news) or {@code     node: line} (output), trailing space cut. */
  static String targeted(boolean arrow, String node, String message) {
    String head = arrow ? "==>" : "   ";
    StringBuilder sb = new StringBuilder();
    for (String line : message.split("\n", -1)) sb.append(head).append(' ').append(node).append(": ").append(line).append('\n');
    return sb.toString().stripTrailing();
  }

  private String createSession(ApiClient client, boolean foreign, JsonNode self) {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("Name", "Remote Exec").put("Behavior", "delete").put("TTL", SESSION_TTL);
    if (foreign) {
      JsonNode servers = client.get("/v1/health/service/consul", Map.of("passing", ""));
      if (servers == null || servers.isEmpty()) throw new ClientError("Failed to create session: Failed to find Consul server in remote datacenter");
      String remote = servers.get(0).path("Node").path("Node").asText();
      info("Binding session to remote node " + remote + "@" + api.datacenter);
      body.put("Name", "Remote Exec via " + self.path("Config").path("NodeName").asText() + "@" + self.path("Config").path("Datacenter").asText())
          .put("Node", remote);
      body.putArray("Checks");
    }
    try {
      return client.put("/v1/session/create", Map.of(), ApiClient.JSON.writeValueAsBytes(body)).path("ID").asText();
    } catch (ClientError | IOException e) {
      throw new ClientError("Failed to create session: " + e.getMessage());
    }
  }

  private void renew(ApiClient client, String session) {
    try {
      while (true) {
        Thread.sleep(RENEW_MILLIS);
        client.put("/v1/session/renew/" + ApiClient.encode(session), Map.of(), null);
      }
    } catch (InterruptedException e) {
      // done
    } catch (ClientError e) {
      if (!Thread.currentThread().isInterrupted()) err().println("Session renew failed: " + e.getMessage());
    }
  }

  private void info(String s) {
    if (verbose) out().println(s);
  }

  private static Duration duration(String flag, String text) {
    try {
      Duration d = GoDuration.parse(text);
      if (d.isNegative() || d.isZero() && flag.equals("-wait")) throw new IllegalArgumentException("must be positive");
      return d;
    } catch (IllegalArgumentException e) {
      throw new ClientError(flag + ": " + e.getMessage());
    }
  }
}
