package dev.modelscan.safetensors;

/**
 * Checked arithmetic on unsigned 64-bit values, the reference reader's {@code usize} on 64-bit machines. Java has
 * signed longs only; a header may legally hold numbers up to {@code 2^64 - 1}, and treating them as negative would
 * let a forged offset pass a bounds check.
 */
final class Unsigned {

  /** Returned by {@link #multiply} on overflow. */
  static final long OVERFLOW = -1L;

  private Unsigned() {}

  /**
   * The product of two unsigned values.
   *
   * @return the product, or {@link #OVERFLOW} when it does not fit 64 bits (or is exactly {@code 2^64 - 1}, which
   *     callers treat the same way: no shape or size can be that large)
   */
  static long multiply(long a, long b) {
    if (a == 0 || b == 0) {
      return 0;
    }
    if (Long.compareUnsigned(a, Long.divideUnsigned(-1L, b)) > 0) {
      return OVERFLOW;
    }
    return a * b;
  }
}
