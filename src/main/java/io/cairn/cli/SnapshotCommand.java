package io.cairn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn snapshot save|restore|inspect FILE}: backups of the whole KV store and catalog. */
@Command(name = "snapshot", description = "Saves, restores or inspects a snapshot of the cluster's state.",
    subcommands = {SnapshotCommand.Save.class, SnapshotCommand.Restore.class, SnapshotInspect.class})
final class SnapshotCommand {
  @Command(name = "save", description = "Saves the state to FILE.")
  static final class Save extends ClientCommand {
    @Parameters(paramLabel = "FILE") Path file;

    @Override
    int run(ApiClient client) throws Exception {
      byte[] snapshot = client.getBytes("/v1/snapshot", Map.of());
      // Write beside the target and move into place, so a failed save never leaves half a file.
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".snapshot-", ".tmp");
      Files.write(tmp, snapshot);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      out().println("Saved snapshot to " + file + " (" + snapshot.length + " bytes)");
      return 0;
    }
  }

  @Command(name = "restore", description = "Replaces the state with the snapshot in FILE (Cairn's, or one Consul saved).")
  static final class Restore extends ClientCommand {
    @Parameters(paramLabel = "FILE") Path file;

    @Override
    int run(ApiClient client) throws Exception {
      if (!Files.isRegularFile(file)) throw new ClientError("no such file: " + file);
      com.fasterxml.jackson.databind.JsonNode report = client.put("/v1/snapshot", Map.of(), Files.readAllBytes(file));
      out().println("Restored snapshot");
      // A Consul snapshot: what came over, and what Cairn has no place for.
      if (report != null && report.has("Imported")) {
        report.path("Imported").fields().forEachRemaining(e -> out().println("  imported " + e.getKey() + ": " + e.getValue().asText()));
        report.path("NotImported").fields().forEachRemaining(e -> out().println("  not imported " + e.getKey() + ": " + e.getValue().asText()));
      }
      return 0;
    }
  }
}
