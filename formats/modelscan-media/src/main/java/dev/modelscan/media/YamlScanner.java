package dev.modelscan.media;

import com.google.auto.service.AutoService;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.util.List;

/**
 * YAML files (training configs, dataset cards, model-index metadata) that no config scanner claims. Recognised when the
 * content is text and the name says {@code .yaml} or {@code .yml}. The whole file is read as text and Python tags are
 * reported: PyYAML's {@code constructor.py} ({@code FullConstructor}/{@code UnsafeConstructor}) maps {@code
 * tag:yaml.org,2002:python/object/apply:}, {@code python/object/new:}, {@code python/object:}, {@code python/name:}
 * and {@code python/module:} to imports and calls; {@code !!python/...} is the short form and a {@code %TAG} directive
 * can spell the prefix out, so both spellings are looked for.
 */
@AutoService(ModelScanner.class)
public final class YamlScanner extends MediaScanner {

  /** The format id. */
  public static final String FORMAT = "yaml";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "yaml", ModelScanVersion.current(),
          "YAML read as text; Python object tags (!!python/...) reported.", List.of(FORMAT), List.of());

  private static final String[] TAGS = {"!!python/", "tag:yaml.org,2002:python/"};

  /** Creates the scanner. */
  public YamlScanner() {
    super(DESCRIPTOR, List.of(MediaRules.YAML_PYTHON_TAG));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    String ext = head.extension();
    if (!ext.equals("yaml") && !ext.equals("yml") || !Text.headIsText(head)) {
      return Recognition.none();
    }
    // Just above plain text (WEAK): configuration scanners with real evidence (a _target_ key) claim higher.
    return Recognition.of(FORMAT, Recognition.WEAK + 1);
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    int[] matched = new int[TAGS.length];
    boolean[] reported = {false};
    StringBuilder tag = new StringBuilder();
    long[] tagAt = {-1};
    Text.read(context, (cp, at) -> {
      if (tagAt[0] >= 0) {
        // The callable after the tag prefix, for the message: up to white space or a bounded length.
        if (cp > ' ' && tag.length() < 120) {
          tag.appendCodePoint(cp);
          return;
        }
        reportTag(context, tagAt[0], tag.toString());
        tagAt[0] = -1;
      }
      for (int i = 0; i < TAGS.length; i++) {
        String t = TAGS[i];
        if (cp == t.charAt(matched[i])) {
          matched[i]++;
        } else {
          matched[i] = cp == t.charAt(0) ? 1 : 0;
        }
        if (matched[i] == t.length()) {
          matched[i] = 0;
          if (!reported[0]) {
            reported[0] = true;
            tagAt[0] = at - t.length() + 1;
            tag.setLength(0);
            tag.append("python/");
          }
        }
      }
    });
    if (tagAt[0] >= 0) {
      reportTag(context, tagAt[0], tag.toString());
    }
  }

  private static void reportTag(ScanContext context, long at, String tag) {
    context.report(
        context.finding(MediaRules.YAML_PYTHON_TAG)
            .offset(Math.max(-1, at))
            .message("The YAML carries the tag " + tag + ": yaml.load with an unsafe loader imports and calls what"
                + " it names. Load it with yaml.safe_load, which refuses the tag.")
            .build());
  }
}
