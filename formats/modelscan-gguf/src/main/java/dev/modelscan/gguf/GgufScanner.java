package dev.modelscan.gguf;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.jinja.TemplateAnalyzer;
import dev.modelscan.jinja.TemplateIssue;
import dev.modelscan.jinja.TemplateRules;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scans GGUF files (llama.cpp, ollama, LM Studio models).
 *
 * <p>GGUF carries no code, but two things in it are acted on by runtimes: the chat template ({@code
 * tokenizer.chat_template} and {@code tokenizer.chat_template.<name>}), a Jinja2 template that runtimes render, and the
 * header and tensor table, which native parsers with a history of memory-safety bugs trust. The scanner analyses
 * every chat template for sandbox escapes and checks every count, length, type and offset against the file before
 * using it; tensor data is never read.
 */
@AutoService(ModelScanner.class)
public final class GgufScanner implements ModelScanner {

  /**
   * A chat template that reaches Python internals or the OS when rendered without a sandbox: the rule shared by every
   * scanner that analyses templates.
   */
  static final Rule CHAT_TEMPLATE_INJECTION = TemplateRules.TEMPLATE_INJECTION;

  /** Metadata that breaks the format's rules. */
  static final Rule MALFORMED_METADATA =
      Rule.of(
          "GGUF-MALFORMED-METADATA",
          "Malformed GGUF metadata",
          "A metadata key/value breaks the GGUF rules (duplicate key, invalid boolean, invalid alignment, key too"
              + " long). Readers disagree on such files, so what a scanner sees may not be what the runtime uses.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  /** A tensor info that native readers may mishandle. */
  static final Rule MALFORMED_TENSOR =
      Rule.of(
          "GGUF-MALFORMED-TENSOR",
          "Malformed GGUF tensor info",
          "A tensor info has an unknown type, too many or invalid dimensions, an element count that overflows, or"
              + " data that is misaligned, overlapping or beyond the end of the file. GGUF parsers have had memory"
              + " corruption bugs on exactly such input.",
          Severity.MEDIUM,
          ThreatType.MALFORMED_CONTENT);

  static final String FORMAT = "gguf";
  private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};
  private static final int MAX_KEY_LENGTH = 65_535;
  private static final int MAX_TENSOR_NAME = 64;
  private static final int MAX_DIMS = 4;
  /** Arrays of arrays are allowed by the spec; deeper than this is only useful to attack recursive readers. */
  static final int MAX_ARRAY_DEPTH = 3;
  private static final int DEFAULT_ALIGNMENT = 32;
  private static final int MAX_FINDINGS_PER_RULE = 50;
  /** Keys and tensors remembered for duplicate and overlap checks; real files have thousands at most. */
  static final int MAX_TRACKED = 1_000_000;
  private static final String TEMPLATE_KEY = "tokenizer.chat_template";

  private final int maxTracked;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public GgufScanner() {
    this(MAX_TRACKED);
  }

