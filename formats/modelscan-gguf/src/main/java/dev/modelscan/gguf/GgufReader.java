package dev.modelscan.gguf;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A forward reader over a GGUF file with a small read window, so that a large file is read in few calls and tensor
 * data is never touched. Every read is checked against the end of the content before anything is allocated: a
 * length claim of 2^60 fails with {@link MalformedContentException}, it never reaches {@code new byte[]}.
 */
final class GgufReader {
  private static final int WINDOW = 64 * 1024;

  private final ByteSource source;
  private final long size;
  private final boolean bigEndian;
  private final byte[] window = new byte[WINDOW];
  private long windowStart = 0;
  private int windowLength = 0;
  private long pos;

  GgufReader(ByteSource source, long start, boolean bigEndian) {
    this.source = source;
    this.size = source.size();
    this.bigEndian = bigEndian;
    this.pos = start;
  }

  long position() {
    return pos;
  }

  long size() {
    return size;
  }

  long remaining() {
    return size - pos;
  }

  /** Fails unless {@code n} more bytes exist; {@code what} names the field for the message. */
  void require(long n, String what) {
    if (n < 0 || n > size - pos) {
      throw new MalformedContentException(
          pos, what + " needs " + Long.toUnsignedString(n) + " bytes but only " + (size - pos) + " remain");
    }
  }

  void skip(long n, String what) {
    require(n, what);
    pos += n;
  }

  private int byteAt(long p) throws IOException {
    if (p < windowStart || p >= windowStart + windowLength) {
      int len = (int) Math.min(WINDOW, size - p);
      source.readFully(p, window, 0, len);
      windowStart = p;
      windowLength = len;
    }
    return window[(int) (p - windowStart)] & 0xFF;
  }

  private long readLe(int n, String what) throws IOException {
    require(n, what);
    long v = 0;
    for (int i = 0; i < n; i++) {
      int b = byteAt(pos + i);
      if (bigEndian) {
        v = (v << 8) | b;
      } else {
        v |= ((long) b) << (8 * i);
      }
    }
    pos += n;
    return v;
  }

  int u8(String what) throws IOException {
    return (int) readLe(1, what);
  }

  long u32(String what) throws IOException {
    return readLe(4, what);
  }

  /** An unsigned 64-bit value; callers compare it with {@link Long#compareUnsigned} or reject negatives. */
  long u64(String what) throws IOException {
    return readLe(8, what);
  }

  /** Reads {@code n} bytes as UTF-8 (malformed sequences replaced); {@code n} must already be bounded. */
  String utf8(int n, String what) throws IOException {
    require(n, what);
    byte[] bytes = source.readBytes(pos, n);
    pos += n;
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
