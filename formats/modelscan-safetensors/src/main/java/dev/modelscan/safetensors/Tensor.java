package dev.modelscan.safetensors;

/**
 * One tensor entry of a SafeTensors header, as far as the scanner keeps it. The shape itself is not kept, only its
 * rank, a short text for messages and its element count folded the way the reference reader folds it: left to right
 * with checked 64-bit unsigned multiplication, so {@code [2^40, 2^40, 0]} overflows although its product is 0.
 *
 * <p>All 64-bit quantities are unsigned (the reference reader's {@code usize}), compared with {@link
 * Long#compareUnsigned}.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shapeText the shape for messages, abbreviated for high ranks
 * @param rank how many dimensions
 * @param elements the element count, unsigned; meaningless when {@code overflow}
 * @param overflow whether the element count overflowed 64 bits
 * @param begin start of the tensor's bytes in the data buffer, unsigned
 * @param end end (exclusive), unsigned
 * @param offset the entry's position in the file, for findings
 */
record Tensor(
    String name,
    Dtype dtype,
    String shapeText,
    int rank,
    long elements,
    boolean overflow,
    long begin,
    long end,
    long offset) {

  /** Returned by {@link #bits()} when the bit count overflows 64 bits. */
  static final long OVERFLOW = -1L;

  /**
   * The tensor's size in bits, as the reference reader computes it ({@code nelements.checked_mul(bitsize)}).
   *
   * @return the bit count, unsigned, or {@link #OVERFLOW}; no real bit count equals it, since {@code 2^64 - 1} is not
   *     a multiple of any dtype's bit size
   */
  long bits() {
    if (overflow) {
      return OVERFLOW;
    }
    return Unsigned.multiply(elements, dtype.bits());
  }

  /**
   * The size in bytes the shape and dtype call for.
   *
   * @return the byte count, or -1 when it overflows or is not a whole number of bytes
   */
  long byteSize() {
    long bits = bits();
    if (bits == OVERFLOW || (bits & 7) != 0) {
      return -1;
    }
    return bits >>> 3;
  }

  /** How a message shows this entry: {@code F32 [2, 3] at [0, 24)}. */
  String describe() {
    return dtype
        + " "
        + shapeText
        + " at ["
        + Long.toUnsignedString(begin)
        + ", "
        + Long.toUnsignedString(end)
        + ")";
  }
}
