package dev.modelscan.examples.toy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Through the engine: discovered with no configuration, and nested blobs dispatched again by content. */
class ToyFormatEngineTest {

  @Test
  void theDefaultRegistryDiscoversTheScanner() {
    assertThat(ScannerRegistry.loadDefault().scanners()).anyMatch(s -> s instanceof ToyFormatScanner);
  }

  @Test
  void aToyModelInsideAToyModelIsScannedByContent() {
    String inner = "TOYM 1\nexec echo nested\n";
    String outer = "TOYM 1\nblob inner.bin " + inner.length() + "\n" + inner + "print done\n";

    FileResult r = ModelScan.builder().build().scanBytes(outer.getBytes(StandardCharsets.UTF_8), "outer.toym");

    assertThat(r.format()).isEqualTo(ToyFormatScanner.FORMAT);
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(ToyFormatScanner.EXEC);
      assertThat(f.location().entry()).isEqualTo("inner.bin");
    });
  }

  @Test
  void aBlobNoScannerKnowsMakesTheFileIncomplete() {
    String outer = "TOYM 1\nblob data.bin 4\n\u0000\u0001\u0002\u0003\n";
    FileResult r = ModelScan.builder().build().scanBytes(outer.getBytes(StandardCharsets.UTF_8), "m.toym");
    assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain(ToyFormatScanner.EXEC.id());
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
  }
}
