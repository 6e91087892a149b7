package dev.modelscan.media;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;

/**
 * Reads content as UTF-8 text, one code point at a time, in 64 KiB windows: the shared first step of the text-format
 * scanners. Text here means what {@code dev.modelscan.archive.code.TextScanner} accepts: well-formed UTF-8 without NUL
 * and without C0 controls other than tab, newline, carriage return, form feed and escape. Content that stops being
 * text is marked partial, because a text head is no excuse to leave a binary tail unseen.
 */
final class Text {

  private Text() {}

  /** Receives code points with the byte offset they start at. */
  interface Sink {
    void next(int codePoint, long offset);
  }

  /** Whether the head is text (a code point cut off at the end of a truncated head is accepted). */
  static boolean headIsText(ContentHead head) {
    int n = head.headLength();
    if (n == 0) {
      return false;
    }
    int i = 0;
    while (i < n) {
      int len = length(head.headByte(i));
      if (len == 0) {
        return false;
      }
      if (i + len > n) {
        return !head.isComplete();
      }
      if (len == 1 && !allowed(head.headByte(i))) {
        return false;
      }
      for (int k = 1; k < len; k++) {
        if ((head.headByte(i + k) & 0xC0) != 0x80) {
          return false;
        }
      }
      i += len;
    }
    return true;
  }

  /** The first non-white byte of the head after an optional UTF-8 byte order mark, or -1. */
  static int firstSignificant(ContentHead head) {
    int i = head.startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF) ? 3 : 0;
    while (i < head.headLength()) {
      int b = head.headByte(i);
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b;
      }
      i++;
    }
    return -1;
  }

  private static int length(int b) {
    if (b < 0x80) {
      return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
      return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
      return 4;
    }
    return 0;
  }

  private static boolean allowed(int c) {
    return c >= 0x20 && c != 0x7F || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x1B;
  }

  /**
   * Feeds every code point of the content to {@code sink}. Stops at the first byte that is not text, marks the content
   * partial and returns false; returns true when the whole content is text.
   */
  static boolean read(ScanContext context, Sink sink) throws IOException {
    ByteSource source = context.source();
    Cursor c = new Cursor(source, 0);
    if (c.size() >= 3 && source.readBytes(0, 3)[0] == (byte) 0xEF) {
      byte[] bom = source.readBytes(0, 3);
      if (bom[1] == (byte) 0xBB && bom[2] == (byte) 0xBF) {
        c.seek(3);
      }
    }
    long n = 0;
    int b;
    while ((b = c.peek()) >= 0) {
      long at = c.position();
      if ((++n & 0xFFFF) == 0) {
        context.checkDeadline();
      }
      int len = length(b);
      if (len == 0 || len == 1 && !allowed(b) || at + len > c.size()) {
        return binary(context, at);
      }
      c.seek(at + 1);
      int cp = len == 1 ? b : b & (0xFF >> (len + 1));
      for (int k = 1; k < len; k++) {
        int x = c.u8("a UTF-8 sequence");
        if ((x & 0xC0) != 0x80) {
          return binary(context, at);
        }
        cp = cp << 6 | x & 0x3F;
      }
      // Overlong forms and surrogates are not UTF-8 (Unicode 15, table 3-7).
      if (len == 3 && (cp < 0x800 || cp >= 0xD800 && cp <= 0xDFFF) || len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) {
        return binary(context, at);
      }
      sink.next(cp, at);
    }
    return true;
  }

  private static boolean binary(ScanContext context, long at) {
    context.markPartial("binary content at offset " + at + " in text; no scanner recognised it as a format");
    return false;
  }
}
