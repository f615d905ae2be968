package io.cairn.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.state.Command;
import io.cairn.state.Image;
import io.cairn.state.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the bytes of every command type and of the snapshot image: a change to a record shows
 * up here as a format change. To change the format on purpose, regenerate the files and review
 * their diff (docs/log-format.md):
 * <pre>mvn -q test -Dtest='LogFormatGoldenTest' -Dgolden.update=true</pre>
 * The files under {@code golden/v0} are never regenerated: they were written by the codec
 * before the format header existed, and {@link LegacyFormatTest} reads them.
 */
class LogFormatGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  /** With -Dgolden.update=true, the golden files are first rewritten from the samples. */
  @BeforeAll
  static void regenerateOnRequest() throws IOException {
    if (!Boolean.getBoolean("golden.update")) return;
    Files.createDirectories(GOLDEN);
    for (Map.Entry<String, Command> e : LogSamples.commands().entrySet()) {
      Files.write(GOLDEN.resolve(e.getKey() + ".json"), CommandCodec.encode(e.getValue()));
    }
    Files.write(GOLDEN.resolve("image.json"), imageBytes(LogSamples.image()));
  }

  static Stream<Arguments> commands() {
    return LogSamples.commands().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void commandEncodesToItsGoldenBytes(String name, Command sample) throws IOException {
    byte[] bytes = CommandCodec.encode(sample);
    assertThat(text(bytes)).isEqualTo(text(golden(name + ".json")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void goldenBytesDecodeToTheSample(String name, Command sample) throws IOException {
    Command decoded = CommandCodec.decode(new ByteArrayInputStream(golden(name + ".json")));
    assertThat(decoded).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(sample);
  }

  @Test
  void imageEncodesToItsGoldenBytes() throws IOException {
    byte[] bytes = imageBytes(LogSamples.image());
    assertThat(text(bytes)).isEqualTo(text(golden("image.json")));
  }

  @Test
  void goldenImageDecodesToTheSample() throws IOException {
    Image decoded = CommandCodec.readImage(new ByteArrayInputStream(golden("image.json")));
    assertThat(decoded).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(LogSamples.image());
  }

  @Test
  void everyCommandTypeHasAGoldenFile() {
    Set<Class<?>> sampled = LogSamples.commands().values().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(sampled).containsAll(Arrays.asList(Command.class.getPermittedSubclasses()));
  }

  static byte[] imageBytes(Image image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandCodec.writeImage(image, out);
    return out.toByteArray();
  }

  private static byte[] golden(String file) throws IOException {
    return Files.readAllBytes(GOLDEN.resolve(file));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
