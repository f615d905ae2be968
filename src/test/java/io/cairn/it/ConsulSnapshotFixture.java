package io.cairn.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a snapshot in Consul's format from its documented layout (Consul's snapshot/archive.go
 * and agent/consul/fsm/snapshot*.go), with contents the test knows: a gzip'd tar of meta.json,
 * state.bin and SHA256SUMS; state.bin a MessagePack header ({LastIndex}) then records, each a
 * message-type byte and one value, Go structs as maps by field name, strings and byte slices
 * as raw strings (go-msgpack's old str format), embedded RaftIndex fields inline.
 */
final class ConsulSnapshotFixture {
  private final ByteArrayOutputStream state = new ByteArrayOutputStream();

  ConsulSnapshotFixture(long lastIndex) {
    value(Map.of("LastIndex", lastIndex));
  }

  /** One record: Consul's message type and the struct. */
  ConsulSnapshotFixture record(int type, Object value) {
    state.write(type);
    value(value);
    return this;
  }

  /** Raw bytes appended to state.bin (to make it malformed). */
  ConsulSnapshotFixture raw(int... bytes) {
    for (int b : bytes) state.write(b);
    return this;
  }

  byte[] stateBin() {
    return state.toByteArray();
  }

  /** The archive with the sums as computed. */
  byte[] archive() throws Exception {
    byte[] meta = "{\"Version\":1,\"ID\":\"2-120-1733390000000\",\"Index\":120,\"Term\":2}".getBytes(StandardCharsets.UTF_8);
    return archive(meta, stateBin(), null);
  }

  /** The archive, with {@code sums} as given (null: computed from the files given). */
  static byte[] archive(byte[] meta, byte[] stateBin, String sums) throws Exception {
    if (sums == null) sums = sha(meta) + "  meta.json\n" + sha(stateBin) + "  state.bin\n";
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    entry(tar, "meta.json", meta);
    entry(tar, "state.bin", stateBin);
    if (!sums.isEmpty()) entry(tar, "SHA256SUMS", sums.getBytes(StandardCharsets.UTF_8));
    tar.write(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    return gz.toByteArray();
  }

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static void entry(ByteArrayOutputStream tar, String name, byte[] data) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000600");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", data.length));
    put(h, 136, String.format("%011o", 1733390000L));
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    tar.write(h);
    tar.write(data);
    int pad = (512 - data.length % 512) % 512;
    tar.write(new byte[pad]);
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  /** A Go struct or map: keys in the order given. */
  static Map<String, Object> struct(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  /** An extension value (a Go time.Time, as Consul's ACL tokens carry). */
  record Ext(int type, byte[] data) {}

  private void value(Object v) {
    switch (v) {
      case null -> state.write(0xc0);
      case Boolean b -> state.write(b ? 0xc3 : 0xc2);
      case Integer i -> integer(i);
      case Long l -> integer(l);
      case Double d -> {
        state.write(0xcb);
        long bits = Double.doubleToLongBits(d);
        for (int s = 56; s >= 0; s -= 8) state.write((int) (bits >>> s));
      }
      case String s -> raw(s.getBytes(StandardCharsets.UTF_8));
      case byte[] b -> raw(b);
      case Ext e -> {
        state.write(0xc7);
        state.write(e.data().length);
        state.write(e.type());
        state.writeBytes(e.data());
      }
      case Map<?, ?> m -> {
        header(0x80, 0xde, 0xdf, m.size());
        m.forEach((k, x) -> {
          value(k);
          value(x);
        });
      }
      case List<?> l -> {
        header(0x90, 0xdc, 0xdd, l.size());
        l.forEach(this::value);
      }
      default -> throw new IllegalArgumentException("no MessagePack form for " + v.getClass());
    }
  }

  private void integer(long n) {
    if (n >= 0 && n <= 0x7f) {
      state.write((int) n);
    } else if (n >= 0 && n <= 0xffff) {
      state.write(0xcd);
      state.write((int) (n >>> 8));
      state.write((int) n);
    } else {
      state.write(n < 0 ? 0xd3 : 0xcf);
      for (int s = 56; s >= 0; s -= 8) state.write((int) (n >>> s));
    }
  }

  /** go-msgpack writes strings and byte slices alike as raw strings: fixstr, str8 is newer; str16/32. */
  private void raw(byte[] b) {
    if (b.length < 32) {
      state.write(0xa0 | b.length);
    } else if (b.length <= 0xffff) {
      state.write(0xda);
      state.write(b.length >>> 8);
      state.write(b.length);
    } else {
      state.write(0xdb);
      for (int s = 24; s >= 0; s -= 8) state.write(b.length >>> s);
    }
    state.writeBytes(b);
  }

  private void header(int fix, int c16, int c32, int n) {
    if (n < 16) {
      state.write(fix | n);
    } else if (n <= 0xffff) {
      state.write(c16);
      state.write(n >>> 8);
      state.write(n);
    } else {
      state.write(c32);
      for (int s = 24; s >= 0; s -= 8) state.write(n >>> s);
    }
  }
}
