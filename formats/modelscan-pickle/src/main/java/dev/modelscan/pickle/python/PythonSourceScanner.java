package dev.modelscan.pickle.python;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Analyses Python source as code, not text: loose {@code .py} files of a model repository (the modules that {@code
 * auto_map} names and {@code trust_remote_code} imports, custom modelling files) and the TorchScript code of a {@code
 * torch.jit.save} archive ({@code <archive>/code/__torch__/**.py}), which {@code torch.jit.load} compiles and runs (a
 * scripted {@code __setstate__} runs while loading).
 *
 * <p>The source is tokenized (strings of every form, comments, f-string fields), import aliases are resolved, and every
 * dotted name that is used is judged against a table of capabilities: running commands, evaluating source, native
 * code, run-time imports, network, files and unsafe deserializers. In TorchScript code every such use is HIGH, and
 * operators of namespaces that PyTorch does not ship ({@code torch.ops.<ns>}) are reported. A modelling file that only
 * imports torch and transformers has no findings.
 *
 * <p>Claims content named {@code .py} whose head is text, above the plain-text claim (so source is never merely
 * "text") and below any format with magic bytes. Reads at most {@code maxStringBytes} of source.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class PythonSourceScanner implements ModelScanner {

  /** The format of a loose Python source file. */
  public static final String PYTHON = "python";

  /** The format of TorchScript code inside a TorchScript archive. */
  public static final String TORCHSCRIPT_CODE = "torchscript-code";

  /** Above a plain-text claim and a name-only claim, below magic-byte formats and a shebang script's claim. */
  static final int CONFIDENCE = Recognition.PROBABLE + 10;

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "python-source",
          ModelScanVersion.current(),
          "Python source and TorchScript code: calls that run commands, evaluate code, reach files or the network",
          List.of(PYTHON, TORCHSCRIPT_CODE),
          List.of("py"));

  /** Capability namespaces of operator libraries that are common in published models: reported LOW, not MEDIUM. */
  private static final Set<String> KNOWN_OP_LIBRARIES =
      Set.of("torchvision", "torchaudio", "torchtext", "fbgemm", "mkldnn", "mkl", "xnnpack", "_torchvision_ops");

  /** PEP 263: a coding declaration in a comment on line 1 or 2. */
  private static final Pattern CODING = Pattern.compile("^[ \\t\\f]*#.*?coding[:=][ \\t]*([-\\w.]+)");

  private static final int MAX_FINDINGS = 200;

  /** Creates the scanner; it is stateless. */
  public PythonSourceScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return SourceRules.all();
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!head.extension().equals("py") || head.headLength() == 0 || !looksLikeText(head)) {
      return Recognition.none();
    }
    return Recognition.of(isTorchScriptCode(head.name()) ? TORCHSCRIPT_CODE : PYTHON, CONFIDENCE);
  }

  /**
   * Whether a member name is TorchScript source: {@code <root>/code/__torch__...py}, where torch.jit.save writes the
   * compiled module's code ({@code code/__torch__.py}, {@code code/__torch__/torch/nn/modules/linear.py}).
   */
  static boolean isTorchScriptCode(String name) {
    String n = name.replace('\\', '/');
    // torch.jit.save writes every module's code under code/__torch__ (python_print's qualified names).
    return (n.contains("/code/__torch__") || n.startsWith("code/__torch__")) && n.endsWith(".py");
  }

  private static boolean looksLikeText(ContentHead head) {
    int n = head.headLength();
    int controls = 0;
    for (int i = 0; i < n; i++) {
      int b = head.headByte(i);
      if (b == 0) {
        return false;
      }
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && ++controls > 8) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    boolean torchscript = ctx.format().equals(TORCHSCRIPT_CODE);
    ByteSource src = ctx.source();
    long size = src.size();
    int max = ctx.limits().maxStringBytes();
    int n = (int) Math.min(size, max);
    byte[] bytes = src.readBytes(0, n);
    if (size > max) {
      // The rest is not analysed; what was read still is (a payload in the first part is reported).
      ctx.limitReached(
          ctx.limits().exceeded(LimitType.STRING_BYTES, size, "Python source of " + size + " bytes"),
          max);
    }
    Decoded d = decode(ctx, bytes);
    SourceAnalysis a = SourceAnalysis.run(d.text, torchscript, ctx::checkDeadline);
    report(ctx, a, torchscript, new TextOffsets(d.text, d.base, d.unitBytes));
    if (a.namesCapped()) {
      ctx.markPartial("more than " + SourceAnalysis.MAX_NAMES + " distinct names; the rest were not judged");
    }
  }

  /**
   * Decodes the source as Python does: UTF-8 (BOM skipped) unless a PEP 263 line names another encoding. An encoding
   * that is not a superset of ASCII, or that Java does not know (UTF-7), is reported and the bytes are read as UTF-8.
   */
  /** Decoded source and how to map its character offsets back to bytes. */
  private record Decoded(String text, int base, int unitBytes) {}

  private static Decoded decode(ScanContext ctx, byte[] bytes) {
    int from = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    Charset cs = StandardCharsets.UTF_8;
    String declared = declaredEncoding(bytes, from);
    if (declared != null) {
      String norm = declared.toLowerCase(Locale.ROOT).replace('_', '-');
      if (!(norm.equals("utf-8") || norm.equals("utf8") || norm.startsWith("utf-8-") || norm.equals("ascii")
          || norm.equals("us-ascii"))) {
        Charset named = null;
        if (norm.startsWith("latin") || norm.startsWith("iso-8859") || norm.startsWith("iso8859")
            || norm.startsWith("cp125") || norm.startsWith("windows-125") || norm.equals("cp1252")) {
          try {
            named = Charset.forName(norm.startsWith("latin") ? "ISO-8859-1" : norm);
          } catch (IllegalArgumentException e) {
            named = null;
          }
        }
        if (named != null) {
          cs = named;
        } else {
          ctx.report(
              ctx.finding(SourceRules.SOURCE_ENCODING)
                  .offset(0)
                  .message(
                      "The source declares the encoding '"
                          + printable(declared)
                          + "'. Python decodes it with that encoding before compiling; it was read as UTF-8 here, so"
                          + " the code that runs may differ from what was analysed.")
                  .build());
          ctx.markPartial("source encoding '" + printable(declared) + "' is not decoded");
        }
      }
    }
    CharsetDecoder dec =
        cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    int unit = cs.equals(StandardCharsets.UTF_8) ? 0 : 1;
    try {
      return new Decoded(dec.decode(ByteBuffer.wrap(bytes, from, bytes.length - from)).toString(), from, unit);
    } catch (java.nio.charset.CharacterCodingException e) {
      // Not reached with REPLACE.
      return new Decoded(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8), from, 0);
    }
  }

  private static String declaredEncoding(byte[] bytes, int from) {
    int lineStart = from;
    for (int line = 0; line < 2 && lineStart < bytes.length; line++) {
      int end = lineStart;
      while (end < bytes.length && end - lineStart < 512 && bytes[end] != '\n') {
        end++;
      }
      String l = new String(bytes, lineStart, end - lineStart, StandardCharsets.ISO_8859_1);
      Matcher m = CODING.matcher(l);
      if (m.find()) {
        return m.group(1);
      }
      String stripped = l.strip();
      if (!stripped.isEmpty() && !stripped.startsWith("#")) {
        return null; // PEP 263: the second line counts only when the first is a comment or blank
      }
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineStart = end + 1;
    }
    return null;
  }

  private static void report(ScanContext ctx, SourceAnalysis a, boolean torchscript, TextOffsets offsets) {
    Capabilities table = Capabilities.builtin();
    int reported = 0;
    int suppressed = 0;
    for (SourceAnalysis.Use u : a.uses().values()) {
      String[] parts = u.name.split("\\.", SourceAnalysis.MAX_PARTS + 1);
      int count = Math.min(parts.length, SourceAnalysis.MAX_PARTS);
      Capabilities.Entry e = table.lookup(parts, count);
      String resolved = u.name;
      if (e == null && parts.length == 1) {
        // "from os import *" then "system(...)": the bare name may come from any star-imported module.
        // The last star import binds a name that several of them export, as in Python.
        for (String m : reversedCopy(a.starModules())) {
          String[] p = (m + "." + u.name).split("\\.", SourceAnalysis.MAX_PARTS + 1);
          e = table.lookup(p, Math.min(p.length, SourceAnalysis.MAX_PARTS));
          if (e != null) {
            resolved = m + "." + u.name;
            break;
          }
        }
      }
      Rule rule;
      Severity severity;
      String effect;
      if (e != null) {
        severity = torchscript ? e.torchscript() : e.python();
        rule = SourceRules.of(e.category());
        effect = e.category().effect();
      } else {
        String ns = torchscript ? SourceAnalysis.customNamespace(u.name) : null;
        if (ns == null) {
          continue;
        }
        rule = SourceRules.CUSTOM_OP;
        severity = KNOWN_OP_LIBRARIES.contains(ns) ? Severity.LOW : Severity.MEDIUM;
        effect =
            "runs a native operator of the '"
                + printable(ns)
                + "' namespace, which PyTorch does not ship: a library registered by the loading process";
      }
      if (severity == null) {
        continue;
      }
      if (reported >= MAX_FINDINGS) {
        suppressed++;
        continue;
      }
      reported++;
      int dot = resolved.lastIndexOf('.');
      String how = u.called ? "calls" : u.imported ? "imports" : "refers to";
      String where =
          torchscript
              ? "This TorchScript code runs when the archive is loaded (torch.jit.load, and torch.load before 2.6);"
                  + " a scripted __setstate__ runs during loading."
              : "Python source runs when it is imported: as repository code a loader imports with"
                  + " trust_remote_code, or when it is run.";
      ctx.report(
          ctx.finding(rule)
              .severity(severity)
              .offset(offsets.byteOffset(u.firstOffset))
              .module(dot > 0 ? resolved.substring(0, dot) : resolved)
              .operator(dot > 0 ? resolved.substring(dot + 1) : "")
              .message(
                  "The "
                      + (torchscript ? "TorchScript code " : "source ")
                      + how
                      + " "
                      + printable(resolved)
                      + " (line "
                      + u.firstLine
                      + (u.count > 1 ? ", " + u.count + " uses" : "")
                      + "), which "
                      + effect
                      + ". "
                      + where)
              .build());
    }
    if (suppressed > 0) {
      ctx.markPartial(suppressed + " more capability uses were found but not reported (at most " + MAX_FINDINGS + ")");
    }
  }

  private static List<String> reversedCopy(List<String> l) {
    List<String> r = new java.util.ArrayList<>(l);
    java.util.Collections.reverse(r);
    return r;
  }

  /** Bounds and escapes text from the file for messages. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7F ? '?' : c);
    }
    if (s.length() > 200) {
      sb.append("...");
    }
    return sb.toString();
  }

  /** For tests: the uses the analysis finds, by resolved name. */
  static Map<String, SourceAnalysis.Use> usesOf(String source, boolean torchscript) {
    return SourceAnalysis.run(source, torchscript, () -> {}).uses();
  }
}
