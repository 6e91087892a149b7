package dev.modelscan.archive;

import java.nio.charset.StandardCharsets;

/**
 * The extra fields of zip headers that change how a member is read: the ZIP64 field (0x0001), whose 64-bit sizes and
 * offset replace the 0xFFFFFFFF of the header, and Info-ZIP's Unicode Path field (0x7075), a second name some
 * extractors use. A field that runs past the extra area ends the search, as the readers that matter stop there.
 */
final class ZipExtraFields {
  private static final long U32_MAX = 0xFFFF_FFFFL;

  private ZipExtraFields() {}

  /**
   * Replaces 0xFFFFFFFF sizes and offset of {@code r} with the first ZIP64 extra field's values, in the order the
   * spec fixes (size, compressed size, then, in the central directory only, the local header offset).
   *
   * @param extra the extra area of the header
   * @param r the member, updated in place
   * @param central whether the area is the central directory's (which alone carries the offset)
   */
  static void applyZip64(byte[] extra, ZipRecord r, boolean central) {
    int p = 0;
    while (p + 4 <= extra.length) {
      int id = Bytes.u16(extra, p);
      int len = Bytes.u16(extra, p + 2);
      int dataStart = p + 4;
      if (dataStart + len > extra.length) {
        return;
      }
      if (id == 0x0001) {
        int q = dataStart;
        int qEnd = dataStart + len;
        if (r.size == U32_MAX && q + 8 <= qEnd) {
          r.size = nonNegative(Bytes.u64(extra, q));
          q += 8;
        }
        if (r.compressedSize == U32_MAX && q + 8 <= qEnd) {
          r.compressedSize = nonNegative(Bytes.u64(extra, q));
          q += 8;
        }
        if (central && r.localHeaderOffset == U32_MAX && q + 8 <= qEnd) {
          r.localHeaderOffset = nonNegative(Bytes.u64(extra, q));
        }
        return;
      }
      p = dataStart + len;
    }
  }

  /**
   * The name of the first Unicode Path field of version 1, or null when there is none.
   *
   * @param extra the extra area of the header
   * @return the field's name decoded as UTF-8 (bad sequences replaced), or null
   */
  static String unicodePath(byte[] extra) {
    int p = 0;
    while (p + 4 <= extra.length) {
      int id = Bytes.u16(extra, p);
      int len = Bytes.u16(extra, p + 2);
      if (p + 4 + len > extra.length) {
        return null;
      }
      if (id == 0x7075 && len >= 5 && extra[p + 4] == 1) {
        return new String(extra, p + 9, len - 5, StandardCharsets.UTF_8);
      }
      p += 4 + len;
    }
    return null;
  }

  /** A 64-bit size or offset the file gives: one of 2^63 or more reads as the largest long, past any end. */
  static long nonNegative(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }
}
