package io.cairn.http;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads MessagePack values, as Consul writes its Raft snapshots (go-msgpack: Go structs as maps
 * keyed by field name, byte slices and strings both as raw strings). Values come back as plain
 * Java: {@code Map<String, Object>}, {@code List<Object>}, {@code byte[]} for every string or
 * binary (the caller knows which fields are text), {@code Long}, {@code Double},
 * {@code Boolean}, null, and {@link Ext} for extension types (Go times, which Cairn skips).
 * A length past what the input can hold is refused before anything is allocated for it.
 */
final class Msgpack {
  /** An extension value: its type and bytes. */
  record Ext(int type, byte[] data) {}

  /** Malformed input: a byte that starts no value, or a length past the end. */
  static final class FormatException extends IOException {
    FormatException(String message) {
      super(message);
    }
  }

  private final DataInputStream in;
  private long remaining;

  /** Reads from {@code in}, which holds at most {@code length} more bytes. */
  Msgpack(InputStream in, long length) {
    this.in = new DataInputStream(in);
    this.remaining = length;
  }

  long remaining() {
    return remaining;
  }

  /** The next byte (a record's type in Consul's snapshot), or -1 at the end. */
  int nextByte() throws IOException {
    if (remaining <= 0) return -1;
    int b = in.read();
    if (b < 0) throw new EOFException();
    remaining--;
    return b;
  }

  Object read() throws IOException {
    int b = u8();
    if (b <= 0x7f) return (long) b;
    if (b >= 0xe0) return (long) (byte) b;
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f);
    if (b >= 0x90 && b <= 0x9f) return array(b & 0x0f);
    if (b >= 0xa0 && b <= 0xbf) return bytes(b & 0x1f);
    return switch (b) {
      case 0xc0 -> null;
      case 0xc2 -> false;
      case 0xc3 -> true;
      case 0xc4, 0xd9 -> bytes(u8());
      case 0xc5, 0xda -> bytes(u16());
      case 0xc6, 0xdb -> bytes(u32());
      case 0xc7 -> ext(u8());
      case 0xc8 -> ext(u16());
      case 0xc9 -> ext(u32());
      case 0xca -> (double) Float.intBitsToFloat((int) take(4, () -> (long) in.readInt()));
      case 0xcb -> Double.longBitsToDouble(take(8, in::readLong));
      case 0xcc -> (long) u8();
      case 0xcd -> (long) u16();
      case 0xce -> u32();
      case 0xcf, 0xd3 -> take(8, in::readLong);  // a uint64 past 2^63 reads negative: no index gets there
      case 0xd0 -> (long) (byte) u8();
      case 0xd1 -> (long) (short) u16();
      case 0xd2 -> (long) (int) u32();
      case 0xd4 -> ext(1);
      case 0xd5 -> ext(2);
      case 0xd6 -> ext(4);
      case 0xd7 -> ext(8);
      case 0xd8 -> ext(16);
      case 0xdc -> array(u16());
      case 0xdd -> array(u32());
      case 0xde -> map(u16());
      case 0xdf -> map(u32());
      default -> throw new FormatException(String.format("byte 0x%02x starts no MessagePack value", b));
    };
  }

  private Map<String, Object> map(long n) throws IOException {
    check(n * 2);
    Map<String, Object> m = new LinkedHashMap<>();
    for (long i = 0; i < n; i++) {
      Object k = read();
      m.put(k instanceof byte[] bs ? new String(bs, StandardCharsets.UTF_8) : String.valueOf(k), read());
    }
    return m;
  }

  private List<Object> array(long n) throws IOException {
    check(n);
    List<Object> l = new ArrayList<>((int) Math.min(n, 1024));
    for (long i = 0; i < n; i++) l.add(read());
    return l;
  }

  private byte[] bytes(long n) throws IOException {
    check(n);
    byte[] b = new byte[(int) n];
    in.readFully(b);
    remaining -= n;
    return b;
  }

  private Ext ext(long n) throws IOException {
    int type = (byte) u8();
    return new Ext(type, bytes(n));
  }

  /** Every value takes at least one byte: a count past what is left cannot be real. */
  private void check(long n) throws FormatException {
    if (n < 0 || n > remaining || n > Integer.MAX_VALUE - 8) {
      throw new FormatException("a length of " + n + " runs past the end of the data");
    }
  }

  private int u8() throws IOException {
    return (int) take(1, () -> (long) in.readUnsignedByte());
  }

  private int u16() throws IOException {
    return (int) take(2, () -> (long) in.readUnsignedShort());
  }

  private long u32() throws IOException {
    return take(4, () -> in.readInt() & 0xffffffffL);
  }

  private interface Read {
    long get() throws IOException;
  }

  private long take(int n, Read r) throws IOException {
    if (remaining < n) throw new EOFException();
    long v = r.get();
    remaining -= n;
    return v;
  }
}
