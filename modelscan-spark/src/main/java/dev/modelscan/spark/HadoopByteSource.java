package dev.modelscan.spark;

import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A file on a Hadoop-compatible file system (HDFS, S3A, GCS, ABFS, local) as a {@link ByteSource}, read with
 * positional reads ({@link org.apache.hadoop.fs.PositionedReadable}). Nothing is copied to local disk and nothing is
 * read that a scanner does not ask for: the tensor data of a multi-gigabyte checkpoint stays where it is, and a stored
 * archive member is a slice of its archive.
 *
 * <p>The size is the one listed before the scan; the engine compares nothing after it, so a file that grows while it
 * is scanned is read up to that size only. Positional reads leave the stream's own position alone, which is what
 * makes concurrent reads safe (the {@code PositionedReadable} contract).
 */
final class HadoopByteSource implements ByteSource {

  /** Bytes per cached block: one request to an object store costs far more than reading 64 KiB more. */
  static final int BLOCK = 64 << 10;

  /** Blocks kept per file: a scanner moves between a few places (a header, a directory at the end, a pickle). */
  private static final int BLOCKS = 8;

  private final FSDataInputStream in;
  private final long start;
  private final long size;
  private final boolean owner;
  private final BlockCache cache;

  private HadoopByteSource(FSDataInputStream in, long start, long size, boolean owner, BlockCache cache) {
    this.in = in;
    this.start = start;
    this.size = size;
    this.owner = owner;
    this.cache = cache;
  }

  /**
   * The last blocks read from one file, shared by the file's slices. Scanners read in small pieces (an opcode's
   * argument, a header field); on HDFS or S3 each positional read is a request, so small reads are served from
   * whole aligned blocks. Bounded: {@value #BLOCKS} blocks of {@value #BLOCK} bytes per open file.
   */
  private static final class BlockCache {
    private final FSDataInputStream in;
    private final long fileSize;
    private final long[] ids = new long[BLOCKS];
    private final byte[][] blocks = new byte[BLOCKS][];
    private final int[] lengths = new int[BLOCKS];
    private int next;

    BlockCache(FSDataInputStream in, long fileSize) {
      this.in = in;
      this.fileSize = fileSize;
      java.util.Arrays.fill(ids, -1);
    }

    /** Copies up to {@code length} bytes at absolute {@code position}, all from one block; returns the count. */
    synchronized int read(long position, byte[] buffer, int offset, int length) throws IOException {
      long id = position / BLOCK;
      int slot = -1;
      for (int i = 0; i < BLOCKS; i++) {
        if (ids[i] == id) {
          slot = i;
          break;
        }
      }
      if (slot < 0) {
        slot = next;
        next = (next + 1) % BLOCKS;
        long from = id * BLOCK;
        int want = (int) Math.min(BLOCK, fileSize - from);
        if (blocks[slot] == null) {
          blocks[slot] = new byte[BLOCK];
        }
        int done = 0;
        while (done < want) {
          int n = in.read(from + done, blocks[slot], done, want - done);
          if (n < 0) {
            break;
          }
          done += n;
        }
        ids[slot] = done == 0 ? -1 : id;
        lengths[slot] = done;
        if (done == 0) {
          return -1;
        }
      }
      int within = (int) (position - id * BLOCK);
      int n = Math.min(length, lengths[slot] - within);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(blocks[slot], within, buffer, offset, n);
      return n;
    }
  }

  /**
   * A source over a whole open file; closing it closes the stream.
   *
   * @param in the open file
   * @param size the file's length as listed
   * @return the source
   */
  static HadoopByteSource of(FSDataInputStream in, long size) {
    Objects.requireNonNull(in, "in");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return new HadoopByteSource(in, 0, size, true, new BlockCache(in, size));
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    if (position >= size) {
      return -1;
    }
    int want = (int) Math.min(length, size - position);
    if (want == 0) {
      return 0;
    }
    // Small reads come from the block cache; large ones (a tensor region, a stored member) go straight to the file.
    // A short read is continued, so a scanner never mistakes a file system's partial answer for the end of the file.
    int done = 0;
    while (done < want) {
      int left = want - done;
      long at = start + position + done;
      int n =
          left >= BLOCK
              ? in.read(at, buffer, offset + done, left)
              : cache.read(at, buffer, offset + done, left);
      if (n < 0) {
        break;
      }
      done += n;
    }
    return done == 0 ? -1 : done;
  }

  @Override
  public ByteSource slice(long offset, long length) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + size + " bytes");
    }
    return new HadoopByteSource(in, start + offset, length, false, cache);
  }

  @Override
  public void close() throws IOException {
    if (owner) {
      in.close();
    }
  }
}
