package dev.modelscan.h5;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Scans Keras JSON configurations: the {@code config.json} and {@code metadata.json} of Keras 3 {@code .keras}
 * archives (which the zip scanner dispatches here by content), and stand-alone Keras model JSON ({@code
 * model.to_json()}).
 *
 * <p>The document is read as Python's {@code json.loads} reads it (escapes decoded, the last duplicate key wins,
 * duplicates reported) and every object in it is analysed: Lambda layers and {@code __lambda__} objects with what
 * their bytecode references, {@code module}/{@code class_name}/{@code registered_name} references outside Keras,
 * non-modelling Keras APIs (the safe_mode bypasses), callables named by string, and base64 payloads such as a
 * TorchModuleWrapper's pickle, which are decoded and handed back for scanning by content.
 *
 * @since 0.1
 */
@AutoService(ModelScanner.class)
public final class KerasConfigScanner implements ModelScanner {

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "keras-config",
          ModelScanVersion.current(),
          "Keras JSON configurations (config.json of .keras archives, model JSON): Lambda layers, module references,"
              + " non-modelling APIs, embedded payloads",
          List.of("keras-config"),
          // No extensions: .json is a generic container (tokenizer configs, labels, indexes), so a JSON file that is
          // not a Keras configuration must not be reported as a name that disagrees with its content.
          List.of());

  /** Creates the scanner; it holds no state. */
  public KerasConfigScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public List<Rule> rules() {
    return KerasRules.KERAS;
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (!mayStartJson(head)) {
      return Recognition.none(); // every member of every archive passes here: binary content is turned away cheaply
    }
    String text = headText(head);
    int i = 0;
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      i = 1; // byte order mark: json.loads(bytes) accepts it
    }
    while (i < text.length() && isJsonSpace(text.charAt(i))) {
      i++;
    }
    if (i >= text.length() || text.charAt(i) != '{') {
      return Recognition.none();
    }
    boolean kerasShaped =
        text.contains("\"class_name\"") && text.contains("\"config\"") || text.contains("\"keras_version\"");
    if (kerasShaped) {
      return Recognition.of("keras-config", Recognition.STRONG);
    }
    String base = baseName(head.name());
    if (base.equals("config.json") || base.equals("metadata.json")) {
      return Recognition.of("keras-config", Recognition.PROBABLE);
    }
    return Recognition.none();
  }

  /**
   * Whether the content can start a JSON object in any encoding {@link #headText} accepts: after ASCII white space, a
   * {@code '{'}, a zero byte (UTF-16/32) or the first byte of a byte order mark.
   */
  private static boolean mayStartJson(ContentHead head) {
    int n = head.headLength();
    for (int i = 0; i < n; i++) {
      int b = head.headByte(i);
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        continue;
      }
      return b == '{' || b == 0 || b == 0xEF || b == 0xFE || b == 0xFF;
    }
    return false;
  }

  /**
   * The first 4 KiB of the head as text, in the encoding Python's {@code json.detect_encoding} picks for bytes:
   * UTF-8 (with or without BOM), UTF-16 or UTF-32 by BOM or by the position of zero bytes. A config.json written in
   * UTF-16 is still a config Keras loads, so it must not slip past as unrecognised.
   */
  private static String headText(ContentHead head) {
    int n = Math.min(head.headLength(), 4096);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) head.headByte(i);
    }
    java.nio.charset.Charset cs = StandardCharsets.UTF_8;
    if (n >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE && b[2] == 0 && b[3] == 0) {
      cs = java.nio.charset.Charset.forName("UTF-32LE");
    } else if (n >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xFF) == 0xFE && (b[3] & 0xFF) == 0xFF) {
      cs = java.nio.charset.Charset.forName("UTF-32BE");
    } else if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
      cs = StandardCharsets.UTF_16LE;
    } else if (n >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
      cs = StandardCharsets.UTF_16BE;
    } else if (n >= 4 && b[0] == 0) {
      cs = b[1] != 0 ? StandardCharsets.UTF_16BE : java.nio.charset.Charset.forName("UTF-32BE");
    } else if (n >= 4 && b[1] == 0) {
      cs = b[2] != 0 || b[3] != 0 ? StandardCharsets.UTF_16LE : java.nio.charset.Charset.forName("UTF-32LE");
    }
    return new String(b, cs);
  }

  private static boolean isJsonSpace(char b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  private static String baseName(String name) {
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    return name.substring(slash + 1).toLowerCase(Locale.ROOT);
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    long size = ctx.source().size();
    long max = Math.min(ctx.limits().maxHeaderBytes(), Integer.MAX_VALUE - 8L);
    if (size > max) {
      throw new ScanLimitExceededException(LimitType.HEADER_BYTES, max, size, "Keras JSON configuration");
    }
    byte[] bytes = ctx.source().readBytes(0, (int) size);
    String name = ctx.name().isEmpty() ? "configuration" : baseName(ctx.name());
    JsonTree tree = JsonTree.parse(bytes, ctx.limits());
    if (tree.trailingData()) {
      String m = name + " has data after the JSON value; Python's json.loads rejects it";
      ctx.report(ctx.finding(StandardRules.MALFORMED_CONTENT).message(m).build());
      ctx.markPartial(m);
    }
    new KerasConfigAnalyzer(ctx, name).analyze(tree);
  }
}
