package dev.modelscan.tokenizers;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.jinja.TemplateAnalyzer;
import dev.modelscan.jinja.TemplateIssue;
import dev.modelscan.jinja.TemplateRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Analyses standalone Jinja2 template files of a model: {@code chat_template.jinja} (which Hugging Face transformers
 * saves beside the tokenizer and loads as the chat template), and {@code *.jinja}, {@code *.j2}, {@code *.jinja2},
 * {@code *.template} files. Runtimes render these; one rendered outside a sandbox runs whatever its expressions reach
 * (CVE-2024-34359 class), so the whole file goes through the shared {@link TemplateAnalyzer} and every issue is
 * reported under {@link TemplateRules#TEMPLATE_INJECTION}, the rule GGUF templates and tokenizer configs use too.
 *
 * <p>Recognition: the name must be a template name (one of the extensions above, or a file name starting with {@code
 * chat_template} that is not JSON) and the head must be UTF-8 text. With Jinja delimiters (<code>&#123;&#123;</code>,
 * <code>&#123;%</code> or <code>&#123;#</code>) in the head the claim is {@link Recognition#PROBABLE}; without them it is still made, just above plain
 * text, because a template's first code may come after the head and recognition must not depend on a window: a
 * template-named text file is always analysed whole. The content decides nothing else: a pickle or an archive under a
 * template name is claimed by its own scanner with more confidence.
 *
 * <p>Scan: the file is read whole (bounded by {@code maxStringBytes}; a larger file is a reached limit, never clean),
 * decoded as strict UTF-8 as Python's loaders read it (malformed bytes are reported as malformed), and analysed in
 * linear time with the scan's deadline. One finding is reported per file, with the severity of the strongest issue,
 * its offset in bytes, and up to eight indicators in the message.
 */
@AutoService(ModelScanner.class)
public final class TemplateFileScanner implements ModelScanner {

  static final String FORMAT = "jinja-template";

  private static final Set<String> EXTENSIONS = Set.of("jinja", "j2", "jinja2", "template");

  /** Just above plain text ({@link Recognition#WEAK}): a template name on a text head with no delimiter yet. */
  static final int NAMED_TEXT = Recognition.WEAK + 5;

  private static final int INDICATORS_IN_MESSAGE = 8;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public TemplateFileScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "jinja-template", ModelScanVersion.current(),
        "Standalone Jinja2 template files (chat_template.jinja, *.j2, ...): sandbox-escape analysis",
        List.of(FORMAT), List.copyOf(new java.util.TreeSet<>(EXTENSIONS)));
  }

  @Override
  public List<Rule> rules() {
    return List.of(TemplateRules.TEMPLATE_INJECTION);
  }

  @Override
  public Recognition recognize(ContentHead head) {
    if (head.headLength() == 0 || !isTemplateName(head)) {
      return Recognition.none();
    }
    byte[] bytes = new byte[head.headLength()];
    head.head().get(bytes);
    if (!isText(bytes, !head.isComplete())) {
      return Recognition.none();
    }
    return Recognition.of(FORMAT, hasDelimiter(bytes) ? Recognition.PROBABLE : NAMED_TEXT);
  }

  static boolean isTemplateName(ContentHead head) {
    String name = head.name();
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String base = name.substring(slash + 1).toLowerCase(Locale.ROOT);
    String ext = head.extension();
    return EXTENSIONS.contains(ext) || (base.startsWith("chat_template") && !"json".equals(ext));
  }

  private static boolean hasDelimiter(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '{' && (b[i + 1] == '{' || b[i + 1] == '%' || b[i + 1] == '#')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the bytes are UTF-8 text: no NUL or C0 control other than tab, newline, carriage return and form feed,
   * and well-formed UTF-8 (a sequence cut at the end counts when {@code truncated}).
   */
  static boolean isText(byte[] b, boolean truncated) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
          return false;
        }
        i++;
        continue;
      }
      int len = Utf8.sequenceLength(b, i, b.length);
      if (len <= 0) {
        return len < 0 && truncated;
      }
      i += len;
    }
    return true;
  }


  @Override
  public void scan(ScanContext ctx) throws IOException {
    ByteSource source = ctx.source();
    long size = source.size();
    ctx.limits().check(LimitType.STRING_BYTES, size, "template file");
    byte[] bytes = new byte[(int) size];
    int pos = 0;
    while (pos < bytes.length) {
      ctx.checkDeadline();
      int n = source.read(pos, bytes, pos, Math.min(1 << 16, bytes.length - pos));
      if (n <= 0) {
        throw new IOException("template file ended at byte " + pos + " of " + size);
      }
      pos += n;
    }
    String text = decode(bytes);
    List<TemplateIssue> issues = TemplateAnalyzer.analyze(text, ctx::checkDeadline);
    if (issues.isEmpty()) {
      return;
    }
    Severity worst = issues.get(0).severity();
    ctx.report(ctx.finding(TemplateRules.TEMPLATE_INJECTION)
        .severity(worst)
        .offset(byteOffset(text, issues.get(0).offset()))
        .message("Jinja2 template contains " + TemplateAnalyzer.describe(issues, INDICATORS_IN_MESSAGE)
            + ". A runtime that renders it outside a Jinja2 sandbox runs attacker-chosen code when the model is"
            + " used.")
        .build());
  }

  /** Strict UTF-8, as Python's {@code open(..., encoding="utf-8")} reads the file; a loader fails on anything else. */
  private static String decode(byte[] bytes) throws MalformedContentException {
    int at = Utf8.firstInvalid(bytes, 0, bytes.length);
    if (at >= 0) {
      throw new MalformedContentException(at, "template file is not valid UTF-8 (at byte " + at + ")");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }


  /** The UTF-8 byte offset of a char offset. */
  static long byteOffset(String text, int charOffset) {
    long bytes = 0;
    for (int i = 0; i < charOffset && i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
