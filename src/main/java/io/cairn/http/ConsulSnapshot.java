package io.cairn.http;

import io.cairn.state.Command;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot written by Consul ({@code consul snapshot save}): a tar (already inflated here)
 * of {@code meta.json}, {@code state.bin} and {@code SHA256SUMS}. Both files are read whole and
 * checked against their sums before anything is sent, so a truncated or altered file changes
 * nothing. {@code state.bin} is Consul's FSM snapshot: a MessagePack header, then records, each
 * a type byte and one value; {@link ConsulRecords} maps them to Cairn's, sent on in parts as a
 * Cairn restore is. docs/snapshots.md.
 */
public final class ConsulSnapshot {
  private static final int BLOCK = 512;
  private static final long MAX_META_BYTES = 1024 * 1024;
  private static final Pattern SUM_LINE = Pattern.compile("^([0-9a-fA-F]{64}) [ *](.+)$");

  private ConsulSnapshot() {}

  /** How much of the inflated upload {@link #isTar} looks at: one tar header. */
  static final int HEADER_BYTES = BLOCK;

  /** Whether the inflated upload starts with a tar header (its "ustar" magic), as Consul's snapshots do. */
  public static boolean isTar(byte[] head) {
    return head.length == BLOCK && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
  }

  /** Reads, checks, and sends the snapshot's records in parts, the last one marked; returns what was and was not imported. */
  static ConsulRecords.Report read(InputStream tar, String restoreId, String localDc, Consumer<Command.RestoreChunk> out)
      throws IOException {
    return withRecords(tar, (meta, records, size) -> decode(records, restoreId, localDc, out));
  }

  /** What {@code cairn snapshot inspect} shows of a Consul snapshot: meta.json, and per record type a count and bytes. */
  public record Summary(com.fasterxml.jackson.databind.JsonNode meta, long stateBytes,
                        java.util.Map<String, long[]> records) {}

  /** Reads and checks a Consul snapshot (inflated), counting its records by type; sends nothing. */
  public static Summary inspect(InputStream tar) throws IOException {
    return withRecords(tar, (meta, m, size) -> {
      java.util.Map<String, long[]> records = new java.util.LinkedHashMap<>();
      for (int type; (type = m.nextByte()) >= 0; ) {
        long before = m.remaining();
        m.read();
        long[] c = records.computeIfAbsent(ConsulRecords.kind(type & 0x7f), k -> new long[2]);
        c[0]++;
        c[1] += before - m.remaining() + 1;
      }
      return new Summary(meta, size, records);
    });
  }

  /** What to do with a checked snapshot: its meta.json, state.bin's records past the header, state.bin's size. */
  private interface RecordsReader<T> {
    T read(com.fasterxml.jackson.databind.JsonNode meta, Msgpack records, long size) throws IOException;
  }

