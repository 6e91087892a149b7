package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static dev.modelscan.core.TestScanners.nest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that a model's scanner declares as its data (ONNX external data, SavedModel variables) are complete in a scan
 * of several paths when no scanner recognises them, and only then: they are never hidden from the scanners.
 */
class CompanionFilesTest {

  @TempDir Path dir;

  private static ModelScan scan(int parallelism) {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new TestScanners.MarkerScanner())
            .add(new TestScanners.NestScanner())
            .add(new TestScanners.CompanionScanner())
            .add(new TestScanners.PlainTextScanner())
            .build();
    return ModelScan.builder().registry(registry).parallelism(parallelism).build();
  }

  private static FileResult result(ScanReport report, Path file) {
    return report.results().stream().filter(r -> r.path().equals(file.toString())).findFirst().orElseThrow();
  }

  private Path write(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.write(p, content);
  }

  private static byte[] raw(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (0x80 | i * 37); // not text, no scanner's magic
    }
    return b;
  }

  @Test
  void aDeclaredFileThatNoScannerRecognisesIsModelData() throws IOException {
    write("model.decl", ascii("DECL weights.bin,sub/more.bin"));
    Path weights = write("weights.bin", raw(64));
    Path more = write("sub/more.bin", raw(32));
    Path stray = write("stray.bin", raw(16));
    for (int parallelism : new int[] {1, 2}) {
      ScanReport report = scan(parallelism).scan(dir);
      assertThat(result(report, weights).status()).isEqualTo(ScanStatus.COMPLETE);
      assertThat(result(report, weights).format()).isEqualTo(ScanContext.COMPANION_FORMAT);
      assertThat(result(report, more).format()).isEqualTo(ScanContext.COMPANION_FORMAT);
      // not declared: still skipped, so the directory is still incomplete
      assertThat(result(report, stray).status()).isEqualTo(ScanStatus.SKIPPED);
      assertThat(report.verdict()).isEqualTo(Verdict.INCOMPLETE);
    }
    Files.delete(stray);
    assertThat(scan(2).scan(dir).verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void aDeclaredFileThatAScannerRecognisesIsScannedAsThatFormat() throws IOException {
    write("model.decl", ascii("DECL weights.bin"));
    Path weights = write("weights.bin", ascii("MARK EVIL")); // named as data, content of another format
    ScanReport report = scan(1).scan(dir);
    assertThat(result(report, weights).format()).isEqualTo("marker");
    assertThat(result(report, weights).findings()).isNotEmpty();
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void withoutTheDeclaringFileInTheScanTheDataIsSkipped() throws IOException {
    write("model.decl", ascii("DECL weights.bin"));
    Path weights = write("weights.bin", raw(64));
    assertThat(scan(1).scan(weights).results().get(0).status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(scan(1).scanFile(weights).status()).isEqualTo(ScanStatus.SKIPPED);
    // both named explicitly: covered
    ScanReport both = scan(1).scan(dir.resolve("model.decl"), weights);
    assertThat(result(both, weights).format()).isEqualTo(ScanContext.COMPANION_FORMAT);
  }

  @Test
  void nestedContentCannotDeclareFiles() throws IOException {
    // The declaration comes from a member of a container, which has no directory of its own, and names the file
    // by its absolute path
    Path weights = write("weights.bin", raw(64));
    write("box.nest", nest("DECL " + weights.toAbsolutePath()));
    ScanReport report = scan(1).scan(dir);
    assertThat(result(report, weights).status()).isEqualTo(ScanStatus.SKIPPED);
    // the same declaration at the top level does cover it
    write("model.decl", ascii("DECL " + weights.toAbsolutePath()));
    assertThat(result(scan(1).scan(dir), weights).format()).isEqualTo(ScanContext.COMPANION_FORMAT);
  }

  @Test
  void aDeclaredFileSkippedForItsSizeStaysSkipped() throws IOException {
    // Never read, so never "model data": the size limit, not the declaration, decides
    write("model.decl", ascii("DECL weights.bin"));
    Path weights = write("weights.bin", raw(4096));
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(new TestScanners.CompanionScanner()).build();
    ScanReport report =
        ModelScan.builder().registry(registry).settings(ScanSettings.builder().maxFileSize(1024).build()).build()
            .scan(dir);
    assertThat(result(report, weights).status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(report.verdict()).isNotEqualTo(Verdict.CLEAN);
  }

  @Test
  void aScanReturnsItsDeclarationsAsValuesAndSaysWhetherItWasRecognised() throws IOException {
    Path model = write("model.decl", ascii("DECL weights.bin,../outside.bin,missing.bin"));
    Path weights = write("weights.bin", raw(64));
    ModelScan ms = scan(1);
    InputScan declaring;
    try (dev.modelscan.api.io.ByteSource src = dev.modelscan.api.io.ByteSource.open(model)) {
      declaring = ms.scanSource(src, model.toString(), java.util.Optional.of(ModelScan.localSiblings(model)));
    }
    // Only the regular file inside the folder is a declaration; a name out of it or a missing one is not.
    assertThat(declaring.companions())
        .extracting(dev.modelscan.api.spi.SiblingFile::location)
        .containsExactly(weights.toRealPath().toString());
    assertThat(declaring.unrecognised()).isFalse();
    assertThat(declaring.asCompanion()).isSameAs(declaring.result());

    InputScan data;
    try (dev.modelscan.api.io.ByteSource src = dev.modelscan.api.io.ByteSource.open(weights)) {
      data = ms.scanSource(src, weights.toString(), java.util.Optional.of(ModelScan.localSiblings(weights)));
    }
    assertThat(data.unrecognised()).isTrue();
    assertThat(data.location()).isEqualTo(weights.toRealPath().toString());
    assertThat(data.result().status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(data.asCompanion().format()).isEqualTo(ScanContext.COMPANION_FORMAT);
    assertThat(data.asCompanion().status()).isEqualTo(ScanStatus.COMPLETE);

    // Without a folder nothing can be declared, and the file is not matchable.
    InputScan bare = ms.scanSource(dev.modelscan.api.io.ByteSource.wrap(raw(8)), "x.bin", java.util.Optional.empty());
    assertThat(bare.unrecognised()).isTrue();
    assertThat(bare.location()).isEmpty();
  }
}
