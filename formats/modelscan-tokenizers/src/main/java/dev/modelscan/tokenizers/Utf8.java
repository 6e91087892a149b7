package dev.modelscan.tokenizers;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Java's decoders
 * replace bad sequences silently; a scanner must see them, because a loader that keeps the raw bytes and one that
 * repairs them map the same piece to different text.
 */
final class Utf8 {
  private Utf8() {}

  /** Whether bytes [from, to) of {@code b} are well-formed UTF-8. */
  static boolean valid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int extra;
      int cp;
      if (c >= 0xC2 && c <= 0xDF) {
        extra = 1;
        cp = c & 0x1F;
      } else if (c >= 0xE0 && c <= 0xEF) {
        extra = 2;
        cp = c & 0x0F;
      } else if (c >= 0xF0 && c <= 0xF4) {
        extra = 3;
        cp = c & 0x07;
      } else {
        return false; // a continuation byte first, C0/C1 (always overlong), or F5..FF
      }
      if (extra > to - i - 1) {
        return false;
      }
      for (int k = 1; k <= extra; k++) {
        int d = b[i + k] & 0xFF;
        if ((d & 0xC0) != 0x80) {
          return false;
        }
        cp = cp << 6 | (d & 0x3F);
      }
      if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
          || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return false;
      }
      i += extra + 1;
    }
    return true;
  }
}
