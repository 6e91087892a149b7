package dev.modelscan.api.io;

/**
 * The base-128 varint of the protobuf wire format (unsigned LEB128, low 7 bits first, the high bit of a byte saying
 * that another follows), decoded the one way every format module reads it.
 *
 * <p>What a hostile file can do with a varint, and what this reader does about it: an endless run of continuation
 * bytes is cut at {@link #MAX_LENGTH} bytes (a longer varint is refused, as protobuf's own parsers refuse it); a
 * varint cut off by the end of its range is refused rather than read past that end; a tenth byte that carries more
 * than the 64th bit is accepted with the extra bits dropped, as protobuf's reference parsers accept it, so that a
 * file reads here as it reads in the loader. A value of 2^63 or more comes back negative: a caller that takes the
 * value as a length or a count must refuse negatives.
 *
 * @since 0.1
 */
public final class Varints {

  /** The most bytes a varint may take: ten, enough for 64 bits at 7 bits a byte. */
  public static final int MAX_LENGTH = 10;

  private Varints() {}

  /**
   * One decoded varint: its value and where the bytes after it start.
   *
   * @param value the value as 64 bits (negative for 2^63 and above)
   * @param next the index of the first byte after the varint
   */
  public record Varint(long value, int next) {}

  /**
   * Decodes the varint that starts at {@code from}, reading no byte at or after {@code to}.
   *
   * @param b the bytes
   * @param from where the varint starts; a negative index or one at or past {@code to} gives null
   * @param to the end of the range the varint must lie in, at most {@code b.length}
   * @return the value and the index after it, or null when the varint does not end before {@code to} or is longer
   *     than {@link #MAX_LENGTH} bytes
   * @throws IndexOutOfBoundsException when {@code to > b.length}
   */
  public static Varint read(byte[] b, int from, int to) {
    if (to > b.length) {
      throw new IndexOutOfBoundsException("range end " + to + " past the array of " + b.length);
    }
    long value = 0;
    int p = from;
    for (int shift = 0; shift < 64 && p >= 0 && p < to; shift += 7) {
      int x = b[p++] & 0xFF;
      value |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return new Varint(value, p);
      }
    }
    return null;
  }

  /**
   * Decodes the varint that starts at {@code from} and ends inside the array.
   *
   * @param b the bytes
   * @param from where the varint starts
   * @return as {@link #read(byte[], int, int)} with the array's length as the end
   */
  public static Varint read(byte[] b, int from) {
    return read(b, from, b.length);
  }
}
