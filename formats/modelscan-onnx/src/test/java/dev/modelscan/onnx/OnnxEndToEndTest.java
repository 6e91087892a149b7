package dev.modelscan.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the engine: discovery, dispatch by content, and the input file that the symlink check needs. */
class OnnxEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void cleanModelIsCompleteWithoutFindings() {
    FileResult r = modelScan.scanBytes(OnnxScannerTest.fixture("clean.onnx"), "model.onnx");
    assertThat(r.format()).isEqualTo("onnx");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void traversalIsFoundInAModelWithoutItsExtension() {
    FileResult r = modelScan.scanBytes(OnnxScannerTest.fixture("external_nested_traversal.onnx"), "model.bin");
    assertThat(r.format()).isEqualTo("onnx");
    assertThat(r.findings()).extracting(Finding::ruleId).contains("ONNX-EXTERNAL-DATA-TRAVERSAL");
  }

  @Test
  void symlinkEscapeIsFoundWhenScanningAFile(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Path secret = Files.write(tmp.resolve("secret.bin"), new byte[16]);
    try {
      Files.createSymbolicLink(dir.resolve("weights.bin"), secret);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links not supported here");
    }
    Path model = Files.write(dir.resolve("model.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    FileResult r = modelScan.scanFile(model);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-TRAVERSAL");
  }

  @Test
  void aModelDirectoryWithItsExternalDataIsCleanAndComplete(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("model.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    Path weights = Files.write(tmp.resolve("weights.bin"), OnnxScannerTest.fixture("weights.bin"));
    ScanReport report = modelScan.scan(tmp);
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
    FileResult data = report.results().stream().filter(r -> r.path().equals(weights.toString())).findFirst()
        .orElseThrow();
    assertThat(data.format()).isEqualTo(ScanContext.COMPANION_FORMAT);
    assertThat(data.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void externalDataOutOfRangeStaysSkippedBesideTheFinding(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("model.onnx"), OnnxScannerTest.fixture("external_inside.onnx"));
    Path weights = Files.write(tmp.resolve("weights.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0x88});
    ScanReport report = modelScan.scan(tmp);
    FileResult data = report.results().stream().filter(r -> r.path().equals(weights.toString())).findFirst()
        .orElseThrow();
    assertThat(data.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }
}
