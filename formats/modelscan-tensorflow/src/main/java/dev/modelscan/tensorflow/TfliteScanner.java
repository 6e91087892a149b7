package dev.modelscan.tensorflow;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Scans TFLite models: a FlatBuffer with file identifier {@code TFL3} at offset 4.
 *
 * <p>Builtin operators are TFLite's own kernels. What reaches further is named in {@code operator_codes}: custom
 * operators ({@code BuiltinOperator.CUSTOM} = 32), which need a native kernel registered by the application, and Flex
 * operators ({@code custom_code} starting with {@code Flex}), which run full TensorFlow kernels through the Select TF
 * ops delegate; a Flex op is judged by the TensorFlow op list ({@code FlexReadFile} reads files). Buffers that point
 * into the file by offset are bounds-checked.
 *
 * <p>TFLite Support metadata appends a zip of "associated files" (labels, vocabularies) to the model. That zip is not
 * handled here: the engine's zip scanner claims a zip found through the end-of-central-directory record in the tail,
 * so such a file is dispatched as both TFLite and zip and the zip members are scanned there; handing the zip back from
 * here as well would scan it twice. When the zip's central directory lies wholly after everything the flatbuffer
 * reaches, that is the Support layout and the scanner declares the zip as embedded, so the engine does not report a
 * polyglot; a zip that overlaps the flatbuffer is still reported.
 */
@AutoService(ModelScanner.class)
public final class TfliteScanner implements ModelScanner {

