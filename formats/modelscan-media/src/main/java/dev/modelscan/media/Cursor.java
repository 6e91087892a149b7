package dev.modelscan.media;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.io.ByteSource;
import java.io.IOException;

/**
 * A buffered, forward-moving reader over a {@link ByteSource} for the structural walks: reads a 64 KiB window at a
 * time, so that walking every byte of an image costs one system call per window, not per byte. Running past the end
 * is a {@link MalformedContentException} naming what was being read.
 */
final class Cursor {
  private static final int WINDOW = 64 * 1024;

  private final ByteSource source;
  private final long size;
  private final byte[] buf;
  private long bufStart;
  private int bufLen;
  private long pos;

  Cursor(ByteSource source, long start) {
    this.source = source;
    this.size = source.size();
    this.buf = new byte[(int) Math.max(16, Math.min(WINDOW, size))];
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

  void seek(long to) {
    pos = to;
  }

  /** The next byte as 0..255, or -1 at the end. */
  int peek() throws IOException {
    if (pos >= size) {
      return -1;
    }
    if (pos < bufStart || pos >= bufStart + bufLen) {
      bufStart = pos;
      bufLen = (int) Math.min(buf.length, size - pos);
      source.readFully(pos, buf, 0, bufLen);
    }
    return buf[(int) (pos - bufStart)] & 0xFF;
  }

  int u8(String what) throws IOException {
    int b = peek();
    if (b < 0) {
      throw new MalformedContentException(pos, "truncated: the content ends inside " + what);
    }
    pos++;
    return b;
  }

  int u16be(String what) throws IOException {
    return (u8(what) << 8) | u8(what);
  }

  int u16le(String what) throws IOException {
    return u8(what) | (u8(what) << 8);
  }

  long u32be(String what) throws IOException {
    return ((long) u16be(what) << 16) | u16be(what);
  }

  long u32le(String what) throws IOException {
    return u16le(what) | ((long) u16le(what) << 16);
  }

  void skip(long n, String what) throws MalformedContentException {
    if (n < 0 || n > size - pos) {
      throw new MalformedContentException(
          pos, "truncated: " + what + " claims " + n + " bytes but " + (size - pos) + " remain");
    }
    pos += n;
  }

  /** Feeds {@code n} bytes from the current position to {@code sink} and moves past them. */
  void feed(long n, java.util.zip.Checksum sink, String what) throws IOException {
    if (n < 0 || n > size - pos) {
      throw new MalformedContentException(
          pos, "truncated: " + what + " claims " + n + " bytes but " + (size - pos) + " remain");
    }
    byte[] chunk = new byte[(int) Math.min(WINDOW, Math.max(1, n))];
    long done = 0;
    while (done < n) {
      int k = (int) Math.min(chunk.length, n - done);
      source.readFully(pos + done, chunk, 0, k);
      sink.update(chunk, 0, k);
      done += k;
    }
    pos += n;
  }
}
