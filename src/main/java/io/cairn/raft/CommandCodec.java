package io.cairn.raft;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.state.Command;
import io.cairn.state.Image;
import io.cairn.state.Outcome;
import io.cairn.state.StateStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The log and snapshot format (docs/log-format.md): how commands and snapshot images become
 * bytes and back. JSON, so that a log or a snapshot can be read with ordinary tools. A log entry
 * is one JSON object that starts with a header, {@code "v"} (the format version) and, when set,
 * {@code "ignorable": true}, followed by the command's type {@code "@"} and its fields:
 * <pre>{"v":1,"@":"kv-set","key":"a","value":"MQ==","flags":0}</pre>
 * A snapshot image has the same {@code "v"} before its fields. Reading is strict: a newer
 * version, an unknown command type or an unknown field is a {@link LogFormatException}, never
 * a silent drop, because servers that read one entry differently hold different state.
 */
final class CommandCodec {
  /** The format this version writes, and the newest one it reads. */
  static final int FORMAT = 1;
  static final String VERSION_FIELD = "v";
  static final String IGNORABLE_FIELD = "ignorable";
  /** The type property of {@link Command}'s {@code @JsonTypeInfo}. */
  static final String TYPE_FIELD = "@";

  // Jackson's default buffer pool is per thread; every request here runs on a fresh virtual
  // thread, so a shared pool is what lets the buffers be reused at all.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
  private static final ObjectMapper JSON = JsonMapper.builder(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
      // An unset (null) field is left out: a field added in a later version then reaches the
      // log, and stops an older server, only once someone uses it (docs/log-format.md).
      .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
      .build();
  private static final ObjectWriter COMMAND_WRITER = JSON.writerFor(Command.class);
  private static final ObjectReader COMMAND_READER = JSON.readerFor(Command.class);
  private static final ObjectReader IMAGE_READER = JSON.readerFor(Image.class);
  /** Outcomes travel in Raft replies, never in the log: a newer leader's extra field is no harm. */
  private static final ObjectReader OUTCOMES_READER = JSON.readerFor(new TypeReference<List<Outcome>>() {})
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private CommandCodec() {}

  /**
   * Whether a server that does not know this command may skip its entry (Consul's
   * IgnoreUnknownTypeFlag). Only a command whose loss changes no replicated state qualifies;
   * the others all change what a read, a snapshot or a resent request sees. Every version knows
   * {@link Command.Noop}, so its flag is never consulted yet: it is there for commands to come,
   * and a new command decides here (the switch does not compile without it).
   */
  static boolean ignorable(Command c) {
    return switch (c) {
      case Command.Noop n -> true;
      case Command.Batch b -> !b.commands().isEmpty() && b.commands().stream().allMatch(CommandCodec::ignorable);
      // A resent request is answered from the outcomes remembered in the image.
      case Command.Once o -> false;
      case Command.KvSet s -> false;
      case Command.KvDelete d -> false;
      case Command.Txn t -> false;
      case Command.CatalogRegister r -> false;
      case Command.CatalogDeregister d -> false;
      case Command.NodeLeft l -> false;
      case Command.SessionCreate s -> false;
      case Command.SessionDestroy d -> false;
      // Events are replicated state (every server lists the same last ones).
      case Command.EventFire e -> false;
      case Command.Restore r -> false;
      // A part left out would make the restore's whole differ from the other servers'.
      case Command.RestoreChunk part -> false;
      // Dropping a restore under way frees what it staged: replicated state, like the parts.
      case Command.RestoreAbort abort -> false;
      // Prepared queries are replicated state: every server must run the same one by a name.
      case Command.QuerySet q -> false;
      case Command.QueryDelete q -> false;
      // Autopilot's settings decide which servers the leader removes: every server must hold the same.
      case Command.AutopilotSet a -> false;
    };
  }

  /** One log entry: the header, then the command; no copy of the command's bytes is made. */
  static byte[] encode(Command c) {
    BufferRecycler recycler = FACTORY._getBufferRecycler();
    try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
      try (JsonGenerator g = new HeaderWriter(FACTORY.createGenerator(out), ignorable(c))) {
        COMMAND_WRITER.writeValue(g, c);
      }
      return out.getClearAndRelease();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      recycler.releaseToPool();
    }
  }

  /**
   * Reads one log entry, strictly. An entry without a header is format 0, the unversioned JSON
   * written before the header existed, and is read as today's records.
   */
  static Command decode(InputStream in) throws LogFormatException {
    Header h = Header.UNREAD;
    try (JsonParser p = JSON.createParser(in)) {
      h = readHeader(p, true);
      if (h.format() > FORMAT) throw newer(h);
      if (p.currentToken() != JsonToken.FIELD_NAME || !TYPE_FIELD.equals(p.currentName())) {
        throw new LogFormatException(h.format(), h.ignorable(), "no command type (\"@\") after the format header");
      }
      Command c = COMMAND_READER.readValue(p);
      expectEnd(p, h);
      return c;
    } catch (LogFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new LogFormatException(h.format(), h.ignorable(), describe(e), e);
    }
  }

