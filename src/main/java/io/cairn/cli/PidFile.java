package io.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Consul's pid_file: the agent's process ID, written at start and removed when it exits. */
final class PidFile {
  private final Path path;

  private PidFile(Path path) {
    this.path = path;
  }

  /** Writes the file, as Consul does (the number alone); a null path writes nothing. */
  static PidFile write(Path path) throws IOException {
    if (path != null) Files.writeString(path, Long.toString(ProcessHandle.current().pid()));
    return new PidFile(path);
  }

  void delete() {
    if (path == null) return;
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LoggerFactory.getLogger(PidFile.class).warn("could not remove pid_file {}: {}", path, e.toString());
    }
  }
}
