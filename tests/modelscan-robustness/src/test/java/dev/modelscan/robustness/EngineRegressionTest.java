package dev.modelscan.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression tests for engine bugs found by the properties in this module (fixed in modelscan-core). */
class EngineRegressionTest {

  /**
   * A scanner that computes the offset of a problem from a hostile length field and gets a negative number, as the
   * TFLite scanner did for a flatbuffer vtable at -1310688 (found by {@code FixtureMutationPropertyTest}).
   */
  static final class NegativeOffsetScanner implements ModelScanner {
    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("negative-offset", "1", "test", List.of("neg"), List.of());
    }

    @Override
    public Recognition recognize(ContentHead head) {
      return head.startsWith("NEGO".getBytes(StandardCharsets.US_ASCII))
          ? Recognition.of("neg", Recognition.CERTAIN)
          : Recognition.none();
    }

    @Override
    public List<Rule> rules() {
      return List.of();
    }

    @Override
    public void scan(ScanContext ctx) {
      throw new MalformedContentException(-1_310_688, "vtable at -1310688 lies outside the content");
    }
  }

  /**
   * Bug: {@code DefaultScanContext.malformed} passed the scanner's offset to {@code Finding.Builder.offset}, which
   * rejects offsets below -1, so the IllegalArgumentException escaped {@code ModelScan.scanBytes} and {@code scan}.
   */
  @Test
  void aMalformedContentExceptionWithANegativeOffsetIsRecordedNotThrown() {
    ScannerRegistry registry = ScannerRegistry.builder().discover(false).add(new NegativeOffsetScanner()).build();
    ModelScan scan = ModelScan.builder().registry(registry).parallelism(1).build();

    FileResult r = scan.scanBytes("NEGO and more".getBytes(StandardCharsets.US_ASCII), "x.neg");

    assertThat(r.status()).isIn(ScanStatus.PARTIAL, ScanStatus.FAILED);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.MALFORMED_CONTENT.id());
    assertThat(r.findings().get(0).location().offset()).isEqualTo(-1);
    assertThat(r.statusReason()).contains("vtable");
  }
}
