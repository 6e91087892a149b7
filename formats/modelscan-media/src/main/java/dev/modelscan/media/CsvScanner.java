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
import java.util.Locale;

/**
 * CSV and TSV tables (training data, metrics, label maps). Recognised when the content is text and the name says
 * {@code .csv} or {@code .tsv}: the name only raises a weak text claim, it never makes one for binary content. The
 * whole file is read as UTF-8 text and its quoting checked as RFC 4180 describes it; a quote left open swallows the
 * rest of the file into one field, which is reported (LOW).
 */
@AutoService(ModelScanner.class)
public final class CsvScanner extends MediaScanner {

  /** The format id of comma-separated tables. */
  public static final String CSV = "csv";

  /** The format id of tab-separated tables. */
  public static final String TSV = "tsv";

  private static final ScannerDescriptor DESCRIPTOR =
      ScannerDescriptor.of(
          "csv", ModelScanVersion.current(),
          "CSV and TSV tables read as text, quoting checked.", List.of(CSV, TSV), List.of());

  /** Creates the scanner. */
  public CsvScanner() {
    super(DESCRIPTOR, List.of(MediaRules.MALFORMED_TEXT));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    String ext = head.extension();
    if (!ext.equals(CSV) && !ext.equals(TSV) || !Text.headIsText(head)) {
      return Recognition.none();
    }
    // Just above plain text (WEAK), so that the table is reported as what it is; any scanner with real evidence wins.
    return Recognition.of(ext.toLowerCase(Locale.ROOT), Recognition.WEAK + 1);
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    boolean[] inQuotes = {false};
    long[] openedAt = {-1};
    boolean text = Text.read(context, (cp, at) -> {
      if (cp == '"') {
        inQuotes[0] = !inQuotes[0];
        if (inQuotes[0]) {
          openedAt[0] = at;
        }
      }
    });
    if (text && inQuotes[0]) {
      context.report(
          context.finding(MediaRules.MALFORMED_TEXT)
              .offset(openedAt[0])
              .message("A quoted field opened at offset " + openedAt[0] + " is never closed; CSV readers take the"
                  + " rest of the file as one field.")
              .build());
    }
  }
}
