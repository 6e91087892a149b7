package dev.modelscan.api.io;

import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 (RFC 3629, the well-formed byte sequences of Unicode Table 3-7): no overlong forms, no encoded
 * surrogates (U+D800 to U+DFFF), nothing above U+10FFFF, no sequence cut short. This is what Python's {@code utf-8}
 * codec, Rust's {@code str::from_utf8} and Go's {@code utf8.Valid} accept.
 *
 * <p>Why scanners need it rather than {@code new String(bytes, UTF_8)}: Java's lenient decoding replaces bad
 * sequences with U+FFFD silently, so two different byte strings (a name, a key, a template) would read as the same
 * text here while the loader refuses one of them or maps them apart. A scanner must see those bytes.
 *
 * <p>The array methods and the streaming {@link Validator} accept exactly the same sequences.
 *
 * @since 0.1
 */
public final class Utf8 {

  private Utf8() {}

  /**
   * The length of the well-formed sequence that starts at {@code i}.
   *
   * @param b the bytes
   * @param i where the sequence starts, below {@code to}
   * @param to the end of the range the sequence must lie in
   * @return 1 to 4 for a well-formed sequence; 0 when the bytes at {@code i} are not well-formed UTF-8 whatever
   *     follows; -1 when they are a well-formed start that {@code to} cuts short (more bytes could complete it)
   * @throws IndexOutOfBoundsException when {@code i} or {@code to} lie outside the array
   */
  public static int sequenceLength(byte[] b, int i, int to) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    int range = secondByteRange(c);
    if (range == 0) {
      return 0;
    }
    int len = (range >>> 16) + 1;
    int lo = (range >>> 8) & 0xFF;
    int hi = range & 0xFF;
    for (int k = 1; k < len; k++) {
      if (i + k >= to) {
        return -1;
      }
      int d = b[i + k] & 0xFF;
      if (d < lo || d > hi) {
        return 0;
      }
      lo = 0x80;
      hi = 0xBF;
    }
    return len;
  }

  /**
   * The index of the first byte of the first sequence in [{@code from}, {@code to}) that is not well-formed, or -1
   * when the whole range is well-formed. A sequence cut short by {@code to} counts as not well-formed.
   *
   * @param b the bytes
   * @param from the first byte to check
   * @param to the end of the range
   * @return the index, or -1
   * @throws IndexOutOfBoundsException when the range lies outside the array
   */
  public static int firstInvalid(byte[] b, int from, int to) {
    if (to > b.length) {
      throw new IndexOutOfBoundsException("range end " + to + " past the array of " + b.length);
    }
    int i = from;
    while (i < to) {
      int len = sequenceLength(b, i, to);
      if (len <= 0) {
        return i;
      }
      i += len;
    }
    return -1;
  }

  /**
   * Whether bytes [{@code from}, {@code to}) are well-formed UTF-8.
   *
   * @param b the bytes
   * @param from the first byte
   * @param to the end of the range
   * @return whether every sequence in the range is well-formed and none is cut short by {@code to}
   * @throws IndexOutOfBoundsException when the range lies outside the array
   */
  public static boolean isValid(byte[] b, int from, int to) {
    return firstInvalid(b, from, to) < 0;
  }

  /**
   * Whether the whole array is well-formed UTF-8.
   *
   * @param b the bytes
   * @return as {@link #isValid(byte[], int, int)} over the whole array
   */
  public static boolean isValid(byte[] b) {
    return isValid(b, 0, b.length);
  }

  /**
   * The text of well-formed UTF-8, or null: never a replacement character for a bad sequence.
   *
   * @param b the bytes
   * @return the decoded text, or null when the bytes are not well-formed UTF-8
   */
  public static String decodeOrNull(byte[] b) {
    return isValid(b) ? new String(b, StandardCharsets.UTF_8) : null;
  }

  /**
   * For a lead byte of 0x80 or more: 0 when no well-formed sequence starts with it, else the count of continuation
   * bytes (bits 16 and up) and the range of the second byte (low, bits 8 to 15; high, bits 0 to 7). Only the second
   * byte has a narrower range than 0x80 to 0xBF: that is where overlong forms, surrogates and code points above
   * U+10FFFF are told apart (Table 3-7).
   */
  private static int secondByteRange(int c) {
    if (c >= 0xC2 && c <= 0xDF) {
      return 1 << 16 | 0x80 << 8 | 0xBF;
    }
    if (c == 0xE0) {
      return 2 << 16 | 0xA0 << 8 | 0xBF; // below A0 is an overlong three-byte form
    }
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      return 2 << 16 | 0x80 << 8 | 0xBF;
    }
    if (c == 0xED) {
      return 2 << 16 | 0x80 << 8 | 0x9F; // A0 and above encode a surrogate
    }
    if (c == 0xF0) {
      return 3 << 16 | 0x90 << 8 | 0xBF; // below 90 is an overlong four-byte form
    }
    if (c >= 0xF1 && c <= 0xF3) {
      return 3 << 16 | 0x80 << 8 | 0xBF;
    }
    if (c == 0xF4) {
      return 3 << 16 | 0x80 << 8 | 0x8F; // 90 and above is past U+10FFFF
    }
    return 0; // a continuation byte, C0 and C1 (always overlong), F5 to FF
  }

  /**
   * A byte-at-a-time validator for content read in chunks, accepting exactly what {@link #isValid(byte[])} accepts
   * of the concatenated bytes. Mutable; one per stream, used by one thread.
   */
  public static final class Validator {
    private int need;
    private int lo = 0x80;
    private int hi = 0xBF;

    /** Creates a validator at the start of a stream. */
    public Validator() {}

    /**
     * Takes the next byte.
     *
     * @param b the byte, 0 to 255
     * @return false when the bytes so far cannot be a prefix of well-formed UTF-8 (this byte is the first bad one);
     *     the validator is then in an unspecified state
     */
    public boolean accept(int b) {
      if (need == 0) {
        if (b < 0x80) {
          return true;
        }
        int range = secondByteRange(b);
        if (range == 0) {
          return false;
        }
        need = range >>> 16;
        lo = (range >>> 8) & 0xFF;
        hi = range & 0xFF;
        return true;
      }
      if (b < lo || b > hi) {
        return false;
      }
      need--;
      lo = 0x80;
      hi = 0xBF;
      return true;
    }

    /**
     * Whether the bytes so far end between sequences.
     *
     * @return false when the last sequence is cut short
     */
    public boolean complete() {
      return need == 0;
    }
  }
}
