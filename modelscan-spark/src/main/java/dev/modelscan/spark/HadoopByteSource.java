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

  private final FSDataInputStream in;
  private final long start;
  private final long size;
  private final boolean owner;

  private HadoopByteSource(FSDataInputStream in, long start, long size, boolean owner) {
    this.in = in;
    this.start = start;
    this.size = size;
    this.owner = owner;
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
    return new HadoopByteSource(in, 0, size, true);
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
    // Some file systems return fewer bytes than asked for without being at the end; a short read is retried so that
    // a scanner never mistakes it for the end of the file.
    int done = 0;
    while (done < want) {
      int n = in.read(start + position + done, buffer, offset + done, want - done);
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
    return new HadoopByteSource(in, start + offset, length, false);
  }

  @Override
  public void close() throws IOException {
    if (owner) {
      in.close();
    }
  }
}
