package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Throwable a scan of one file can raise stays with that file, on every path into the engine (issue 14, item
 * 3): the file is FAILED with a finding saying why, findings made before are kept, other files keep their results.
 */
class ErrorContainmentTest {

  @TempDir Path dir;

  private static ModelScan scanner(int parallelism) {
    return ModelScan.builder()
        .registry(
            ScannerRegistry.builder()
                .discover(false)
                .add(new TestScanners.MarkerScanner())
                .add(new TestScanners.ErrorScanner())
                .add(new TestScanners.LinkageRecognizer())
                .build())
        .settings(ScanSettings.defaults())
        .parallelism(parallelism)
        .build();
  }

  private static void failedWithReason(FileResult r, String kind) {
    assertThat(r.status()).as(kind).isEqualTo(ScanStatus.FAILED);
    assertThat(r.findings()).extracting(Finding::ruleId)
        .as(kind)
        .contains("TEST-EVIL", StandardRules.SCANNER_ERROR.id());
    assertThat(r.statusReason()).as(kind).contains("failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"internal", "linkage", "stack", "oom", "assert", "runtime"})
  void aSingleFileScanContainsIt(String kind) throws IOException {
    Path f = Files.write(dir.resolve("m.fail"), ascii("FAIL " + kind));
    failedWithReason(scanner(1).scanFile(f), kind);
  }

  @ParameterizedTest
  @ValueSource(strings = {"internal", "linkage", "stack", "oom", "assert", "runtime"})
  void bytesAndStreamsContainIt(String kind) {
    failedWithReason(scanner(1).scanBytes(ascii("FAIL " + kind), "m.fail"), kind);
    failedWithReason(scanner(1).scanStream(new ByteArrayInputStream(ascii("FAIL " + kind)), "m.fail"), kind);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void directoryWalksKeepEveryOtherFilesResult(int parallelism) throws IOException {
    String[] kinds = {"internal", "linkage", "stack", "oom", "assert", "runtime"};
    for (String k : kinds) {
      Files.write(dir.resolve(k + ".fail"), ascii("FAIL " + k));
    }
    Files.write(dir.resolve("zz.mark"), ascii("MARK EVIL"));
    ScanReport report = scanner(parallelism).scan(dir);
    assertThat(report.results()).hasSize(kinds.length + 1);
    for (FileResult r : report.results()) {
      if (r.path().endsWith(".fail")) {
        failedWithReason(r, r.path());
      } else {
        assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL");
      }
    }
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void aRecognizerThatFailsToLinkLeavesTheContentUnrecognisedNotClean(int parallelism) throws IOException {
    Path f = Files.write(dir.resolve("a.link"), ascii("LINK ..."));
    Files.write(dir.resolve("b.mark"), ascii("MARK"));
    ScanReport report = scanner(parallelism).scan(dir);
    FileResult r = report.results().get(0);
    assertThat(r.path()).isEqualTo(f.toString());
    assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(report.results().get(1).status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(report.verdict()).isNotEqualTo(Verdict.CLEAN);
  }
}