  static final String FORMAT = "tflite";
  private static final int CUSTOM = 32;
  private static final String FLEX = "Flex";
  /** Custom operators that TFLite's own BuiltinOpResolver registers, so no third-party kernel is involved. */
  private static final Set<String> BUNDLED_CUSTOM_OPS = Set.of("TFLite_Detection_PostProcess");

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public TfliteScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "tflite", ModelScanVersion.current(), "TFLite flatbuffers: custom and Flex operators, buffer bounds",
        List.of(FORMAT), List.of("tflite"));
  }

  @Override
  public List<Rule> rules() {
    return List.of(
        TfRules.TFLITE_CUSTOM_OP, TfRules.TFLITE_FLEX_OP, TfRules.TFLITE_MALFORMED, TfRules.PYTHON_OP,
        TfRules.FILE_READ_OP, TfRules.FILE_WRITE_OP, TfRules.NETWORK_OP, TfRules.CHECKPOINT_OP);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.startsWith(4, (byte) 'T', (byte) 'F', (byte) 'L', (byte) '3')) {
      return Recognition.none();
    }
    long root = head.headByte(0) | head.headByte(1) << 8 | head.headByte(2) << 16 | (long) head.headByte(3) << 24;
    if (root < 8 || root > head.size() - 4) {
      return Recognition.of(FORMAT, Recognition.WEAK); // the identifier, but a root table that cannot exist
    }
    if (root + 4 <= head.headLength()) {
      int r = (int) root;
      int soffset = head.headByte(r) | head.headByte(r + 1) << 8 | head.headByte(r + 2) << 16
          | head.headByte(r + 3) << 24;
      long vtable = root - soffset;
      if (vtable < 0 || vtable > head.size() - 4) {
        return Recognition.of(FORMAT, Recognition.WEAK);
      }
      return Recognition.of(FORMAT, Recognition.CERTAIN);
    }
    return Recognition.of(FORMAT, Recognition.STRONG);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    FlatBufferReader fb = new FlatBufferReader(ctx.source());
    OpReporter ops = new OpReporter(ctx, FLEX);
    try {
      FlatBufferReader.Table model = fb.table(0, "Model");
      operatorCodes(ctx, fb, model, ops);
      buffers(ctx, fb, model);
      long cdStart = appendedZipDirectory(ctx);
      if (cdStart >= 0 && cdStart >= fb.end()) {
        ctx.declareEmbedded("zip");
      }
    } finally {
      ops.flush();
    }
  }

  /**
   * Where the central directory of a zip appended to the model starts, from the end-of-central-directory record in the
   * last 64 KiB, or -1 when there is none.
   */
  private static long appendedZipDirectory(ScanContext ctx) throws IOException {
    long size = ctx.source().size();
    int n = (int) Math.min(size, 65_557);
    byte[] tail = ctx.source().readBytes(size - n, n);
    for (int i = n - 22; i >= 0; i--) {
      if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
        long cdSize = le32(tail, i + 12);
        long eocd = size - n + i;
        return cdSize <= eocd ? eocd - cdSize : -1;
      }
    }
    return -1;
  }

  private static long le32(byte[] b, int p) {
    return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
  }

  private static void operatorCodes(ScanContext ctx, FlatBufferReader fb, FlatBufferReader.Table model,
      OpReporter ops) throws IOException {
    long[] v = model.vector(1, 4);
    Set<String> custom = new LinkedHashSet<>();
    Set<String> flex = new LinkedHashSet<>();
    CappedReporter out = new CappedReporter(ctx);
    for (long i = 0; i < v[1]; i++) {
      ctx.checkDeadline();
      FlatBufferReader.Table code = fb.table(v[0] + 4 * i, "OperatorCode[" + i + "]");
      // TFLite reads the larger of the deprecated int8 code and the int32 code (schema v3a).
      long builtin = Math.max(code.int8(0, 0), code.int32(3, 0));
      if (builtin != CUSTOM) {
        continue;
      }
      String name = code.string(1, ctx.limits().maxStringBytes());
      name = name == null ? "" : name;
      long at = code.position();
      if (name.startsWith(FLEX)) {
        String tfOp = name.substring(FLEX.length());
        if (!ops.op(tfOp, "operator_codes[" + i + "]", at) && remember(flex, name)) {
          report(out, TfRules.TFLITE_FLEX_OP, at, name, "operator " + name + " runs the TensorFlow kernel " + tfOp
              + " through the Select TF ops (Flex) delegate");
        }
      } else if (!BUNDLED_CUSTOM_OPS.contains(name) && remember(custom, name)) {
        report(out, TfRules.TFLITE_CUSTOM_OP, at, name, "custom operator " + q(name)
            + " runs only with a native kernel that the application registers; the model cannot run without it");
      }
    }
  }

  private static void buffers(ScanContext ctx, FlatBufferReader fb, FlatBufferReader.Table model) throws IOException {
    long[] v = model.vector(4, 4);
    CappedReporter out = new CappedReporter(ctx);
    for (long i = 0; i < v[1]; i++) {
      if ((i & 1023) == 0) {
        ctx.checkDeadline();
      }
      FlatBufferReader.Table buffer = fb.table(v[0] + 4 * i, "Buffer[" + i + "]");
      buffer.vector(0, 1); // inline data: checked to fit, never read
      long offset = buffer.uint64(1, 0);
      long size = buffer.uint64(2, 0);
      // offset 0 and 1 mean "no external data" (1 is the placeholder the converter writes for empty buffers).
      // Both are u64: a value with the top bit set is negative here and always outside the file.
      if (offset != 0 && offset != 1 && (offset < 0 || size < 0 || offset > fb.size() || size > fb.size() - offset)) {
        report(out, TfRules.TFLITE_MALFORMED, buffer.position(), "Buffer[" + i + "]", "buffer " + i
            + " points at " + Long.toUnsignedString(offset) + "+" + Long.toUnsignedString(size)
            + ", outside the " + fb.size() + "-byte file");
      }
    }
  }

  /** Dedupes names; past the report cap new names are not remembered (they are not reported either). */
  private static boolean remember(Set<String> seen, String name) {
    return seen.size() > CappedReporter.MAX_PER_RULE || seen.add(name);
  }

  private static void report(CappedReporter out, Rule rule, long offset, String operator, String message) {
    out.report(out.finding(rule).offset(offset).operator(operator).severity(rule.defaultSeverity())
        .message(message).build());
  }

  private static String q(String s) {
    String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return '"' + t.replaceAll("\\p{Cntrl}", "?") + '"';
  }

}
