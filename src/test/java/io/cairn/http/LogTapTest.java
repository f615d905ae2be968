package io.cairn.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTapTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final LogTap tap = new LogTap(new PrintStream(printed, true, StandardCharsets.UTF_8), LogTap.Level.INFO);
  private final PrintStream log = new PrintStream(tap, true, StandardCharsets.UTF_8);

  @Test
  void printsWhatTheLevelLetsThroughAndHandsMonitorsWhatTheyAskFor() throws Exception {
    try (LogTap.Monitor debug = tap.subscribe(LogTap.Level.DEBUG, 16); LogTap.Monitor warn = tap.subscribe(LogTap.Level.WARN, 16)) {
      log.println("2026-12-05T08:00:00.000Z [DEBUG] Agent - quiet");
      log.println("\tat a.stack.Frame(Of.java:1)");
      log.println("2026-12-05T08:00:00.001Z [INFO] Agent - said");
      log.println("2026-12-05T08:00:00.002Z [WARN] Agent - loud");
      log.println("java.lang.IllegalStateException: trace of the warning");
      log.print("no newline yet");
      assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("""
          2026-12-05T08:00:00.001Z [INFO] Agent - said
          2026-12-05T08:00:00.002Z [WARN] Agent - loud
          java.lang.IllegalStateException: trace of the warning
          """);
      assertThat(drain(debug)).containsExactly("quiet", "Of.java", "said", "loud", "trace of the warning");
      assertThat(drain(warn)).containsExactly("loud", "trace of the warning");
    }
  }

  @Test
  void aSlowMonitorLosesLinesAndCountsThemWithoutHoldingTheLogger() throws Exception {
    try (LogTap.Monitor slow = tap.subscribe(LogTap.Level.INFO, 2)) {
      for (int i = 0; i < 5; i++) log.println("2026-12-05T08:00:00.000Z [INFO] Agent - line " + i);
      assertThat(slow.takeDropped()).isEqualTo(3);
      assertThat(slow.takeDropped()).isZero();
      assertThat(drain(slow)).containsExactly("line 0", "line 1");
    }
    assertThat(printed.toString(StandardCharsets.UTF_8).lines()).hasSize(5);
  }

  @Test
  void hclogJsonSplitsTheLine() {
    var o = LogMonitor.hclog(new LogTap.Line(LogTap.Level.WARN, "2026-12-05T08:00:00.002Z [WARN] Heartbeats - member failed: a"));
    assertThat(o.path("@level").asText()).isEqualTo("warn");
    assertThat(o.path("@module").asText()).isEqualTo("Heartbeats");
    assertThat(o.path("@message").asText()).isEqualTo("member failed: a");
    assertThat(o.path("@timestamp").asText()).isEqualTo("2026-12-05T08:00:00.002Z");
  }

  /** The lines waiting, each cut to the word the test looks for. */
  private static List<String> drain(LogTap.Monitor m) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (LogTap.Line l; (l = m.poll(0)) != null; ) {
      String t = l.text();
      out.add(t.contains(" - ") ? t.substring(t.indexOf(" - ") + 3) : t.contains("Of.java") ? "Of.java"
          : t.substring(t.indexOf(": ") + 2));
    }
    return out;
  }
}
