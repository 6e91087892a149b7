package dev.modelscan.archive;

import dev.modelscan.api.io.ByteSource;
import java.io.EOFException;
import java.io.IOException;

/**
 * A read cache over a {@link ByteSource} for walks that read many small records close together (a zip's central
 * directory, the local headers of small members): one positional read per 8 KiB instead of four per record. Blocks
 * are small because the local headers of tensor storages lie far apart, and every byte read beyond a header is
 * wasted I/O on a cold file.
 */
final class Window {
  private static final int BLOCK = 8 * 1024;

  private final ByteSource source;
  private final byte[] block = new byte[BLOCK];
  private long blockStart = -1;
  private int blockLength;

  Window(ByteSource source) {
    this.source = source;
  }

  /** Reads exactly {@code length} bytes at {@code position} into a new array. */
  byte[] read(long position, int length) throws IOException {
    if (position < 0 || length < 0 || position > source.size() || length > source.size() - position) {
      throw new EOFException("wanted " + length + " bytes at " + position + " of " + source.size());
    }
    if (length > BLOCK / 2) {
      return source.readBytes(position, length);
    }
    if (blockStart < 0 || position < blockStart || position + length > blockStart + blockLength) {
      blockStart = position;
      blockLength = (int) Math.min(BLOCK, source.size() - position);
      source.readFully(position, block, 0, blockLength);
    }
    byte[] out = new byte[length];
    System.arraycopy(block, (int) (position - blockStart), out, 0, length);
    return out;
  }

  /** The unsigned 32-bit little-endian value at {@code position}, or -1 when fewer than 4 bytes remain. */
  long u32(long position) throws IOException {
    if (position < 0 || position + 4 > source.size()) {
      return -1;
    }
    return Bytes.u32(read(position, 4), 0);
  }
}
