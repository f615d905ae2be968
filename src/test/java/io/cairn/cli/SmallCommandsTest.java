package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Commands that need no agent: keygen, exec's refusal, shell completion. */
class SmallCommandsTest {
  private record Run(int exit, String out, String err) {}

  private static Run cairn(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void keygenPrintsThirtyTwoRandomBytesInBase64() {
    Run a = cairn("keygen");
    Run b = cairn("keygen");
    assertThat(a.exit()).isZero();
    assertThat(Base64.getDecoder().decode(a.out().strip())).hasSize(32);
    assertThat(a.out()).isNotEqualTo(b.out());
  }

  @Test
  void execIsRefusedInOneLineSayingWhy() {
    Run r = cairn("exec", "-node", "web", "uptime");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip().lines()).singleElement().asString().contains("remote execution is disabled");
  }

  @Test
  void completionPrintsAScriptForBashAndZshAndRefusesOtherShells() {
    Run bash = cairn("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F _complete_cairn", "watch", "lock", "wait-ready");
    assertThat(cairn("completion", "zsh").out()).startsWith("autoload -U +X compinit");
    Run fish = cairn("completion", "fish");
    assertThat(fish.exit()).isEqualTo(1);
    assertThat(fish.err()).contains("Unsupported shell \"fish\"");
  }
}
