package io.cairn.cli;

import io.cairn.agent.ConfigBuilder;
import io.cairn.agent.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn validate FILE_OR_DIRECTORY...}, as {@code consul validate}: loads the files with the
 * agent's own {@link ConfigBuilder} and checks the result as the agent would at start, without
 * starting one. A directory is read as {@code -config-dir} reads it.
 */
@Command(name = "validate", description = "Checks config files and directories as 'cairn agent' would load them.")
final class ValidateCommand implements Callable<Integer> {
  @Option(names = "-quiet", description = "Print nothing when the configuration is valid.") boolean quiet;
  @Option(names = "-config-format", paramLabel = "hcl|json", description = "Read every file in this format, whatever its extension.")
  String configFormat;
  @Parameters(paramLabel = "FILE_OR_DIRECTORY") List<Path> paths = new ArrayList<>();
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (paths.isEmpty()) return fail("Must specify at least one config file or directory");
    ConfigBuilder b = new ConfigBuilder();
    b.configFormat = configFormat;
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        b.configDirs.add(p);
      } else {
        b.configFiles.add(p);
      }
    }
    try {
      b.loadFiles().validate();
    } catch (ConfigException e) {
      return fail("Config validation failed: " + e.getMessage());
    }
    if (!quiet) {
      // As consul validate: warnings on stderr, the verdict on stdout.
      b.warnings().forEach(spec.commandLine().getErr()::println);
      spec.commandLine().getOut().println("Configuration is valid!");
    }
    return 0;
  }

  private int fail(String message) {
    spec.commandLine().getErr().println(message);
    return 1;
  }
}
