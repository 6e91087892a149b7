package dev.modelscan.core;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Bytes read from a stream that only exists once (a decompressed member, a caller's stream), kept in memory while
 * small and in a temporary file once they pass {@link #MEMORY_THRESHOLD}, so that a large member never sits on the
 * heap.
 */
final class Spool implements AutoCloseable {

  /**
   * Spools up to this size stay in memory: 8 MiB, or less in a small heap (1/32 of the maximum heap, at least 1 MiB),
   * because every thread can hold a spool per nesting level at once: with two threads, a gzip in a zip in a tar and
   * -Xmx64m, 8 MiB spools alone could take the heap.
   */
  static final int MEMORY_THRESHOLD =
      (int) Math.min(8 << 20, Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 32));

  private byte[] buffer = new byte[8192];
  private int used;
  private Path file;
  private OutputStream fileOut;
  private long size;
  private ByteSource source;

  /** Why reading stopped early, or null when the stream ended. */
  enum Stop {
    MEMBER_BYTES,
    TOTAL_BYTES,
    RATIO
  }

  long size() {
    return size;
  }

  /**
   * Reads the stream until it ends or a bound is reached.
   *
   * @param in the stream
   * @param maxBytes stop before going past this many bytes
   * @param totalBudget stop before going past this many bytes (the input file's remaining decompression budget)
   * @param maxRatioBytes stop once past this many bytes (ratio × compressed size), or Long.MAX_VALUE
   * @return why it stopped early, or null when the stream ended within the bounds
   */
  Stop fill(InputStream in, long maxBytes, long totalBudget, long maxRatioBytes) throws IOException {
    byte[] chunk = new byte[64 * 1024];
    while (true) {
      long room = Math.min(maxBytes, totalBudget) - size;
      if (room <= 0) {
        // One more byte decides whether the stream was exactly at the bound or beyond it.
        if (in.read() < 0) {
          return null;
        }
        return maxBytes <= totalBudget ? Stop.MEMBER_BYTES : Stop.TOTAL_BYTES;
      }
      int n = in.read(chunk, 0, (int) Math.min(chunk.length, room));
      if (n < 0) {
        return null;
      }
      append(chunk, n);
      if (size > maxRatioBytes) {
        return Stop.RATIO;
      }
    }
  }

  private void append(byte[] chunk, int n) throws IOException {
    if (fileOut == null && used + n > MEMORY_THRESHOLD) {
      // No deleteOnExit: the JVM keeps every registered name until it exits, one entry per spooled member, which in a
      // long-running embedder grew without end. close() deletes the file, and every caller closes in a finally.
      file = Files.createTempFile("modelscan-", ".spool");
      fileOut = Files.newOutputStream(file);
      fileOut.write(buffer, 0, used);
      buffer = null;
    }
    if (fileOut != null) {
      fileOut.write(chunk, 0, n);
    } else {
      if (used + n > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(used + n, Math.min(MEMORY_THRESHOLD, buffer.length * 2)));
      }
      System.arraycopy(chunk, 0, buffer, used, n);
      used += n;
    }
    size += n;
  }

  /** The spooled bytes; valid until {@link #close()}. */
  ByteSource source() throws IOException {
    if (source == null) {
      if (fileOut != null) {
        fileOut.close();
        fileOut = null;
        source = ByteSource.open(file);
      } else {
        // A view of the filled part, not a copy: copying would briefly need the member's size twice more.
        source = ByteSource.wrap(buffer).slice(0, used);
        buffer = null;
      }
    }
    return source;
  }

  /**
   * Closes the spool and deletes its temporary file, if any; the file is gone even when closing a stream fails.
   */
  @Override
  public void close() throws IOException {
    try {
      if (fileOut != null) {
        fileOut.close();
      }
    } finally {
      try {
        if (source != null) {
          source.close();
        }
      } finally {
        if (file != null) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The temporary file, or null while the bytes are in memory; for tests. */
  Path file() {
    return file;
  }
}
