package dev.modelscan.api.io;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Read-only random access to a fixed run of bytes: a file, a region of a file, or memory.
 *
 * <p>Scanners read only what they need, by position, and skip the rest: the tensor data of a multi-gigabyte checkpoint
 * is never read. A stored archive member is a {@link #slice} of its archive, never a copy.
 *
 * <p>Implementations are safe for concurrent positional reads. {@link #close()} releases the underlying file; slices
 * share their parent's file and closing a slice does nothing. Scanners never close the source they are given.
 *
 * @since 0.1
 */
public interface ByteSource extends Closeable {

  /**
   * The number of bytes.
   *
   * @return the size, never negative
   */
  long size();

  /**
   * Reads up to {@code length} bytes starting at {@code position}.
   *
   * @param position where to start, {@code 0 <= position}
   * @param buffer where to put the bytes
   * @param offset first index in {@code buffer}
   * @param length the most bytes to read
   * @return the number of bytes read, which is less than {@code length} only at the end; -1 when {@code position >=
   *     size()}
   * @throws IOException when the underlying file cannot be read
   */
  int read(long position, byte[] buffer, int offset, int length) throws IOException;

  /**
   * A view of {@code length} bytes starting at {@code offset}; no bytes are copied.
   *
   * @param offset start of the view, {@code 0 <= offset <= size()}
   * @param length length of the view, {@code offset + length <= size()}
   * @return the view
   * @throws IndexOutOfBoundsException when the range does not lie inside this source
   */
  ByteSource slice(long offset, long length);

  /**
   * Reads exactly {@code length} bytes starting at {@code position}.
   *
   * @param position where to start
   * @param buffer where to put the bytes
   * @param offset first index in {@code buffer}
   * @param length how many bytes
   * @throws EOFException when the source ends first
   * @throws IOException when the underlying file cannot be read
   */
  default void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int done = 0;
    while (done < length) {
      int n = read(position + done, buffer, offset + done, length - done);
      if (n < 0) {
        throw new EOFException(
            "wanted " + length + " bytes at offset " + position + " but the content has " + size() + " bytes");
      }
      done += n;
    }
  }

  /**
   * Reads exactly {@code length} bytes starting at {@code position} into a new array. Callers bound {@code length}
   * by a scan limit before they call this; it allocates what it is asked for.
   *
   * @param position where to start
   * @param length how many bytes
   * @return a new array of {@code length} bytes
   * @throws EOFException when the source ends first
   * @throws IOException when the underlying file cannot be read
   */
  default byte[] readBytes(long position, int length) throws IOException {
    if (position < 0 || length < 0 || position > size() || length > size() - position) {
      throw new EOFException(
          "wanted " + length + " bytes at offset " + position + " but the content has " + size() + " bytes");
    }
    byte[] out = new byte[length];
    readFully(position, out, 0, length);
    return out;
  }

  /**
   * A stream over the bytes from {@code position} to the end. The stream does not close this source.
   *
   * @param position where to start
   * @return a new, unbuffered stream
   */
  default InputStream openStream(long position) {
    return new ByteSourceInputStream(this, position);
  }

  /**
   * A stream over all bytes. The stream does not close this source.
   *
   * @return a new, unbuffered stream
   */
  default InputStream openStream() {
    return openStream(0);
  }

  /**
   * Nothing to release by default.
   *
   * @throws IOException when releasing the underlying resource fails
   */
  @Override
  default void close() throws IOException {}

  /**
   * A source over an array. The array is not copied: the caller must not change it afterwards.
   *
   * @param bytes the content
   * @return the source
   */
  static ByteSource wrap(byte[] bytes) {
    return new ArrayByteSource(bytes, 0, bytes.length);
  }

  /**
   * Opens a regular file for positional reads. The file's size is taken once, when it is opened. Anything whose size
   * is not its content is refused without being opened: a FIFO (opening one blocks until a writer comes), a pipe,
   * socket, device or directory, and a kernel file that reports size 0 but has content ({@code /proc/...}). Read those
   * as a stream instead.
   *
   * @param file the file; symbolic links are followed
   * @return a source that must be closed
   * @throws IOException when the file cannot be opened, or is not a regular file with a true size
   */
  static ByteSource open(Path file) throws IOException {
    return FileByteSource.open(file);
  }
}
