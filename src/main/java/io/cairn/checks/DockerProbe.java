package io.cairn.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.state.CheckStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Docker check, as Consul's: the command (Args, or Shell -c Script) run inside the container
 * {@code DockerContainerID} through the Docker Engine API (create an exec, start it attached,
 * read its exit code); exit 0 passing, 1 warning, anything else critical, its output the
 * command's. Registered only where script checks are enabled, as Consul requires.
 */
final class DockerProbe implements Probe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private volatile DockerApi api = new DockerApi(System.getenv("DOCKER_HOST"));

  /** Where the Docker daemon listens (DOCKER_HOST's form). */
  void host(String host) {
    api = new DockerApi(host);
  }

  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    String container = def.target();
    Duration timeout = def.effectiveTimeout();
    DockerApi docker = api;
    CompletableFuture<CheckResult> run = CompletableFuture.supplyAsync(() -> exec(docker, container, def),
        task -> Thread.ofVirtual().name("docker-check-" + def.id()).start(task));
    try {
      return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      return new CheckResult(CheckStatus.CRITICAL, "Timed out (" + timeout.toMillis() + " ms) running the check in container "
          + container);
    } catch (ExecutionException e) {
      return new CheckResult(CheckStatus.CRITICAL, "Docker check in container " + container + " failed: " + e.getCause().getMessage());
    }
  }

  private static CheckResult exec(DockerApi docker, String container, CheckDefinition def) {
    try {
      var create = JSON.createObjectNode();
      create.put("AttachStdin", false).put("AttachStdout", true).put("AttachStderr", true).put("Tty", false);
      create.set("Cmd", JSON.valueToTree(def.args()));
      DockerApi.Answer made = docker.call("POST", "/containers/" + path(container) + "/exec", create.toString());
      if (made.status() != 201 && made.status() != 200) {
        return new CheckResult(CheckStatus.CRITICAL, "Docker could not run the check in container " + container + ": "
            + message(made));
      }
      String execId = JSON.readTree(made.body()).path("Id").asText("");
      if (execId.isEmpty()) return new CheckResult(CheckStatus.CRITICAL, "Docker gave no exec id for container " + container);
      DockerApi.Answer started = docker.call("POST", "/exec/" + path(execId) + "/start", "{\"Detach\":false,\"Tty\":false}");
      if (started.status() != 200 && started.status() != 101) {
        return new CheckResult(CheckStatus.CRITICAL, "Docker could not start the check in container " + container + ": "
            + message(started));
      }
      String output = DockerApi.demultiplex(started.body());
      DockerApi.Answer inspected = docker.call("GET", "/exec/" + path(execId) + "/json", null);
      JsonNode state = JSON.readTree(inspected.body());
      if (inspected.status() != 200 || !state.has("ExitCode")) {
        return new CheckResult(CheckStatus.CRITICAL, "Docker gave no exit code for the check in container " + container);
      }
      int code = state.path("ExitCode").asInt();
      CheckStatus status = code == 0 ? CheckStatus.PASSING : code == 1 ? CheckStatus.WARNING : CheckStatus.CRITICAL;
      return new CheckResult(status, output);
    } catch (java.io.IOException e) {
      return new CheckResult(CheckStatus.CRITICAL, "Docker check in container " + container + " failed: " + e.getMessage()
          + " (Docker daemon at " + docker.host() + ")");
    }
  }

  private static String message(DockerApi.Answer a) {
    try {
      JsonNode n = JSON.readTree(a.body());
      if (n != null && n.hasNonNull("message")) return a.status() + " " + n.get("message").asText();
    } catch (java.io.IOException e) {
      // not JSON
    }
    return a.status() + " " + a.text().strip();
  }

  private static String path(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