  /** For tests: a smaller bound on remembered keys and tensors. */
  GgufScanner(int maxTracked) {
    this.maxTracked = maxTracked;
  }

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "gguf", ModelScanVersion.current(),
        "GGUF header, metadata, tensor infos and Jinja2 chat templates", List.of(FORMAT),
        List.of("gguf"));
  }

  @Override
  public List<Rule> rules() {
    return List.of(CHAT_TEMPLATE_INJECTION, MALFORMED_METADATA, MALFORMED_TENSOR);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.startsWith(MAGIC)) {
      return Recognition.none();
    }
    if (head.headLength() >= 8) {
      long le = head.headByte(4) | head.headByte(5) << 8 | head.headByte(6) << 16 | (long) head.headByte(7) << 24;
      long be = head.headByte(7) | head.headByte(6) << 8 | head.headByte(5) << 16 | (long) head.headByte(4) << 24;
      if ((le >= 1 && le <= 3) || (be >= 1 && be <= 3)) {
        return Recognition.of(FORMAT, Recognition.CERTAIN);
      }
    }
    // The magic alone: an unknown version is reported by scan().
    return Recognition.of(FORMAT, Recognition.STRONG);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    new Scan(ctx, maxTracked).run();
  }

  /** The state of one scan. */
  private static final class Scan {
    private final ScanContext ctx;
    private final int maxTracked;
    private final Map<Rule, Integer> counts = new HashMap<>();
    private GgufReader r;
    private int version;
    private long alignment = DEFAULT_ALIGNMENT;

    Scan(ScanContext ctx, int maxTracked) {
      this.ctx = ctx;
      this.maxTracked = maxTracked;
    }

    void run() throws IOException {
      var src = ctx.source();
      if (src.size() < 8) {
        throw new MalformedContentException(0, "GGUF file shorter than its 8-byte header");
      }
      byte[] v = src.readBytes(4, 4);
      long le = (v[0] & 0xFF) | (v[1] & 0xFF) << 8 | (v[2] & 0xFF) << 16 | (long) (v[3] & 0xFF) << 24;
      long be = (v[3] & 0xFF) | (v[2] & 0xFF) << 8 | (v[1] & 0xFF) << 16 | (long) (v[0] & 0xFF) << 24;
      boolean bigEndian = !(le >= 1 && le <= 3) && be >= 1 && be <= 3;
      long ver = bigEndian ? be : le;
      if (ver < 1 || ver > 3) {
        throw new MalformedContentException(4, "unsupported GGUF version " + ver + " (1 to 3 are defined)");
      }
      version = (int) ver;
      r = new GgufReader(src, 8, bigEndian);
      long tensorCount = count("tensor count");
      long kvCount = count("metadata key/value count");
      // Each key/value takes at least a length, a type and one byte: reject impossible counts before looping.
      checkCount(kvCount, lengthSize() + 4 + 1, "metadata key/value count");
      Set<String> keys = new HashSet<>();
      for (long i = 0; i < kvCount; i++) {
        ctx.checkDeadline();
        headerBound();
        long at = r.position();
        String key = string("metadata key", MAX_KEY_LENGTH);
        if (keys.size() >= maxTracked) {
          if (keys.size() == maxTracked) {
            keys.add("\0overflow"); // mark once
            ctx.markPartial("more than " + maxTracked + " metadata keys: duplicate keys were not checked after that");
          }
        } else if (!keys.add(key)) {
          // Readers keep the first or the last value: a second chat template can hide behind a benign first one.
          flag(MALFORMED_METADATA, at, key, "duplicate metadata key " + quote(key) + "; readers disagree on which"
              + " value wins");
        }
        long type = r.u32("value type of " + key);
        value(key, type, 0);
      }
      tensors(tensorCount);
    }

    /**
     * The metadata and tensor infos are read into memory structures (keys, tensor spans): bound the bytes they may
     * span by {@code maxHeaderBytes}, so that a file of millions of tiny keys cannot exhaust the heap.
     */
    private void headerBound() {
      ctx.limits().check(LimitType.HEADER_BYTES, r.position(), "GGUF metadata and tensor infos");
    }

    private int lengthSize() {
      return version == 1 ? 4 : 8;
    }

    private long count(String what) throws IOException {
      long c = version == 1 ? r.u32(what) : r.u64(what);
      if (c < 0) {
        throw new MalformedContentException(r.position() - 8, what + " " + Long.toUnsignedString(c) + " is absurd");
      }
      return c;
    }

    private void checkCount(long count, long minBytesEach, String what) {
      if (count > r.remaining() / minBytesEach) {
        throw new MalformedContentException(
            r.position(), what + " " + count + " cannot fit in the " + r.remaining() + " bytes that remain");
      }
    }

    /** Reads a string of at most {@code max} bytes (and the string limit); longer is malformed or a limit. */
    private String string(String what, int max) throws IOException {
      long at = r.position();
      long len = count(what + " length");
      r.require(len, what);
      if (len > max) {
        throw new MalformedContentException(at, what + " is " + len + " bytes long; GGUF allows " + max);
      }
      ctx.limits().check(LimitType.STRING_BYTES, len, what);
      return r.utf8((int) len, what);
    }

    private void value(String key, long type, int depth) throws IOException {
      switch ((int) Math.min(type, Integer.MAX_VALUE)) {
        case 0, 1 -> r.skip(1, key);
        case 7 -> {
          int b = r.u8(key);
          if (b > 1) {
            flag(MALFORMED_METADATA, r.position() - 1, key, "boolean " + quote(key) + " holds " + b
                + "; only 0 and 1 are valid");
          }
        }
        case 2, 3 -> r.skip(2, key);
        case 4 -> {
          long v = r.u32(key);
          if ("general.alignment".equals(key)) {
            alignment(v);
          }
        }
        case 5, 6 -> r.skip(4, key);
        case 10, 11, 12 -> r.skip(8, key);
        case 8 -> stringValue(key);
        case 9 -> array(key, depth + 1);
        default -> throw new MalformedContentException(
            r.position() - 4, "unknown value type " + type + " for key " + quote(key));
      }
      if ("general.alignment".equals(key) && type != 4) {
        flag(MALFORMED_METADATA, r.position(), key, "general.alignment must be a UINT32, found type " + type);
      }
    }

    private void alignment(long v) {
      if (v == 0 || (v & (v - 1)) != 0 || v % 8 != 0) {
        flag(MALFORMED_METADATA, r.position() - 4, "general.alignment", "general.alignment " + v
            + " is not a power of two that is a multiple of 8; readers pad tensor data differently");
      } else {
        alignment = v;
      }
    }

    private void stringValue(String key) throws IOException {
      long at = r.position();
      if (!key.startsWith(TEMPLATE_KEY)) {
        long len = count(key + " length");
        r.skip(len, key);
        return;
      }
      long len = count(key + " length");
      r.require(len, key);
      int limit = ctx.limits().maxStringBytes();
      if (len > limit) {
        ctx.limitReached(
            ctx.limits().exceeded(LimitType.STRING_BYTES, len, "chat template " + key), at);
        r.skip(len, key);
        return;
      }
      template(key, r.utf8((int) len, key), at);
    }

    private void template(String key, String text, long at) {
      List<TemplateIssue> issues = TemplateAnalyzer.analyze(text, ctx::checkDeadline);
      if (issues.isEmpty()) {
        return;
      }
      Severity worst = issues.get(0).severity();
      String list = TemplateAnalyzer.describe(issues, 8);
      report(CHAT_TEMPLATE_INJECTION, at, worst, key, "chat template " + quote(key) + " contains " + list
          + ". A runtime that renders it outside a Jinja2 sandbox runs attacker-chosen code when the model is used.");
    }

    private void array(String key, int depth) throws IOException {
      long at = r.position();
      if (depth > MAX_ARRAY_DEPTH) {
        throw new MalformedContentException(at, "arrays nested deeper than " + MAX_ARRAY_DEPTH + " in " + quote(key));
      }
      long elemType = r.u32(key + " element type");
      long n = count(key + " element count");
      int fixed = switch ((int) Math.min(elemType, Integer.MAX_VALUE)) {
        case 0, 1, 7 -> 1;
        case 2, 3 -> 2;
        case 4, 5, 6 -> 4;
        case 10, 11, 12 -> 8;
        case 8 -> 0;
        case 9 -> -1;
        default -> throw new MalformedContentException(at, "unknown array element type " + elemType + " in "
            + quote(key));
      };
      if (fixed > 0) {
        checkCount(n, fixed, key + " element count");
        r.skip(n * fixed, key);
        return;
      }
      checkCount(n, fixed == 0 ? lengthSize() : 4 + lengthSize(), key + " element count");
      for (long i = 0; i < n; i++) {
        if ((i & 1023) == 0) {
          ctx.checkDeadline();
          headerBound();
        }
        if (fixed == 0) {
          stringValue(key);
        } else {
          value(key, 9, depth);
        }
      }
    }

    private void tensors(long tensorCount) throws IOException {
      // name length + n_dims + type + offset: at least 24 bytes (20 in version 1) per tensor info.
      checkCount(tensorCount, lengthSize() + 4 + 4 + 8, "tensor count");
      List<long[]> spans = new ArrayList<>(); // {offset, end or -1, info position}
      Set<String> names = new HashSet<>();
      boolean tracked = true;
      for (long i = 0; i < tensorCount; i++) {
        ctx.checkDeadline();
        headerBound();
        long at = r.position();
        String name = string("tensor name", MAX_KEY_LENGTH);
        if (tracked && spans.size() >= maxTracked) {
          tracked = false;
          ctx.markPartial("more than " + maxTracked + " tensors: duplicate names and overlaps were not checked after"
              + " that");
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TENSOR_NAME) {
          flag(MALFORMED_TENSOR, at, name, "tensor name " + quote(name) + " is longer than " + MAX_TENSOR_NAME
              + " bytes; ggml copies names into fixed 64-byte buffers");
        }
        if (tracked && !names.add(name)) {
          flag(MALFORMED_TENSOR, at, name, "duplicate tensor name " + quote(name));
        }
        long nDims = r.u32("dimension count of " + name);
        if (nDims > MAX_DIMS) {
          flag(MALFORMED_TENSOR, at, name, "tensor " + quote(name) + " has " + nDims + " dimensions; ggml supports "
              + MAX_DIMS);
        }
        checkCount(nDims, 8, "dimension count of " + name);
        long elements = 1;
        boolean overflow = false;
        long first = 0;
        for (long d = 0; d < nDims; d++) {
          long dim = r.u64("dimension of " + name);
          if (d == 0) {
            first = dim;
          }
          if (dim < 0) {
            overflow = true;
          } else if (!overflow) {
            try {
              elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException e) {
              overflow = true;
            }
          }
        }
        if (overflow) {
          flag(MALFORMED_TENSOR, at, name, "element count of tensor " + quote(name)
              + " overflows 63 bits; readers that multiply the dimensions wrap around and under-allocate");
        }
        long type = r.u32("type of " + name);
        long offset = r.u64("data offset of " + name);
        long end = -1;
        if (!GgmlType.known(type)) {
          flag(MALFORMED_TENSOR, at, name, "tensor " + quote(name) + " has unknown ggml type " + type);
        } else if (!overflow) {
          int block = GgmlType.blockSize(type);
          if (first % block != 0) {
            flag(MALFORMED_TENSOR, at, name, "first dimension " + first + " of tensor " + quote(name)
                + " is not a multiple of its block size " + block);
          } else if (GgmlType.blockBytes(type) > 0) {
            try {
              end = Math.addExact(offset, Math.multiplyExact(elements / block, GgmlType.blockBytes(type)));
            } catch (ArithmeticException e) {
              flag(MALFORMED_TENSOR, at, name, "data size of tensor " + quote(name) + " overflows 63 bits");
            }
          }
        }
        if (tracked) {
          spans.add(new long[] {offset, end, at});
        } else if (offset < 0 || offset % alignment != 0) {
          flag(MALFORMED_TENSOR, at, name, "tensor data offset " + Long.toUnsignedString(offset)
              + " is not a multiple of the alignment " + alignment);
        }
      }
      long dataStart = (r.position() + alignment - 1) / alignment * alignment;
      long dataSize = r.size() - dataStart;
      spans.sort(Comparator.comparingLong((long[] s) -> s[0]));
      long prevEnd = -1;
      for (long[] s : spans) {
        ctx.checkDeadline();
        if (s[0] < 0 || s[0] % alignment != 0) {
          flag(MALFORMED_TENSOR, s[2], "", "tensor data offset " + Long.toUnsignedString(s[0])
              + " is not a multiple of the alignment " + alignment);
        }
        if (s[0] < 0 || s[0] > dataSize || (s[1] >= 0 && s[1] > dataSize)) {
          flag(MALFORMED_TENSOR, s[2], "", "tensor data at offset " + Long.toUnsignedString(s[0])
              + (s[1] >= 0 ? " to " + s[1] : "") + " lies beyond the end of the file (" + dataSize
              + " bytes of tensor data)");
        }
        if (prevEnd > s[0]) {
          flag(MALFORMED_TENSOR, s[2], "", "tensor data at offset " + s[0] + " overlaps the previous tensor");
        }
        prevEnd = Math.max(prevEnd, s[1]);
      }
    }

    private void flag(Rule rule, long offset, String operator, String message) {
      report(rule, offset, rule.defaultSeverity(), operator, message);
    }

    private void report(Rule rule, long offset, Severity severity, String operator, String message) {
      int n = counts.merge(rule, 1, Integer::sum);
      if (n > MAX_FINDINGS_PER_RULE) {
        if (n == MAX_FINDINGS_PER_RULE + 1) {
          ctx.report(ctx.finding(rule).offset(offset).severity(severity).message("more than "
              + MAX_FINDINGS_PER_RULE + " findings of this rule; the rest are not reported").build());
        }
        return;
      }
      ctx.report(ctx.finding(rule).offset(offset).severity(severity).operator(operator).message(message).build());
    }
  }

  private static String quote(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return '"' + t.replaceAll("\\p{Cntrl}", "?") + '"';
  }
}
