package dev.modelscan.api.spi;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Objects;

/**
 * What a scanner may look at to {@link ModelScanner#recognize recognize} content: the first bytes, the last bytes,
 * the size and a name hint.
 *
 * <p>The head holds the first {@value #HEAD_SIZE} bytes (fewer if the content is shorter). The tail holds the last
 * {@value #TAIL_SIZE} bytes when the content is longer than the head, enough to find a zip end-of-central-directory
 * record behind the longest comment, so that a zip appended to anything is recognised; it is empty otherwise.
 *
 * <p>The name is a hint only: the file name, or the member name inside an archive. Content decides; a name may
 * narrow a choice between claims or raise a weak one, never make one alone.
 *
 * @since 0.1
 */
public final class ContentHead {

  /** How many leading bytes the head holds at most. */
  public static final int HEAD_SIZE = 8192;

  /** How many trailing bytes the tail holds at most: 22-byte EOCD record plus a 65,535-byte comment. */
  public static final int TAIL_SIZE = 65_557;

  private final byte[] head;
  private final byte[] tail;
  private final long size;
  private final String name;

  private ContentHead(byte[] head, byte[] tail, long size, String name) {
    this.head = head;
    this.tail = tail;
    this.size = size;
    this.name = name;
  }

  /**
   * Creates a head. The arrays are not copied; the caller must not change them afterwards.
   *
   * @param head the first bytes, at most {@link #HEAD_SIZE}
   * @param tail the last bytes, at most {@link #TAIL_SIZE}; empty when the head holds everything
   * @param size the total size of the content
   * @param name the name hint (file or member name), empty when there is none
   * @return the head
   */
  public static ContentHead of(byte[] head, byte[] tail, long size, String name) {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(tail, "tail");
    Objects.requireNonNull(name, "name");
    if (head.length > HEAD_SIZE || tail.length > TAIL_SIZE || size < head.length) {
      throw new IllegalArgumentException("head or tail larger than allowed, or size smaller than the head");
    }
    return new ContentHead(head, tail, size, name);
  }

  /**
   * Creates a head over the whole of a small content (for tests and in-memory scans).
   *
   * @param content the content; its first {@link #HEAD_SIZE} and last {@link #TAIL_SIZE} bytes are copied
   * @param name the name hint
   * @return the head
   */
  public static ContentHead ofBytes(byte[] content, String name) {
    int h = Math.min(content.length, HEAD_SIZE);
    byte[] head = java.util.Arrays.copyOf(content, h);
    byte[] tail =
        content.length > HEAD_SIZE
            ? java.util.Arrays.copyOfRange(content, Math.max(0, content.length - TAIL_SIZE), content.length)
            : new byte[0];
    return new ContentHead(head, tail, content.length, name);
  }

  /**
   * The first bytes, as a read-only buffer positioned at 0.
   *
   * @return a new read-only view; changing its position does not affect this head
   */
  public ByteBuffer head() {
    return ByteBuffer.wrap(head).asReadOnlyBuffer();
  }

  /**
   * The last bytes, as a read-only buffer positioned at 0; empty when the head holds the whole content.
   *
   * @return a new read-only view
   */
  public ByteBuffer tail() {
    return ByteBuffer.wrap(tail).asReadOnlyBuffer();
  }

  /**
   * How many bytes the head holds.
   *
   * @return {@code min(size(), HEAD_SIZE)}
   */
  public int headLength() {
    return head.length;
  }

  /**
   * One byte of the head, unsigned.
   *
   * @param index index within the head
   * @return the byte as 0..255
   * @throws IndexOutOfBoundsException when {@code index >= headLength()}
   */
  public int headByte(int index) {
    return head[index] & 0xFF;
  }

  /**
   * Whether the head holds the whole content.
   *
   * @return true when {@code size() <= HEAD_SIZE}
   */
  public boolean isComplete() {
    return size == head.length;
  }

  /**
   * Whether the content starts with the given bytes at the given offset of the head.
   *
   * @param offset offset in the content
   * @param magic the expected bytes
   * @return true when they match; false when the head is too short
   */
  public boolean startsWith(int offset, byte... magic) {
    if (offset < 0 || offset + magic.length > head.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[offset + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the content starts with the given bytes.
   *
   * @param magic the expected bytes
   * @return true when they match
   */
  public boolean startsWith(byte... magic) {
    return startsWith(0, magic);
  }

  /**
   * The total size of the content.
   *
   * @return size in bytes
   */
  public long size() {
    return size;
  }

  /**
   * The name hint: the file name or archive member name, possibly with directories.
   *
   * @return the name, empty when there is none
   */
  public String name() {
    return name;
  }

  /**
   * The name hint's extension, lower case, without the dot.
   *
   * @return for example {@code "pt"}; empty when the name has none
   */
  public String extension() {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    int dot = name.lastIndexOf('.');
    return dot > slash + 1 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }
}
