package dev.modelscan.testkit;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
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
 * A well-behaved scanner for the test format "LINE": the magic {@code LINE\n}, then lines; a line {@code run ...} is
 * reported, a line longer than {@code maxStringBytes} is a limit, a NUL byte is malformed. Registered in this module's
 * test resources, so the contract's discovery test finds it.
 */
public class LineScanner implements ModelScanner {

  static final byte[] MAGIC = "LINE\n".getBytes(StandardCharsets.US_ASCII);

  static final Rule RUN =
      Rule.of("TEST-LINE-RUN", "Run line", "A line that runs a command.", Severity.CRITICAL, ThreatType.CODE_INJECTION);

  /** Creates the scanner. */
  public LineScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of("test-line", "1", "Test format LINE.", List.of("test-line"), List.of("line"));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    return head.startsWith(MAGIC) ? Recognition.of("test-line", Recognition.CERTAIN) : Recognition.none();
  }

  @Override
  public void scan(ScanContext context) throws IOException {
    byte[] all = context.source().readBytes(0, (int) context.source().size());
    int start = MAGIC.length;
    for (int i = start; i <= all.length; i++) {
      context.checkDeadline();
      if (i < all.length && all[i] == 0) {
        throw new MalformedContentException(i, "NUL byte in a LINE file");
      }
      if (i == all.length || all[i] == '\n') {
        if (i - start > context.limits().maxStringBytes()) {
          throw new ScanLimitExceededException(
              LimitType.STRING_BYTES, context.limits().maxStringBytes(), i - start, "line at " + start);
        }
        String line = new String(all, start, i - start, StandardCharsets.UTF_8);
        if (line.startsWith("run ")) {
          onRun(context, start, line);
        }
        start = i + 1;
      }
    }
  }

  /** Reports a run line; overridden by the broken scanners of the self test. */
  void onRun(ScanContext context, int offset, String line) {
    context.report(context.finding(RUN).offset(offset).message("runs: " + line).build());
  }

  @Override
  public List<Rule> rules() {
    return List.of(RUN);
  }
}
