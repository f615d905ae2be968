package io.cairn.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A `cairn` command run as its own JVM process, with the test's class path: what a user runs,
 * without needing the packaged jar.
 */
final class AgentProcess implements AutoCloseable {
  final Process process;
  final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static AgentProcess start(String... args) throws IOException {
    Path log = Files.createTempFile("cairn-proc-", ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.cairn.cli.Main"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new AgentProcess(p, log);
  }

  /**
   * Runs a command to completion; returns exit code, stdout, stderr. An agent runs as a process
   * of its own; a client command (join, leave, kv, watch…) runs in this JVM through the same
   * entry point, which saves a JVM start per call and tests the same code.
   */
  static Result run(String... args) throws Exception {
    if (args.length > 0 && !args[0].equals("agent") && !args[0].equals("discovery")) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code = io.cairn.cli.Main.run(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
          new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
      return new Result(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
    return runProcess(args);
  }

  /** As {@link #run}, always in a process of its own. */
  static Result runProcess(String... args) throws Exception {
    File out = File.createTempFile("cairn-out-", ".txt");
    File err = File.createTempFile("cairn-err-", ".txt");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "io.cairn.cli.Main"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("command did not finish: " + cmd);
    }
    Result r = new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    out.delete();
    err.delete();
    return r;
  }

  record Result(int exitCode, String stdout, String stderr) {}

  String logText() throws IOException {
    return Files.readString(log);
  }

  void signal(String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) process.destroyForcibly();
    Files.deleteIfExists(log);
  }
}