  /**
   * The command type an entry names at its top level ("batch", "kv-set", ...), or "unknown":
   * only for the log line about an entry that {@link #decode} refused.
   */
  static String entryType(InputStream in) {
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return "unknown";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (TYPE_FIELD.equals(name) && value == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
      }
    } catch (IOException e) {
      // Not JSON at all: the refusal already says why; there is no type to report.
    }
    return "unknown";
  }

  static byte[] encodeOutcomes(List<Outcome> outcomes) {
    try {
      return JSON.writeValueAsBytes(outcomes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Outcome> decodeOutcomes(byte[] bytes) throws IOException {
    return OUTCOMES_READER.readValue(bytes);
  }

  /** Writes the image, header first, and flushes; leaves {@code out} open (the caller still syncs it). */
  static void writeImage(Image image, OutputStream out) throws IOException {
    JsonGenerator raw = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator g = new HeaderWriter(raw, false)) {
      JSON.writeValue(g, image);
    }
  }

  /** Reads an image, strictly; one without a header is format 0, as for log entries. */
  static Image readImage(InputStream in) throws LogFormatException {
    Header h = Header.UNREAD;
    try (JsonParser p = JSON.createParser(in)) {
      h = readHeader(p, false);
      if (h.format() > FORMAT) throw newer(h);
      if (p.currentToken() != JsonToken.FIELD_NAME) throw new LogFormatException(h.format(), false, "an empty image");
      Image image = IMAGE_READER.readValue(p);
      expectEnd(p, h);
      return image;
    } catch (LogFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new LogFormatException(h.format(), false, describe(e), e);
    }
  }

  private record Header(int format, boolean ignorable) {
    static final Header UNREAD = new Header(-1, false);
  }

  /**
   * Reads the opening brace and the header, leaving the parser on the first token after it.
   * {@code "v"} and {@code "ignorable"} open every entry of every version, so that any older
   * server can tell a newer entry, and whether it may skip it, before reading anything else.
   */
  private static Header readHeader(JsonParser p, boolean mayBeIgnorable) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) throw new LogFormatException(-1, false, "not a JSON object");
    if (p.nextToken() != JsonToken.FIELD_NAME || !VERSION_FIELD.equals(p.currentName())) return new Header(0, false);
    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() < 1) {
      throw new LogFormatException(-1, false, "format version " + p.getText() + " is not a number from 1 up");
    }
    int format = p.getIntValue();
    boolean ignorable = false;
    if (p.nextToken() == JsonToken.FIELD_NAME && mayBeIgnorable && IGNORABLE_FIELD.equals(p.currentName())) {
      JsonToken flag = p.nextToken();
      if (flag != JsonToken.VALUE_TRUE && flag != JsonToken.VALUE_FALSE) throw new LogFormatException(format, false, "\"ignorable\" is not true or false");
      ignorable = flag == JsonToken.VALUE_TRUE;
      p.nextToken();
    }
    return new Header(format, ignorable);
  }

  private static LogFormatException newer(Header h) {
    return new LogFormatException(h.format(), h.ignorable(),
        "format " + h.format() + " is newer than this server reads (up to " + FORMAT + ")");
  }

  private static void expectEnd(JsonParser p, Header h) throws IOException {
    if (p.nextToken() != null) throw new LogFormatException(h.format(), h.ignorable(), "data after the end of the entry");
  }

  /** One line on what the reader did not know: the part an operator can act on. */
  private static String describe(IOException e) {
    if (e instanceof InvalidTypeIdException t) {
      return t.getTypeId() == null ? "a command without a type" : "unknown command type \"" + t.getTypeId() + "\"";
    }
    if (e instanceof PropertyBindingException u) {
      return "unknown field \"" + u.getPropertyName() + "\" in " + u.getReferringClass().getSimpleName();
    }
    if (e instanceof JsonProcessingException j) return j.getOriginalMessage();
    return e.toString();
  }

  /**
   * Writes the header right after the opening brace of the root object, so that the command or
   * image that follows is written straight into the same object: no second buffer, no copy.
   */
  private static final class HeaderWriter extends JsonGeneratorDelegate {
    private final boolean ignorable;
    private boolean written;

    HeaderWriter(JsonGenerator out, boolean ignorable) {
      super(out);
      this.ignorable = ignorable;
    }

    @Override
    public void writeStartObject() throws IOException {
      super.writeStartObject();
      header();
    }

    @Override
    public void writeStartObject(Object forValue) throws IOException {
      super.writeStartObject(forValue);
      header();
    }

    @Override
    public void writeStartObject(Object forValue, int size) throws IOException {
      super.writeStartObject(forValue, size);
      header();
    }

    private void header() throws IOException {
      if (written) return;
      written = true;
      delegate.writeNumberField(VERSION_FIELD, FORMAT);
      if (ignorable) delegate.writeBooleanField(IGNORABLE_FIELD, true);
    }
  }
}
