package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Snapshot restore bodies for {@link HttpFuzzTest}: random bytes, gzip'd random bytes, a gzip
 * bomb, cut gzip, and a real snapshot bent record by record or byte by byte. The real snapshot
 * holds the canaries; a bent one that would still restore with a canary changed or gone is drawn
 * again, so that any change to a canary is the server's doing.
 */
final class HttpFuzzSnapshots {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LISTS = List.of("kv", "nodes", "services", "checks");

  private final Random r;
  private final ObjectNode base;
  private final byte[] bomb;

  /** {@code base} is a snapshot document (un-gzipped) saved once the canaries were written. */
  HttpFuzzSnapshots(Random r, ObjectNode base) {
    this.r = r;
    this.base = base;
    // ~30 MB of whitespace, then a valid document: a few tens of kilobytes of gzip.
    this.bomb = gzip(HttpFuzzInputs.concat(" ".repeat(30 * 1024 * 1024).getBytes(), bytesOf(base)));
  }

  byte[] next() {
    while (true) {
      byte[] body = switch (r.nextInt(9)) {
        case 0 -> HttpFuzzInputs.bytes(r, r.nextInt(3000));
        case 1 -> gzip(HttpFuzzInputs.bytes(r, r.nextInt(3000)));
        case 2 -> r.nextInt(10) == 0 ? bomb : gzip(bytesOf(base));
        case 3 -> {
          byte[] whole = gzip(bytesOf(base));
          yield java.util.Arrays.copyOf(whole, r.nextInt(whole.length));
        }
        case 4 -> HttpFuzzInputs.mutate(r, gzip(bytesOf(base)));
        case 5, 6 -> bentRecord();
        default -> bentBytes();
      };
      if (body != null) return body;
    }
  }

  /** One record (never a canary's) with a field nulled, emptied, retyped or removed; or one record more. */
  private byte[] bentRecord() {
    ObjectNode doc = base.deepCopy();
    ObjectNode state = (ObjectNode) doc.get("State");
    ArrayNode list = (ArrayNode) state.get(LISTS.get(r.nextInt(LISTS.size())));
    List<ObjectNode> candidates = new ArrayList<>();
    list.forEach(n -> {
      if (!n.toString().contains("canary")) candidates.add((ObjectNode) n);
    });
    if (candidates.isEmpty()) return null;
    ObjectNode victim = candidates.get(r.nextInt(candidates.size()));
    switch (r.nextInt(5)) {
      case 0 -> list.add(victim.deepCopy());
      case 1 -> list.add(ghostOf(victim));
      case 2 -> victim.remove(fieldOf(victim));
      default -> victim.set(fieldOf(victim), pickValue());
    }
    if (r.nextInt(10) == 0) state.set(pickTop(state), pickValue());
    return gzip(bytesOf(doc));
  }

  private byte[] bentBytes() {
    byte[] json = HttpFuzzInputs.mutate(r, bytesOf(base));
    try {
      JsonNode parsed = JSON.readTree(json);
      if (!canariesIntact(parsed)) return null;
    } catch (IOException unparseable) {
      // The server cannot parse it either: refused, canaries untouched.
    }
    return gzip(json);
  }

  /** Every canary record of the base is in the document as it was, and no other record names one. */
  private boolean canariesIntact(JsonNode doc) {
    JsonNode state = doc.path("State");
    for (String name : LISTS) {
      List<JsonNode> want = new ArrayList<>();
      base.get("State").get(name).forEach(n -> {
        if (n.toString().contains("canary")) want.add(n);
      });
      List<JsonNode> have = new ArrayList<>();
      state.path(name).forEach(n -> {
        if (n.toString().contains("canary")) have.add(n);
      });
      if (!have.equals(want)) return false;
    }
    return true;
  }

  private ObjectNode ghostOf(ObjectNode victim) {
    ObjectNode ghost = victim.deepCopy();
    ghost.put(fieldOf(ghost), "fz-ghost-" + r.nextInt(10));
    return ghost;
  }

  private String fieldOf(ObjectNode o) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) names.add(it.next());
    return names.isEmpty() ? "name" : names.get(r.nextInt(names.size()));
  }

  private String pickTop(ObjectNode state) {
    return r.nextBoolean() ? fieldOf(state) : "kv";
  }

  private JsonNode pickValue() {
    return switch (r.nextInt(9)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.getNodeFactory().textNode("");
      case 2 -> JSON.getNodeFactory().textNode("fz\u0000nul");
      case 3 -> JSON.getNodeFactory().numberNode(-1);
      case 4 -> JSON.getNodeFactory().textNode("x".repeat(2000));
      case 5 -> JSON.createArrayNode().addNull();
      case 6 -> JSON.createObjectNode().putNull("k");
      case 7 -> JSON.getNodeFactory().textNode("!!not base64");
      default -> JSON.getNodeFactory().numberNode(Long.MAX_VALUE);
    };
  }

  private static byte[] bytesOf(JsonNode doc) {
    try {
      return JSON.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
