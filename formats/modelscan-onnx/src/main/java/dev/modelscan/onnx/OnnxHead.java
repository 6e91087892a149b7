package dev.modelscan.onnx;

import dev.modelscan.api.io.Varints;
import dev.modelscan.api.io.Varints.Varint;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;

/**
 * Recognises ONNX by a trial parse of the head: ONNX has no magic, so the head must read as a {@code ModelProto}
 * field by field. onnx writes fields in number order, so a model starts with {@code ir_version} (field 1, varint),
 * then strings (2 to 6), then the graph (7, whose first field is a GraphProto field) and {@code opset_import} (8).
 *
 * <p>Conservative on purpose: any field number that ModelProto does not define, a wrong wire type, or a length beyond
 * the content rejects the claim. A head with {@code ir_version} and a well-formed graph is STRONG; with {@code
 * ir_version} and only an opset it is PROBABLE; {@code ir_version} alone is at most WEAK and only with an {@code
 * .onnx} name. The name adds a little, never makes a claim alone.
 */
final class OnnxHead {
  private static final int MAX_IR_VERSION = 64;

  private OnnxHead() {}

  static int confidence(ContentHead head) {
    byte[] h = new byte[head.headLength()];
    head.head().get(h);
    long size = head.size();
    boolean named = head.extension().equals("onnx");
    if (h.length < 2 || (h[0] & 0xFF) != 0x08) {
      return 0;
    }
    boolean ir = false;
    boolean graph = false;
    boolean opset = false;
    int p = 0;
    while (p < h.length) {
      Varint tag = Varints.read(h, p);
      if (tag == null) {
        break; // the head ends inside a tag: judge what was seen
      }
      p = tag.next();
      int field = (int) Math.min(tag.value() >>> 3, Integer.MAX_VALUE);
      int wire = (int) (tag.value() & 7);
      int expected = expectedWire(field);
      if (expected < 0 || expected != wire) {
        return 0;
      }
      Varint v = Varints.read(h, p);
      if (v == null) {
        break;
      }
      p = v.next();
      if (wire == 0) {
        if (field == 1) {
          if (v.value() < 1 || v.value() > MAX_IR_VERSION || ir) {
            return 0;
          }
          ir = true;
        }
        continue;
      }
      long len = v.value();
      if (len < 0 || len > size - p) {
        return 0;
      }
      if (field == 7) {
        if (len > 0 && p < h.length && !graphStart(h, p)) {
          return 0;
        }
        graph = true;
      } else if (field == 8) {
        if (p + len <= h.length && !opsetId(h, p, (int) (p + len))) {
          return 0;
        }
        opset = true;
      }
      if (len > h.length - p) {
        break;
      }
      p += (int) len;
    }
    if (!ir) {
      return 0;
    }
    if (graph) {
      return Recognition.STRONG + (named ? 5 : 0);
    }
    if (opset) {
      return Recognition.PROBABLE + (named ? 10 : 0);
    }
    return named ? Recognition.WEAK : 0;
  }

  /** The wire type ModelProto gives a field number, or -1 for numbers it does not define. */
  private static int expectedWire(int field) {
    return switch (field) {
      case 1, 5 -> 0;
      case 2, 3, 4, 6, 7, 8, 14, 20, 25 -> 2;
      default -> -1;
    };
  }

  /** Whether a graph payload starts with a GraphProto field (all of them length-delimited). */
  private static boolean graphStart(byte[] h, int p) {
    Varint tag = Varints.read(h, p);
    if (tag == null) {
      return true; // cut off by the head: no evidence either way
    }
    long field = tag.value() >>> 3;
    return (tag.value() & 7) == 2 && (field == 1 || field == 2 || field == 5 || (field >= 10 && field <= 16));
  }

  /** Whether bytes [p, end) are an OperatorSetIdProto: 1 domain (string), 2 version (varint). */
  private static boolean opsetId(byte[] h, int p, int end) {
    while (p < end) {
      Varint tag = Varints.read(h, p);
      if (tag == null || tag.next() > end) {
        return false;
      }
      p = tag.next();
      Varint v = Varints.read(h, p);
      if (v == null || v.next() > end) {
        return false;
      }
      p = v.next();
      if (tag.value() == 0x0A) {
        if (v.value() < 0 || v.value() > end - p) {
          return false;
        }
        p += (int) v.value();
      } else if (tag.value() != 0x10) {
        return false;
      }
    }
    return true;
  }
}