  /**
   * The archive read whole and checked against its sums (state.bin in a temporary file, gone
   * after), meta.json parsed, state.bin's header checked; then {@code reader} on its records.
   */
  private static <T> T withRecords(InputStream tar, RecordsReader<T> reader) throws IOException {
    Path state = Files.createTempFile("cairn-consul-snapshot-", ".bin");
    try {
      Archive a = readArchive(tar, state);
      a.verify();
      com.fasterxml.jackson.databind.JsonNode meta;
      try {
        meta = Wire.JSON.readTree(a.meta);
      } catch (IOException e) {
        throw invalid("meta.json is not JSON");
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(state), 64 * 1024)) {
        Msgpack records = new Msgpack(in, a.stateSize);
        if (!(records.read() instanceof Map<?, ?> header) || !header.containsKey("LastIndex")) {
          throw invalid("state.bin does not start with Consul's snapshot header");
        }
        return reader.read(meta, records, a.stateSize);
      } catch (EOFException e) {
        throw invalid("state.bin ends in the middle of a record");
      } catch (Msgpack.FormatException e) {
        throw invalid("state.bin: " + e.getMessage());
      }
    } finally {
      Files.deleteIfExists(state);
    }
  }

  /** The records past the header, mapped and sent in parts. */
  private static ConsulRecords.Report decode(Msgpack in, String restoreId, String localDc, Consumer<Command.RestoreChunk> out)
      throws IOException {
    ConsulRecords records = new ConsulRecords(localDc);
    int seq = 0;
    long partStart = in.remaining();
    for (int type; (type = in.nextByte()) >= 0; ) {
      records.add(type & 0x7f, in.read());
      if (partStart - in.remaining() >= RestoreUpload.PART_BYTES) {
        out.accept(new Command.RestoreChunk(restoreId, seq++, records.takePart(), false));
        partStart = in.remaining();
      }
    }
    out.accept(new Command.RestoreChunk(restoreId, seq, records.takePart(), true));
    return records.report();
  }

  /** The archive's three files: meta.json in memory, state.bin in a file, and each one's SHA-256 as read. */
  private static final class Archive {
    byte[] meta;
    long stateSize = -1;
    String sums;
    final Map<String, byte[]> digests = new HashMap<>();

    void verify() {
      if (meta == null) throw invalid("meta.json missing");
      if (stateSize < 0) throw invalid("state.bin missing");
      if (sums == null) throw invalid("SHA256SUMS missing");
      Map<String, String> listed = new HashMap<>();
      for (String line : sums.split("\n")) {
        if (line.isBlank()) continue;
        Matcher m = SUM_LINE.matcher(line.strip());
        if (!m.matches()) throw invalid("SHA256SUMS has a line that is not a sum and a name");
        listed.put(m.group(2), m.group(1).toLowerCase(java.util.Locale.ROOT));
      }
      for (String file : new String[] {"meta.json", "state.bin"}) {
        String want = listed.get(file);
        if (want == null) throw invalid("SHA256SUMS lists no sum for " + file);
        if (!want.equals(HexFormat.of().formatHex(digests.get(file)))) throw invalid("checksum mismatch for " + file);
      }
    }
  }

  private static Archive readArchive(InputStream tar, Path state) throws IOException {
    Archive a = new Archive();
    byte[] header = new byte[BLOCK];
    while (true) {
      if (!readBlock(tar, header)) throw invalid("the archive ends early");
      if (allZero(header)) break;
      String name = text(header, 0, 100);
      long size = octal(header, 124, 12);
      char kind = (char) header[156];
      if (kind != '0' && kind != '\0') {
        skip(tar, padded(size));
        continue;  // a directory or a link: Consul writes none, and nothing in one is read
      }
      MessageDigest sha = sha256();
      switch (name) {
        case "meta.json" -> {
          if (size > MAX_META_BYTES) throw invalid("meta.json is larger than " + MAX_META_BYTES + " bytes");
          a.meta = readFully(tar, (int) size, sha);
        }
        case "state.bin" -> {
          try (OutputStream out = Files.newOutputStream(state)) {
            copy(tar, out, size, sha);
          }
          a.stateSize = size;
        }
        case "SHA256SUMS" -> {
          if (size > MAX_META_BYTES) throw invalid("SHA256SUMS is larger than " + MAX_META_BYTES + " bytes");
          a.sums = new String(readFully(tar, (int) size, sha), StandardCharsets.UTF_8);
        }
        default -> throw invalid("unexpected file \"" + name + "\" in the archive");
      }
      a.digests.put(name, sha.digest());
      skip(tar, padded(size) - size);
    }
    return a;
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("Invalid Consul snapshot: " + why);
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) return false;
    if (n < BLOCK) throw invalid("the archive ends early");
    return true;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  private static String text(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) end++;
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len) {
    String s = text(h, off, len).trim();
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw invalid("a file size in the archive is not a number");
    }
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static byte[] readFully(InputStream in, int size, MessageDigest sha) throws IOException {
    byte[] b = in.readNBytes(size);
    if (b.length < size) throw invalid("the archive ends early");
    sha.update(b);
    return b;
  }

  private static void copy(InputStream in, OutputStream out, long size, MessageDigest sha) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) throw invalid("the archive ends early");
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) throw invalid("the archive ends early");
        s = 1;
      }
      left -= s;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
