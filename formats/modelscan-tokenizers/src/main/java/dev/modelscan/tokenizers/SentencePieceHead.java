package dev.modelscan.tokenizers;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;

/**
 * Recognises a SentencePiece {@code ModelProto} by a trial parse of the head. There is no magic number; what is
 * distinctive is how the file starts: the trainer writes the pieces first, so the content opens with a run of field 1
 * (length-delimited) messages, each of exactly {@code 1: piece} (a UTF-8 string), then optionally {@code 2: score}
 * (fixed32) and {@code 3: type} (varint, 1 to 6), in that order.
 *
 * <p>Claims: {@value #EVIDENCE} such pieces in a row are STRONG (the rest of the file is the scanner's to validate,
 * so a tokenizer with a broken tail is still claimed and reported as malformed rather than skipped); content shorter
 * than that is STRONG only when it walks as a ModelProto to its exact end. At least one piece must carry a score:
 * the trainer writes one for every piece, and it is what sets this structure apart from any message that merely
 * starts with a string. Fewer pieces in a head that is cut off are PROBABLE, raised to STRONG by a {@code .model}
 * name. Other protobufs fail early: ONNX starts with a varint (field 1 {@code ir_version}); a GraphDef's NodeDef and
 * keras_metadata's SavedObject have a length-delimited or varint field 2, where a piece's score is fixed32.
 */
final class SentencePieceHead {
  /** Pieces in a row that make a claim without seeing the rest of the file. */
  static final int EVIDENCE = 3;

  private SentencePieceHead() {}

  static int confidence(ContentHead head) {
    int n = head.headLength();
    if (n < 2 || head.headByte(0) != 0x0A) {
      return 0;
    }
    byte[] h = new byte[n];
    head.head().get(h);
    long size = head.size();
    int pieces = 0;
    boolean scored = false;
    boolean others = false;
    int p = 0;
    while (p < n) {
      long[] tag = varint(h, p, n);
      long[] len = tag == null ? null : varint(h, (int) tag[1], n);
      if (len == null) {
        break; // the head ends inside a tag or a length: judge what was seen
      }
      long field = tag[0] >>> 3;
      if ((tag[0] & 7) != 2 || field < 1 || field > 5 || (field == 1 && others)) {
        return 0;
      }
      int q = (int) len[1];
      if (len[0] < 0 || len[0] > size - q) {
        return 0;
      }
      if (len[0] > n - q) {
        break; // runs past the head
      }
      int end = q + (int) len[0];
      if (field == 1) {
        int kind = piece(h, q, end);
        if (kind < 0) {
          return 0;
        }
        scored |= kind == 1;
        if (++pieces >= EVIDENCE && scored) {
          return Recognition.STRONG;
        }
      } else {
        if (pieces == 0) {
          return 0;
        }
        others = true;
      }
      p = end;
    }
    if (pieces == 0 || !scored) {
      return 0;
    }
    if (head.isComplete() && p == n) {
      return Recognition.STRONG; // a whole, small model
    }
    return head.extension().equals("model") ? Recognition.STRONG : Recognition.PROBABLE;
  }

  /**
   * Checks a SentencePiece message at [p, end): 1 piece, then optional 2 score and 3 type, nothing else.
   *
   * @return 1 with a score, 0 without, -1 when it is not a piece
   */
  private static int piece(byte[] h, int p, int end) {
    if (p >= end || h[p] != 0x0A) {
      return -1;
    }
    long[] len = varint(h, p + 1, end);
    if (len == null || len[0] < 1 || len[0] > end - len[1]) {
      return -1;
    }
    int q = (int) len[1];
    int stop = q + (int) len[0];
    if (!Utf8.valid(h, q, stop)) {
      return -1;
    }
    p = stop;
    int scored = 0;
    if (p < end && h[p] == 0x15) {
      if (end - p < 5) {
        return -1;
      }
      p += 5;
      scored = 1;
    }
    if (p < end && h[p] == 0x18) {
      long[] type = varint(h, p + 1, end);
      if (type == null || type[0] < 1 || type[0] > 6) {
        return -1;
      }
      p = (int) type[1];
    }
    return p == end ? scored : -1;
  }

  /** {value, next position}, or null when the varint does not end before {@code end} or is over 10 bytes. */
  private static long[] varint(byte[] h, int p, int end) {
    long value = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      int b = h[p++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return new long[] {value, p};
      }
    }
    return null;
  }
}
