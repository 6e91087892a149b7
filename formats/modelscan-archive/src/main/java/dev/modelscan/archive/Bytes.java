package dev.modelscan.archive;

/** Little-endian and big-endian reads from byte arrays, all unsigned. Callers check bounds. */
final class Bytes {
  private Bytes() {}

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }

  static long u32(byte[] b, int off) {
    return (u16(b, off) | (long) u16(b, off + 2) << 16) & 0xFFFF_FFFFL;
  }

  /** An unsigned 64-bit value; values above {@link Long#MAX_VALUE} come back negative and callers reject them. */
  static long u64(byte[] b, int off) {
    return u32(b, off) | u32(b, off + 4) << 32;
  }

  static long u32be(byte[] b, int off) {
    return ((long) (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF))
        & 0xFFFF_FFFFL;
  }

  static boolean at(byte[] b, int off, int... expected) {
    if (off < 0 || off + expected.length > b.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((b[off + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
