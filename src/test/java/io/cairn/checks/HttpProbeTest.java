package io.cairn.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.state.CheckStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An HTTP check's output is shown to every API client: it says what failed, not which Java exception. */
class HttpProbeTest {
  private static CheckDefinition check(String url) {
    return new CheckDefinition("c", "c", "", "", CheckType.HTTP, url, "GET", Map.of(), "", false, null, List.of(), null,
        Duration.ofSeconds(1), Duration.ofSeconds(2), null, 0, 0, CheckStatus.CRITICAL);
  }

  @Test
  void aRefusedConnectionIsSaidInGosWords() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    CheckResult r = new HttpProbe().run(check("http://127.0.0.1:" + closed + "/health"));
    assertThat(r.status()).isEqualTo(CheckStatus.CRITICAL);
    assertThat(r.output()).contains("connection refused").doesNotContain("Exception").doesNotContain("java.");
  }

  @Test
  void anUnusableUrlSaysSoWithoutAJavaName() throws Exception {
    CheckResult r = new HttpProbe().run(check("ftp://127.0.0.1/x"));
    assertThat(r.status()).isEqualTo(CheckStatus.CRITICAL);
    assertThat(r.output()).doesNotContain("Exception").doesNotContain("java.");
  }
}
