package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that changes while it is scanned is never complete (issue 14, item 3). */
class ChangedInputTest {

  @TempDir Path dir;

  private static ModelScan scanner() {
    return ModelScan.builder()
        .registry(
            ScannerRegistry.builder()
                .discover(false)
                .add(new TestScanners.MarkerScanner())
                .add(new TestScanners.SelfEditingScanner())
                .build())
        .settings(ScanSettings.defaults())
        .parallelism(1)
        .build();
  }

  @Test
  void aFileThatGrowsDuringItsScanIsPartialWithAFinding() throws IOException {
    Path f = Files.write(dir.resolve("grows.edit"), ascii("EDIT 0100"));
    FileResult r = scanner().scanFile(f);
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.statusReason()).contains("changed while it was scanned", "9 to 109");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.INPUT_CHANGED.id());
  }

  @Test
  void aFileTruncatedDuringItsScanIsNotCompleteAndSaysSo() throws IOException {
    Path f = Files.write(dir.resolve("shrinks.edit"), ascii("EDIT -003"));
    FileResult r = scanner().scanFile(f);
    assertThat(r.status()).isIn(ScanStatus.PARTIAL, ScanStatus.FAILED);
    assertThat(r.findings()).extracting(Finding::ruleId).contains(StandardRules.INPUT_CHANGED.id());
  }

  @Test
  void aFileInAWalkedDirectoryIsCheckedToo() throws IOException {
    Files.write(dir.resolve("a.edit"), ascii("EDIT 0010"));
    Files.write(dir.resolve("b.mark"), ascii("MARK"));
    ScanReport report = scanner().scan(dir);
    assertThat(report.results().get(0).status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(report.results().get(0).findings())
        .extracting(Finding::ruleId)
        .containsExactly(StandardRules.INPUT_CHANGED.id());
    assertThat(report.results().get(1).status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(report.results().get(1).findings()).isEmpty();
  }
}
