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

  /** Every command of the tree, as the words that name it. */
  private static java.util.List<java.util.List<String>> commands(picocli.CommandLine cl, java.util.List<String> prefix) {
    java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
    out.add(prefix);
    for (var e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) continue;  // an alias
      java.util.List<String> p = new java.util.ArrayList<>(prefix);
      p.add(e.getKey());
      out.addAll(commands(e.getValue(), p));
    }
    return out;
  }

  @Test
  void everyCommandTakesDashHDashHelpAndDoubleDashHelp() {
    var all = commands(Main.commandLine(), java.util.List.of());
    assertThat(all.size()).isGreaterThan(40);
    for (var cmd : all) {
      for (String flag : new String[] {"-h", "-help", "--help"}) {
        java.util.List<String> args = new java.util.ArrayList<>(cmd);
        args.add(flag);
        Run r = cairn(args.toArray(String[]::new));
        assertThat(r.exit()).as("%s: %s", args, r.err()).isZero();
        assertThat(r.out()).as("%s", args).contains("Usage:");
      }
    }
  }

  @Test
  void anUnknownCommandOrFlagIsOneLineNamingTheNearestSpelling() {
    Run cmd = cairn("memebrs");
    assertThat(cmd.exit()).isEqualTo(1);
    assertThat(cmd.err().strip().lines()).singleElement().asString().contains("unknown command memebrs", "did you mean members?");
    Run flag = cairn("members", "-http-adr", "x");
    assertThat(flag.exit()).isEqualTo(1);
    assertThat(flag.err().strip().lines()).singleElement().asString().contains("unknown flag -http-adr", "did you mean -http-addr?");
    Run missing = cairn("kv");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip().lines()).singleElement();
  }
}
