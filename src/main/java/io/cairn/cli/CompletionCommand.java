package io.cairn.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn completion bash|zsh}: prints a completion script for the shell
 * ({@code source <(cairn completion bash)}); the one script serves zsh through bashcompinit.
 */
@Command(name = "completion", description = "Prints a shell completion script: source <(cairn completion bash).")
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Parameters(paramLabel = "shell", description = "bash or zsh") String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) throw new ClientError("Unsupported shell \"" + shell + "\": use bash or zsh");
    CommandLine root = spec.commandLine().getParent();
    String script = AutoComplete.bash("cairn", root);
    if (shell.equals("zsh")) script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
