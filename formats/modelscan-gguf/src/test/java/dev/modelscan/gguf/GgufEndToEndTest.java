package dev.modelscan.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import org.junit.jupiter.api.Test;

/** Through the engine: the scanner is discovered by ServiceLoader and dispatched by content, not by name. */
class GgufEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void cleanGgufIsCompleteWithoutFindings() {
    FileResult r = modelScan.scanBytes(GgufScannerTest.fixture("clean.gguf"), "model.gguf");
    assertThat(r.format()).isEqualTo("gguf");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void maliciousTemplateIsFoundWhateverTheFileIsCalled() {
    FileResult r = modelScan.scanBytes(GgufScannerTest.fixture("template_ssti.gguf"), "weights.bin");
    assertThat(r.format()).isEqualTo("gguf");
    assertThat(r.findings()).extracting(Finding::ruleId).contains("JINJA-TEMPLATE-INJECTION");
    assertThat(r.maxSeverity()).contains(Severity.CRITICAL);
  }

  @Test
  void truncatedGgufIsNotComplete() {
    byte[] bytes = GgufScannerTest.fixture("clean.gguf");
    FileResult r = modelScan.scanBytes(java.util.Arrays.copyOf(bytes, 200), "cut.gguf");
    assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).extracting(Finding::ruleId).contains("MODELSCAN-MALFORMED");
  }
}
