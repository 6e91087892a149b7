package dev.modelscan.api.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** An unbuffered stream over a {@link ByteSource}, from a position to the end. */
final class ByteSourceInputStream extends InputStream {
  private final ByteSource source;
  private long position;
  private long mark;
  private final byte[] one = new byte[1];

  ByteSourceInputStream(ByteSource source, long position) {
    this.source = Objects.requireNonNull(source, "source");
    this.position = position;
    this.mark = position;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n = source.read(position, b, off, len);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, source.size() - position));
    position += k;
    return k;
  }

  @Override
  public int available() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, source.size() - position));
  }

  @Override
  public boolean markSupported() {
    return true;
  }

  @Override
  public synchronized void mark(int readlimit) {
    mark = position;
  }

  @Override
  public synchronized void reset() {
    position = mark;
  }
}
