package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory walk: what it collects from the attributes it reads once per entry. */
class DirectoryWalkTest {

  private static ModelScan scanner(ScanSettings settings) {
    ScannerRegistry registry =
        ScannerRegistry.builder().discover(false).add(new TestScanners.MarkerScanner()).add(new TestScanners.PlainTextScanner()).build();
    return ModelScan.builder().registry(registry).settings(settings).parallelism(2).build();
  }

  @Test
  void sizesComeFromTheWalkAndStillEnforceTheMaximumFileSize(@TempDir Path dir) throws IOException {
    Files.write(Files.createDirectories(dir.resolve("a")).resolve("big.mark"), ascii("MARK EVIL EVIL EVIL"));
    Files.write(dir.resolve("small.txt"), ascii("ok"));
    ScanReport report = scanner(ScanSettings.builder().maxFileSize(5).build()).scan(dir);
    assertThat(report.results()).extracting(FileResult::path)
        .containsExactly(dir.resolve("a/big.mark").toString(), dir.resolve("small.txt").toString());
    assertThat(report.results().get(0).status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(report.results().get(0).size()).isEqualTo(19);
    assertThat(report.results().get(0).statusReason()).contains("maxFileSize");
    assertThat(report.results().get(1).status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aLinkToADirectoryIsReportedAndNotWalked(@TempDir Path dir) throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.write(outside.resolve("evil.mark"), ascii("MARK EVIL"));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("linked"), outside);
    ScanReport report = scanner(ScanSettings.defaults()).scan(tree);
    assertThat(report.results()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
      assertThat(r.statusReason()).contains("symbolic link");
    });
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aPipeInsideADirectoryIsNotOpenedSoTheScanCannotBlockOnIt(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("pipe.pt");
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      assumeTrue(false, "mkfifo is not available");
      return;
    }
    assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
    Files.write(dir.resolve("evil.mark"), ascii("MARK EVIL"));
    ScanReport report = scanner(ScanSettings.defaults()).scan(dir);
    assertThat(report.results()).hasSize(2);
    assertThat(report.results().get(1).path()).endsWith("pipe.pt");
    assertThat(report.results().get(1).status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(report.results().get(1).statusReason()).contains("not a regular file");
    assertThat(report.results().get(0).findings()).isNotEmpty();
  }

  @Test
  void anUnreadableSubdirectoryFailsInsteadOfVanishing(@TempDir Path dir) throws IOException {
    Path locked = Files.createDirectories(dir.resolve("locked"));
    Files.write(locked.resolve("evil.mark"), ascii("MARK EVIL"));
    Files.write(dir.resolve("ok.txt"), ascii("ok"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      assumeTrue(!Files.isReadable(locked), "running with privileges that read any directory");
      ScanReport report = scanner(ScanSettings.defaults()).scan(dir);
      assertThat(report.results()).extracting(FileResult::status).contains(ScanStatus.FAILED);
      assertThat(report.results()).filteredOn(r -> r.path().endsWith("locked")).singleElement()
          .extracting(FileResult::statusReason).asString().contains("could not");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
