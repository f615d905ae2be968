package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Commands that need no agent: keygen, exec's refusal, shell completion, help flags and usage errors. */
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
  void execChecksItsArgumentsBeforeAskingAnyAgent() {
    Run none = cairn("exec", "-http-addr=127.0.0.1:1");
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err().strip().lines()).singleElement().asString().contains("Must specify a command to execute");
    Run tag = cairn("exec", "-http-addr=127.0.0.1:1", "-tag", "v1", "uptime");
    assertThat(tag.err().strip().lines()).singleElement().asString().contains("Cannot provide tag filter without service filter.");
    Run regex = cairn("exec", "-http-addr=127.0.0.1:1", "-node", "(", "uptime");
    assertThat(regex.err().strip().lines()).singleElement().asString().contains("Failed to compile node filter regexp");
    Run unreachable = cairn("exec", "-http-addr=127.0.0.1:1", "uptime");
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err().strip().lines()).singleElement().asString().contains("connection refused");
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

  /** Every command of the tree, as the words that name it (aliases skipped: they are the same command). */
  private static List<List<String>> commands(CommandLine cl, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    out.add(prefix);
    for (var e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) continue;
      List<String> p = new ArrayList<>(prefix);
      p.add(e.getKey());
      out.addAll(commands(e.getValue(), p));
    }
    return out;
  }

  /** Each command of Main's tree with each spelling of the help flag. */
  static Stream<Arguments> everyCommandAndHelpFlag() {
    List<List<String>> all = commands(Main.commandLine(), List.of());
    return all.stream().flatMap(cmd -> Stream.of("-h", "-help", "--help").map(flag -> Arguments.of(String.join(" ", cmd), flag)));
  }

  @Test
  void theTreeHasEveryCommandTheParameterisedHelpTestWalks() {
    List<String> names = commands(Main.commandLine(), List.of()).stream().map(c -> String.join(" ", c)).toList();
    assertThat(names).hasSizeGreaterThan(40).contains("", "agent", "discovery", "kv get", "event", "maint", "help");
  }

  @ParameterizedTest(name = "cairn {0} {1}")
  @MethodSource("everyCommandAndHelpFlag")
  void helpFlagPrintsTheUsageOnStdoutAndExitsZero(String command, String flag) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add(flag);
    Run r = cairn(args.toArray(String[]::new));
    assertThat(r.exit()).as("exit; stderr: %s", r.err()).isZero();
    // The usage of this very command (picocli's help command puts a line of description first).
    assertThat(r.out().lines()).anyMatch(l -> l.startsWith("Usage: cairn" + (command.isEmpty() ? " [" : " " + command + " ")));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void cairnAloneAlsoPrintsItsUsage() {
    Run r = cairn();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: cairn").contains("-h, -help, --help");
  }

  @Test
  void anUnknownCommandOrFlagIsOneLineNamingTheNearestSpelling() {
    Run cmd = cairn("memebrs");
    assertThat(cmd.exit()).isEqualTo(1);
    assertThat(cmd.out()).isEmpty();
    assertThat(cmd.err().strip().lines()).singleElement().asString().startsWith("Error: unknown command memebrs; did you mean members?");
    Run sub = cairn("kv", "gte", "k");
    assertThat(sub.exit()).isEqualTo(1);
    assertThat(sub.err().strip().lines()).singleElement().asString().startsWith("Error: unknown command gte; did you mean get?");
    Run flag = cairn("members", "-http-adr", "x");
    assertThat(flag.exit()).isEqualTo(1);
    assertThat(flag.err().strip().lines()).singleElement().asString().startsWith("Error: unknown flag -http-adr; did you mean -http-addr?");
    Run withValue = cairn("kv", "get", "-detailed", "-seperator=,", "k");
    assertThat(withValue.exit()).isEqualTo(1);
    assertThat(withValue.err().strip().lines()).singleElement().asString()
        .startsWith("Error: unknown flag -seperator; did you mean -separator?");
    Run farOff = cairn("zzzzzz");
    assertThat(farOff.exit()).isEqualTo(1);
    assertThat(farOff.err().strip().lines()).singleElement().asString().isEqualTo("Error: unknown command zzzzzz (see cairn -h)");
    Run missing = cairn("kv");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip().lines()).singleElement();
  }

  @Test
  void nearestNameCountsASwapOfTwoLettersAsOneEdit() {
    assertThat(NearestName.distance("gte", "get")).isEqualTo(1);
    assertThat(NearestName.distance("get", "get")).isZero();
    assertThat(NearestName.distance("", "kv")).isEqualTo(2);
    assertThat(NearestName.among("gte", List.of("delete", "export", "get", "put"))).contains("get");
    assertThat(NearestName.among("snapshto", List.of("snapshot", "join"))).contains("snapshot");
    assertThat(NearestName.among("qqqq", List.of("kv", "join"))).isEmpty();
  }
}
