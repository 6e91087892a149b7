package dev.modelscan.api.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A {@link ByteSource} over a region of a file, read with positional reads on one shared channel (thread-safe, no
 * shared file pointer).
 */
final class FileByteSource implements ByteSource {
  /** The most bytes asked of the channel in one call. */
  static final int MAX_CHUNK = 256 * 1024;

  private final FileChannel channel;
  private final long start;
  private final long length;
  private final boolean owner;

  private FileByteSource(FileChannel channel, long start, long length, boolean owner) {
    this.channel = channel;
    this.start = start;
    this.length = length;
    this.owner = owner;
  }

  static FileByteSource open(Path file) throws IOException {
    // Only a regular file has a size that is its content. Opening a FIFO blocks until some process writes to it (a
    // scan named on one hung for ever); a pipe or device reports size 0, so its content was taken as empty and
    // "complete" without a byte read. The check is made before opening, because the open itself is what blocks.
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attrs.isRegularFile()) {
      throw new IOException(
          file + " is not a regular file (" + (attrs.isDirectory() ? "a directory" : "a pipe, socket or device")
              + "): it has no fixed size to read by position; read it as a stream");
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      // Kernel files (/proc, /sys) say size 0 and still have content: taking the size would report them empty.
      if (size == 0 && ch.read(ByteBuffer.allocate(1), 0) > 0) {
        throw new IOException(
            file + " reports size 0 but has content (a kernel file such as /proc/...): read it as a stream");
      }
      return new FileByteSource(ch, 0, size, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public int read(long position, byte[] buffer, int offset, int len) throws IOException {
    Objects.checkFromIndexSize(offset, len, buffer.length);
    if (position < 0) {
      throw new IndexOutOfBoundsException("negative position " + position);
    }
    if (position >= length) {
      return len == 0 ? 0 : -1;
    }
    int want = (int) Math.min(len, length - position);
    int total = 0;
    while (total < want) {
      // At most MAX_CHUNK per system call: the JDK copies a heap buffer through a temporary direct buffer as large
      // as the request and keeps it per thread, outside the heap limit. One 40 MiB read cost 40 MiB of native memory
      // for the thread's lifetime and failed outright under a small -XX:MaxDirectMemorySize.
      ByteBuffer dst = ByteBuffer.wrap(buffer, offset + total, Math.min(MAX_CHUNK, want - total));
      int n = channel.read(dst, start + position + total);
      if (n < 0) {
        break; // the file shrank under us; report what we have
      }
      total += n;
    }
    return total == 0 && want > 0 ? -1 : total;
  }

  @Override
  public ByteSource slice(long offset, long sliceLength) {
    Objects.checkFromIndexSize(offset, sliceLength, length);
    return new FileByteSource(channel, start + offset, sliceLength, false);
  }

  @Override
  public void close() throws IOException {
    if (owner) {
      channel.close();
    }
  }
}
