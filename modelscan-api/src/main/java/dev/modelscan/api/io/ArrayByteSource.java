package dev.modelscan.api.io;

import java.util.Objects;

/** A {@link ByteSource} over a region of an array. */
final class ArrayByteSource implements ByteSource {
  private final byte[] bytes;
  private final int start;
  private final int length;

  ArrayByteSource(byte[] bytes, int start, int length) {
    Objects.checkFromIndexSize(start, length, bytes.length);
    this.bytes = bytes;
    this.start = start;
    this.length = length;
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public int read(long position, byte[] buffer, int offset, int len) {
    Objects.checkFromIndexSize(offset, len, buffer.length);
    if (position < 0) {
      throw new IndexOutOfBoundsException("negative position " + position);
    }
    if (position >= length) {
      return len == 0 ? 0 : -1;
    }
    int n = (int) Math.min(len, length - position);
    System.arraycopy(bytes, start + (int) position, buffer, offset, n);
    return n;
  }

  @Override
  public ByteSource slice(long offset, long sliceLength) {
    Objects.checkFromIndexSize(offset, sliceLength, length);
    return new ArrayByteSource(bytes, start + (int) offset, (int) sliceLength);
  }
}
