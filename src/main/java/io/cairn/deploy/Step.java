package io.cairn.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One command of an upgrade pass, run to completion or its timeout: its exit code (-1 when it
 * could not start, 124 when it timed out, as timeout(1) says) and the tail of what it printed,
 * stdout and stderr together, for the status record.
 */
public record Step(String name, int exitCode, String tail) {
  static final int TAIL_LINES = 20;
  static final int TIMED_OUT = 124;

  public boolean ok() {
    return exitCode == 0;
  }

  /** Runs {@code sh -c command}. */
  public static Step shell(String name, String command, Duration timeout) {
    return run(name, List.of("/bin/sh", "-c", command), timeout);
  }

  /** Runs an executable directly (a validation test). */
  public static Step executable(Path file, Duration timeout) {
    return run(file.getFileName().toString(), List.of(file.toString()), timeout);
  }

  private static Step run(String name, List<String> cmd, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      return new Step(name, -1, "could not start: " + e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> copyBounded(p.getInputStream(), out));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(2000);
        return new Step(name, TIMED_OUT, tail(out) + "\n(timed out after " + timeout.toSeconds() + " s)");
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Step(name, TIMED_OUT, "interrupted");
    }
    return new Step(name, p.exitValue(), tail(out));
  }

  /** Keeps the last 64 KiB of what the command printed: enough for the tail, bounded whatever it prints. */
  private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          out.write(buf, 0, n);
          if (out.size() > 65536) {
            byte[] all = out.toByteArray();
            out.reset();
            out.write(all, all.length - 32768, 32768);
          }
        }
      }
    } catch (IOException e) {
      // the process went away; what was read is what there is
    }
  }

  private static String tail(ByteArrayOutputStream out) {
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }
}
