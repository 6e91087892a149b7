package dev.modelscan.tensorflow;

/** Varint decoding over a head array for recognition, where nothing may throw. */
final class Wire {
  private Wire() {}

  /** {value, next position}, or null when the varint does not end inside the array or is longer than 10 bytes. */
  static long[] varint(byte[] h, int p) {
    long value = 0;
    for (int shift = 0; shift < 64 && p >= 0 && p < h.length; shift += 7) {
      int b = h[p++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value < 0 ? null : new long[] {value, p};
      }
    }
    return null;
  }
}
