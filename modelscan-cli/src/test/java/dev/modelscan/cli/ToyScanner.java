package dev.modelscan.cli;

import dev.modelscan.api.Rule;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A test-only scanner for files starting with {@code TOY!}: a HIGH finding per line {@code exec ...}, and a partial
 * status for a line {@code ???}. Lets the CLI tests produce every exit code independently of the format modules.
 */
public final class ToyScanner implements ModelScanner {
  static final Rule EXEC =
      Rule.of("TOY-EXEC", "Toy exec", "A toy command that would run.", Severity.HIGH, ThreatType.CODE_INJECTION);

  /** For ServiceLoader. */
  public ToyScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of("toy", "1", "toy format for CLI tests", List.of("toy"), List.of("toy"));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith("TOY!".getBytes(StandardCharsets.US_ASCII))
        ? Recognition.of("toy", Recognition.CERTAIN)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) throws java.io.IOException {
    String text =
        new String(ctx.source().readBytes(0, (int) ctx.source().size()), StandardCharsets.US_ASCII);
    long offset = 0;
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("exec ")) {
        ctx.report(
            ctx.finding(EXEC).offset(offset).module("toy").operator("exec").message("runs " + line).build());
      } else if (line.equals("oom")) {
        // What a scanner does when content makes it allocate more than the heap has; thrown, not provoked, so that
        // the test stays fast and does not starve the other tests of memory.
        throw new OutOfMemoryError("toy: Java heap space");
      } else if (line.equals("???")) {
        ctx.markPartial("unknown line at " + offset);
      }
      offset += line.length() + 1;
    }
  }

  @Override
  public List<Rule> rules() {
    return List.of(EXEC);
  }
}
