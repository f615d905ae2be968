package io.cairn.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** A gzip'd POSIX ustar archive of regular files, written in one pass (what {@code cairn debug} leaves). */
final class TarGz implements AutoCloseable {
  private static final int BLOCK = 512;
  private final GZIPOutputStream out;
  private final long mtime = System.currentTimeMillis() / 1000;

  TarGz(OutputStream target) throws IOException {
    this.out = new GZIPOutputStream(target);
  }

  /** Adds a file; {@code name} is a relative path under 100 bytes, with '/' between directories. */
  void add(String name, byte[] content) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length >= 100) throw new IllegalArgumentException("archive path too long: " + name);
    byte[] h = new byte[BLOCK];
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, content.length);
    octal(h, 136, 12, mtime);
    h[156] = '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    octal(h, 148, 7, sum);
    h[155] = ' ';
    out.write(h);
    out.write(content);
    int pad = (BLOCK - content.length % BLOCK) % BLOCK;
    out.write(new byte[pad]);
  }

  /** {@code width - 1} octal digits, zero-padded, then NUL. */
  private static void octal(byte[] h, int at, int width, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > width - 1) throw new IllegalArgumentException("value too large for the tar header: " + value);
    s = "0".repeat(width - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, at, width - 1);
    h[at + width - 1] = 0;
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[BLOCK * 2]);
    out.close();
  }
}
