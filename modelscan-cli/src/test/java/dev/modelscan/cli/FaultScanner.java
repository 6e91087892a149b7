package dev.modelscan.cli;

import dev.modelscan.api.Rule;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A test-only plugin that fails as the JVM fails: files starting with {@code FLT!internal} make its scan throw an
 * InternalError (what reading a memory-mapped file that was truncated raises), and while the system property {@value
 * #RULES_OOM} is set its {@link #rules()} throws an OutOfMemoryError, which the command meets outside any file's scan
 * (it asks for the rules to write a SARIF report): a whole-process out-of-memory.
 */
public final class FaultScanner implements ModelScanner {
  static final String RULES_OOM = "modelscan.test.rulesOutOfMemory";

  /** For ServiceLoader. */
  public FaultScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of("fault", "1", "fails like the JVM, for CLI tests", List.of("fault"), List.of());
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith("FLT!".getBytes(StandardCharsets.US_ASCII))
        ? Recognition.of("fault", Recognition.CERTAIN)
        : Recognition.none();
  }

  @Override
  public void scan(ScanContext ctx) {
    throw new InternalError("a fault occurred in an unsafe memory access operation");
  }

  @Override
  public List<Rule> rules() {
    if (System.getProperty(RULES_OOM) != null) {
      throw new OutOfMemoryError("Java heap space");
    }
    return List.of();
  }
}
