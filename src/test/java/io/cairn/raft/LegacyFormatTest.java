package io.cairn.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.state.Command;
import io.cairn.state.Image;
import io.cairn.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data already on disk, and servers already running: logs and snapshots written before the
 * format header are format 0 and read strictly as today's records; and a server of that older
 * version, which ignores fields it does not know, reads the new entries as the same commands.
 * A field added to a record since is absent from the captured bytes and reads as null: the
 * comparison skips what decoded as null, and holds every field the old bytes carry.
 */
class LegacyFormatTest {
  private static final Path V0 = LogFormatGoldenTest.GOLDEN.resolve("v0");
  /** How the codec before the header read entries (CommandCodec at 93d8045). */
  private static final ObjectMapper PRE_HEADER_READER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** Primitive fields added to records since format 0: absent in the old bytes, they read as 0. */
  private static final String ADDED_SINCE = "(.*\\.)?kvRestoreFloor";

  static Stream<Arguments> commands() {
    return LogFormatGoldenTest.commands();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void capturedFormat0EntryDecodesToTheSameCommand(String name, Command sample) throws IOException {
    Path old = V0.resolve(name + ".json");
    Assumptions.assumeTrue(Files.exists(old), "the command " + name + " came after format 0");
    Command decoded = CommandCodec.decode(new ByteArrayInputStream(Files.readAllBytes(old)));
    assertThat(decoded).usingRecursiveComparison().withStrictTypeChecking().ignoringActualNullFields()
        .ignoringFieldsMatchingRegexes(ADDED_SINCE).isEqualTo(sample);
  }

  @Test
  void capturedFormat0SnapshotLoadsAsTheSameImage() throws IOException {
    Image image = CommandCodec.readImage(Files.newInputStream(V0.resolve("image.json")));
    assertThat(image).usingRecursiveComparison().withStrictTypeChecking().ignoringActualNullFields()
        .ignoringFieldsMatchingRegexes(ADDED_SINCE).isEqualTo(LogSamples.image());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void aServerOfThePreHeaderVersionReadsANewEntryAsTheSameCommand(String name, Command sample) throws IOException {
    Command read = PRE_HEADER_READER.readValue(CommandCodec.encode(sample), Command.class);
    assertThat(read).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(sample);
  }

  @Test
  void aServerOfThePreHeaderVersionReadsANewSnapshot() throws IOException {
    Image read = PRE_HEADER_READER.readValue(LogFormatGoldenTest.imageBytes(LogSamples.image()), Image.class);
    assertThat(read).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(LogSamples.image());
  }
}
