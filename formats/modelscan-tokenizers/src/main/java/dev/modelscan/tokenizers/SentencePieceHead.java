package dev.modelscan.tokenizers;

import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.io.Varints;
import dev.modelscan.api.io.Varints.Varint;
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
      Varint tag = Varints.read(h, p, n);
      Varint len = tag == null ? null : Varints.read(h, tag.next(), n);
      if (len == null) {
        break; // the head ends inside a tag or a length: judge what was seen
      }
      long field = tag.value() >>> 3;
      if ((tag.value() & 7) != 2 || field < 1 || field > 5 || (field == 1 && others)) {
        return 0;
      }
      int q = len.next();
      if (len.value() < 0 || len.value() > size - q) {
        return 0;
      }
      if (len.value() > n - q) {
        break; // runs past the head
      }
      int end = q + (int) len.value();
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
    Varint len = Varints.read(h, p + 1, end);
    if (len == null || len.value() < 1 || len.value() > end - len.next()) {
      return -1;
    }
    int q = len.next();
    int stop = q + (int) len.value();
    if (!Utf8.isValid(h, q, stop)) {
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
      Varint type = Varints.read(h, p + 1, end);
      if (type == null || type.value() < 1 || type.value() > 6) {
        return -1;
      }
      p = type.next();
    }
    return p == end ? scored : -1;
  }
}
