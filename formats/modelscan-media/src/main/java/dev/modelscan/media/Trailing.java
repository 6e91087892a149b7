package dev.modelscan.media;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;

/**
 * What follows the end marker of an image or document. A viewer stops at the marker; whatever comes after it is
 * reported and handed back to the engine as content of its own, so that a pickle or a zip appended to a PNG is
 * scanned as what it is, and anything nobody recognises leaves the file incomplete instead of clean.
 */
final class Trailing {

  private Trailing() {}

  /** The longest run of zero bytes after the end that counts as padding rather than content. */
  static final int MAX_PADDING = 4096;

  /**
   * Reports and dispatches the bytes from {@code end} to the end of the content, if there are any.
   *
   * @param what the end marker, for the message and the member name ({@code IEND}, {@code EOI}, ...)
   */
  static void check(ScanContext context, long end, String what) throws IOException {
    ByteSource source = context.source();
    long size = source.size();
    if (end >= size) {
      return;
    }
    long n = size - end;
    if (n <= MAX_PADDING && allZero(source, end, (int) n)) {
      return; // encoders and file systems pad with zeros; nothing can hide in them
    }
    context.report(
        context.finding(MediaRules.APPENDED_DATA)
            .offset(end)
            .message(n + " bytes follow the " + what + " marker at offset " + end + "; viewers never show them. They"
                + " were scanned as content of their own (member 'after-" + what.replace(' ', '-') + "').")
            .build());
    context.scanMember("after-" + what.replace(' ', '-'), source.slice(end, n), MemberKind.CONTENT);
  }

  private static boolean allZero(ByteSource source, long from, int n) throws IOException {
    byte[] b = source.readBytes(from, n);
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
