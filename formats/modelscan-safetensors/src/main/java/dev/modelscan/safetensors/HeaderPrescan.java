package dev.modelscan.safetensors;

import static dev.modelscan.safetensors.HeaderReader.isJsonWhitespace;

import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Utf8;
import java.io.IOException;

/**
 * The byte-level checks of a SafeTensors header, made in one streamed pass before any JSON parser sees a byte:
 * strict UTF-8, no NUL byte, a '{' first and only JSON whitespace around the object (see {@link #prescan}).
 */
final class HeaderPrescan {
  private static final int CHUNK = 64 * 1024;

  private HeaderPrescan() {}

  /**
   * Streams the header bytes once: strict UTF-8 (the reference's {@code from_utf8}), no NUL byte, a '{' as the
   * first non-whitespace byte, and what surrounds the object. Returns false when the JSON must not be parsed.
   *
   * <p>Two reasons to do this before Jackson sees a byte: the reference rejects invalid UTF-8 anywhere in the header,
   * even inside padding that JSON parsing would never reach; and Jackson guesses the encoding from the first bytes
   * (a '{' followed by NUL reads as UTF-16), which would let a header parse here that the reference refuses. With
   * NUL bytes excluded, Jackson always reads UTF-8, so its byte offsets are file offsets minus 8.
   */
  static boolean prescan(ByteSource source, long n, Outcome out, Runnable deadline) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, CHUNK)];
    Utf8.Validator utf8 = new Utf8.Validator();
    long firstNonWs = -1;
    int firstByte = -1;
    int lastByte = -1;
    long oddPadding = -1;
    for (long pos = 0; pos < n; ) {
      deadline.run();
      int len = (int) Math.min(buf.length, n - pos);
      source.readFully(8 + pos, buf, 0, len);
      for (int i = 0; i < len; i++) {
        int b = buf[i] & 0xFF;
        long at = 8 + pos + i;
        if (!utf8.accept(b)) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at,
              "InvalidHeader",
              "the header is not valid UTF-8 (byte 0x"
                  + Integer.toHexString(b)
                  + " at offset "
                  + at
                  + "): the reference reader refuses it (InvalidHeader)");
          return false;
        }
        if (b == 0) {
          out.refuse(
              SafetensorsRules.INVALID_HEADER,
              at,
              "InvalidHeaderDeserialization",
              "the header holds a NUL byte at offset "
                  + at
                  + ", which JSON does not allow there: the reference reader refuses it"
                  + " (InvalidHeaderDeserialization)");
          return false;
        }
        if (isJsonWhitespace(b)) {
          if (b != ' ' && oddPadding < 0) {
            oddPadding = at;
          }
        } else {
          if (firstNonWs < 0) {
            firstNonWs = at;
            firstByte = b;
          }
          lastByte = b;
          oddPadding = -1;
        }
      }
      pos += len;
    }
    if (!utf8.complete()) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          8 + n,
          "InvalidHeader",
          "the header ends inside a UTF-8 sequence: the reference reader refuses it (InvalidHeader)");
      return false;
    }
    if (firstNonWs < 0) {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          8,
          "InvalidHeaderDeserialization",
          "the header is empty or only whitespace: the reference reader finds no JSON object and refuses it"
              + " (InvalidHeaderDeserialization)");
      return false;
    }
    if (firstByte != '{') {
      out.refuse(
          SafetensorsRules.INVALID_HEADER,
          firstNonWs,
          "InvalidHeaderDeserialization",
          "the header starts with "
              + describeByte(firstByte)
              + " instead of '{': it is not the JSON object the format requires, and the reference reader refuses"
              + " it (InvalidHeaderDeserialization)");
      return false;
    }
    if (firstNonWs > 8) {
      out.problem(
          SafetensorsRules.NONSTANDARD_HEADER,
          8,
          "the header starts with "
              + (firstNonWs - 8)
              + " whitespace byte(s) before '{': the reference reader skips them, but the format requires '{' at"
              + " byte 8 and strict readers refuse the file");
    }
    if (oddPadding >= 0 && lastByte == '}') {
      out.problem(
          SafetensorsRules.NONSTANDARD_HEADER,
          oddPadding,
          "the header is padded with tabs, line feeds or carriage returns after its closing '}', not only with"
              + " spaces: the reference reader skips them, strict readers refuse the file");
    }
    return true;
  }

  private static String describeByte(int b) {
    if (b >= 0x21 && b < 0x7F) {
      return "'" + (char) b + "'";
    }
    return "byte 0x" + Integer.toHexString(b);
  }
}
