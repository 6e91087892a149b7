package dev.modelscan.archive;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A toy payload format for end-to-end tests (core has no pickle scanner): content starting with {@code MARKER} is
 * claimed, and every {@code EVIL} in it is a critical finding. Registered explicitly, not through ServiceLoader.
 */
final class MarkerTestScanner implements ModelScanner {

  static final Rule EVIL =
      Rule.of(
          "TEST-MARKER-EVIL", "Toy payload", "The toy payload EVIL.", Severity.CRITICAL, ThreatType.DESERIALIZATION);

  static byte[] payload(String text) {
    return ("MARKER " + text).getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public ScannerDescriptor descriptor() {
    // It stands in for the pickle scanner in these tests, so it owns .pkl as that scanner does.
    return ScannerDescriptor.of("marker", "1", "toy payload format", List.of("marker"), List.of("marker", "pkl"));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith("MARKER".getBytes(StandardCharsets.US_ASCII))
        ? Recognition.of("marker", Recognition.CERTAIN)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    int n = (int) Math.min(ctx.source().size(), 1 << 20);
    String s = new String(ctx.source().readBytes(0, n), StandardCharsets.ISO_8859_1);
    for (int i = s.indexOf("EVIL"); i >= 0; i = s.indexOf("EVIL", i + 1)) {
      ctx.report(ctx.finding(EVIL).offset(i).message("EVIL at " + i).build());
    }
  }

  @Override
  public List<Rule> rules() {
    return List.of(EVIL);
  }
}
