package io.cairn.raft;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.state.Command;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * How commands, outcomes and snapshots are written as bytes: JSON, so that a log or a snapshot
 * can be read by a person with ordinary tools. Unknown fields are ignored so that a newer
 * server's entries can be replayed by an older one as long as they mean the same.
 */
final class CommandCodec {
  // Jackson's default buffer pool is per thread; every request here runs on a fresh virtual
  // thread, so a shared pool is what lets the buffers be reused at all.
  private static final ObjectMapper JSON = JsonMapper.builder(
          JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private static final TypeReference<List<Outcome>> OUTCOMES = new TypeReference<>() {};

  private CommandCodec() {}

  static byte[] encode(Command c) {
    try {
      return JSON.writeValueAsBytes(c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Command decode(InputStream in) throws IOException {
    return JSON.readValue(in, Command.class);
  }

  static byte[] encodeOutcomes(List<Outcome> outcomes) {
    try {
      return JSON.writeValueAsBytes(outcomes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Outcome> decodeOutcomes(byte[] bytes) throws IOException {
    return JSON.readValue(bytes, OUTCOMES);
  }

  /** Writes the image and flushes; leaves {@code out} open (the caller still syncs it). */
  static void writeImage(StateStore.Image image, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.getFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      JSON.writeValue(g, image);
    }
  }

  static StateStore.Image readImage(InputStream in) throws IOException {
    return JSON.readValue(in, StateStore.Image.class);
  }
}
