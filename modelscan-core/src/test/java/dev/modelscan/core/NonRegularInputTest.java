package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths handed to the facade that are not regular files: a FIFO, a device, a kernel file. None of them may come out
 * complete without being read, and none may block the scan for ever (issue 14, item 1).
 */
// A separate thread: a FIFO open blocks in native code, which no interrupt ends; the test must fail, not hang.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonRegularInputTest {

  @TempDir Path dir;

  private static ModelScan scanner(ScanSettings settings) {
    return ModelScan.builder()
        .registry(
            ScannerRegistry.builder()
                .discover(false)
                .add(new TestScanners.MarkerScanner())
                .add(new TestScanners.PlainTextScanner())
                .build())
        .settings(settings)
        .parallelism(1)
        .build();
  }

  private static ModelScan scanner() {
    return scanner(ScanSettings.defaults());
  }

  private Path fifo(String name) throws IOException, InterruptedException {
    Path f = dir.resolve(name);
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "mkfifo is not available: " + e.getMessage());
      throw e;
    }
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
    return f;
  }

  /** Writes to the FIFO on another thread; leaves it open when {@code close} is false (a stalled producer). */
  private static Thread writer(Path fifo, byte[] content, boolean close, CountDownLatch release) {
    Thread t =
        new Thread(
            () -> {
              try {
                OutputStream out = Files.newOutputStream(fifo);
                out.write(content);
                out.flush();
                if (!close) {
                  release.await();
                }
                out.close();
              } catch (IOException | InterruptedException e) {
                // the reader went away; nothing to check here
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aFifoWithoutAWriterFailsPromptlyInsteadOfBlocking() throws Exception {
    Path f = fifo("model.mark");
    long start = System.nanoTime();
    FileResult r = scanner().scanFile(f);
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("FIFO", "nothing was read");
    // Well under the test's timeout; the bound is InputFiles.FIFO_OPEN_WAIT. No tighter timing claim is made.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    // The same through scan(): the report is still produced, and it is not clean.
    ScanReport report = scanner().scan(f);
    assertThat(report.verdict()).isNotEqualTo(Verdict.CLEAN);
  }

  @Test
  void aFifoWithAWriterIsReadAsAStreamAndScanned() throws Exception {
    Path f = fifo("piped.mark");
    writer(f, ascii("MARK ... EVIL"), true, null);
    FileResult r = scanner().scanFile(f);
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.format()).isEqualTo("marker");
    assertThat(r.size()).isEqualTo(13);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL");
  }

  @Test
  void anEmptyPipeHandsOverNoModelAndIsNotClean() throws Exception {
    // What `cat missing.pkl > fifo` leaves: the producer failed, the pipe ends at once. Clean would pass the gate.
    Path f = fifo("empty");
    writer(f, new byte[0], true, null);
    FileResult r = scanner().scanFile(f);
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.statusReason()).contains("ended without a byte");
  }

  @Test
  void aStalledWriterIsCutAtTheDeadlineAndWhatArrivedIsScannedButNotComplete() throws Exception {
    Path f = fifo("stalled.mark");
    CountDownLatch release = new CountDownLatch(1);
    writer(f, ascii("MARK EVIL"), false, release);
    ScanSettings quick =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofSeconds(3)).build()).build();
    try {
      FileResult r = scanner(quick).scanFile(f);
      assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
      assertThat(r.statusReason()).contains("scanTimeout");
      assertThat(r.findings()).extracting(Finding::ruleId).contains("TEST-EVIL", StandardRules.LIMIT_REACHED.id());
    } finally {
      release.countDown();
    }
  }

  @Test
  void aStreamLongerThanTheBoundIsNotScannedAndSaysWhichSettingBoundsIt() throws Exception {
    Path f = fifo("long.mark");
    writer(f, ascii("MARK EVIL and much more"), true, null);
    ScanSettings small = ScanSettings.builder().limits(ScanLimits.builder().maxMemberBytes(8).build()).build();
    FileResult r = scanner(small).scanFile(f);
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.statusReason()).contains("maxMemberBytes");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.LIMIT_REACHED.id());
  }

  @Test
  void aDeviceIsRefusedWithoutBeingRead() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero");
    FileResult r = scanner().scanFile(zero);
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("a device", "nothing was read");
    assertThat(scanner().scan(zero).verdict()).isNotEqualTo(Verdict.CLEAN);
  }

  @Test
  void aKernelFileThatReportsSizeZeroIsReadForWhatItHolds() throws IOException {
    Path status = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(status), "no procfs");
    assertThat(Files.size(status)).isZero(); // the premise: the size says empty
    FileResult r = scanner().scanFile(status);
    assertThat(r.format()).isNotEqualTo("empty");
    assertThat(r.size()).isPositive();
  }

  @Test
  void theByteSourceRefusesWhatHasNoTrueSize() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (Files.isReadable(status)) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ByteSource.open(status).close()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("size 0 but has content");
    }
    Path f = fifo("never-opened");
    // Refused before opening: opening a FIFO with no writer would block this test until its timeout.
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ByteSource.open(f).close()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> ByteSource.open(dir).close()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("a directory");
  }

  @Test
  void aReallyEmptyRegularFileIsStillCompleteAndEmpty() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.bin"));
    FileResult r = scanner().scanFile(empty);
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.format()).isEqualTo("empty");
  }

  @Test
  void aSymbolicLinkNamedDirectlyToAFifoIsTreatedAsTheFifo() throws Exception {
    Path f = fifo("target");
    Path link = Files.createSymbolicLink(dir.resolve("link.mark"), f);
    FileResult r = scanner().scanFile(link);
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("FIFO");
  }

  @Test
  void aFileReplacedByAFifoAfterTheWalkListedItDoesNotBlockTheScan() throws Exception {
    // The walk saw a regular file; by the time the file is opened it is a FIFO (an attacker racing the scan, or a
    // tool that rewrites a model directory). Opening it as listed would block the scan for ever.
    Path tree = Files.createDirectory(dir.resolve("tree"));
    Path model = Files.write(tree.resolve("model.mark"), ascii("MARK"));
    dev.modelscan.api.ScanListener swap =
        new dev.modelscan.api.ScanListener() {
          @Override
          public void scanStarted(int files, long totalBytes) {
            try {
              Files.delete(model);
              Process p = new ProcessBuilder("mkfifo", model.toString()).start();
              assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
            } catch (IOException | InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    ScanReport report =
        ModelScan.builder()
            .registry(ScannerRegistry.builder().discover(false).add(new TestScanners.MarkerScanner()).build())
            .listener(swap)
            .parallelism(1)
            .build()
            .scan(tree);
    assertThat(report.results()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
      assertThat(r.statusReason()).contains("FIFO");
    });
    assertThat(report.verdict()).isNotEqualTo(Verdict.CLEAN);
  }
}
