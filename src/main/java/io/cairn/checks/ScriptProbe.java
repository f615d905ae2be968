package io.cairn.checks;

import io.cairn.state.CheckStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Script check: exit 0 passing, 1 warning, anything else critical; output is stdout+stderr. */
final class ScriptProbe implements Probe {
  @Override
  public CheckResult run(CheckDefinition def) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(def.args()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new CheckResult(CheckStatus.CRITICAL, "failed to start " + def.args().getFirst() + ": " + e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> copyBounded(p.getInputStream(), out, def.outputLimit()));
    if (!p.waitFor(def.effectiveTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new CheckResult(CheckStatus.CRITICAL, "Timed out (" + GoDuration.format(def.effectiveTimeout()) + ") running check");
    }
    reader.join(1000);
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    int code = p.exitValue();
    CheckStatus status = code == 0 ? CheckStatus.PASSING : code == 1 ? CheckStatus.WARNING : CheckStatus.CRITICAL;
    return new CheckResult(status, text);
  }

  private static void copyBounded(InputStream in, ByteArrayOutputStream out, int limit) {
    byte[] buf = new byte[4096];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          if (out.size() < limit) out.write(buf, 0, Math.min(n, limit - out.size()));
        }
      }
    } catch (IOException e) {
      // The process went away; what was read so far is the output.
    }
  }
}
