package dev.modelscan.core;

import static dev.modelscan.core.TestScanners.ascii;
import static dev.modelscan.core.TestScanners.nest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanListener;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ModelScanTest {

  private static ScannerRegistry toys() {
    return ScannerRegistry.builder()
        .discover(false)
        .add(new TestScanners.MarkerScanner())
        .add(new TestScanners.NestScanner())
        .add(new TestScanners.BombScanner())
        .add(new TestScanners.GrowScanner())
        .add(new TestScanners.CrashingScanner())
        .add(new TestScanners.SlowScanner())
        .add(new TestScanners.PlainTextScanner())
        .build();
  }

  private static ModelScan scanner(ScanSettings settings) {
    return ModelScan.builder().registry(toys()).settings(settings).build();
  }

  private static ModelScan scanner() {
    return scanner(ScanSettings.defaults());
  }

  @Test
  void dispatchesByContentNotByExtension() {
    // Named like text, but the bytes are the marker format: the marker scanner must get it.
    FileResult r = scanner().scanBytes(ascii("MARK ... EVIL"), "notes.txt");
    assertThat(r.format()).isEqualTo("marker");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).extracting(Finding::ruleId).contains("TEST-EVIL");
    Finding evil = r.findings().stream().filter(f -> f.ruleId().equals("TEST-EVIL")).findFirst().orElseThrow();
    assertThat(evil.location().offset()).isEqualTo(9);
    assertThat(evil.scanner()).isEqualTo("marker");
    assertThat(evil.module()).isEqualTo("toy");
  }

  @Test
  void nameThatPromisesAnotherFormatIsAFinding() {
    FileResult r = scanner().scanBytes(ascii("just words"), "weights.mark");
    assertThat(r.format()).isEqualTo("text");
    assertThat(r.findings()).extracting(Finding::rule).containsExactly(StandardRules.FORMAT_MISMATCH);
    assertThat(r.findings().get(0).message()).contains(".mark", "marker", "text");
  }

  @Test
  void contentNobodyClaimsIsSkippedNeverClean() {
    FileResult r = scanner().scanBytes(new byte[] {0, 1, 2, 3, (byte) 0xFF}, "blob.bin");
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.statusReason()).contains("no scanner");
    ScanReport report = new ScanReport("t", dev.modelscan.core.report.ReportPolicy.DEFAULT_SEVERITY_THRESHOLD, List.of(r), Duration.ZERO);
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
  }

  @Test
  void emptyContentIsCompleteWithNothingToLoad() {
    FileResult r = scanner().scanBytes(new byte[0], "empty.pkl");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.format()).isEqualTo("empty");
  }

  @Test
  void nestedContentIsDispatchedAgainAndFindingsCarryTheEntryPath() {
    byte[] inner = nest("MARK EVIL");
    byte[] outer = nest("hello", new String(inner, java.nio.charset.StandardCharsets.US_ASCII));
    FileResult r = scanner().scanBytes(outer, "outer.nest");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.members())
        .extracting(MemberResult::entry, MemberResult::format)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("m0", "text"),
            org.assertj.core.groups.Tuple.tuple("m1!/m0", "marker"),
            org.assertj.core.groups.Tuple.tuple("m1", "nest"));
    Finding evil = r.findings().get(0);
    assertThat(evil.location().entry()).isEqualTo("m1!/m0");
    assertThat(evil.location().offset()).isEqualTo(5);
  }

  @Test
  void unclaimedMemberMakesTheParentPartialButOpaqueDataDoesNot() {
    FileResult partial = scanner().scanBytes(nest("\u0001\u0002binary"), "a.nest");
    assertThat(partial.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(partial.statusReason()).contains("m0", "skipped");
    assertThat(partial.members().get(0).status()).isEqualTo(ScanStatus.SKIPPED);

    FileResult opaque = scanner().scanBytes(nest("~\u0001\u0002tensor"), "b.nest");
    assertThat(opaque.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(opaque.members().get(0).format()).isEqualTo("data");
  }

  @Test
  void nestingDeeperThanTheLimitIsPartialWithAFinding() {
    String level = "MARK EVIL";
    for (int i = 0; i < 4; i++) {
      level = new String(nest(level), java.nio.charset.StandardCharsets.US_ASCII);
    }
    ScanSettings shallow =
        ScanSettings.builder().limits(ScanLimits.builder().maxNestingDepth(2).build()).build();
    FileResult r = scanner(shallow).scanBytes(ascii(level), "deep.nest");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::rule).contains(StandardRules.LIMIT_REACHED);
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("maxNestingDepth"));
    assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("TEST-EVIL");

    FileResult deepEnough = scanner().scanBytes(ascii(level), "deep.nest");
    assertThat(deepEnough.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(deepEnough.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL");
  }

  @Test
  @Timeout(30)
  void decompressionBombStopsAtTheRatioWithBoundedWork() {
    FileResult r = scanner().scanBytes(ascii("BOMB"), "bomb.bin");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::rule).contains(StandardRules.DECOMPRESSION_BOMB);
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("maxCompressionRatio"));
  }

  @Test
  void memberBytesAndTotalDecompressedBytesAreLimited() {
    ScanSettings small =
        ScanSettings.builder().limits(ScanLimits.builder().maxMemberBytes(1000).build()).build();
    FileResult member = scanner(small).scanBytes(ascii("GROW0500"), "g.bin");
    assertThat(member.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(member.findings()).extracting(Finding::message).anyMatch(m -> m.contains("maxMemberBytes"));
    // What was read before the limit is still analysed: the payload at the start is found.
    assertThat(member.findings()).extracting(Finding::ruleId).contains("TEST-EVIL");

    ScanSettings total =
        ScanSettings.builder().limits(ScanLimits.builder().maxTotalDecompressedBytes(1000).build()).build();
    FileResult all = scanner(total).scanBytes(ascii("GROW0500"), "g.bin");
    assertThat(all.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(all.findings()).extracting(Finding::message).anyMatch(m -> m.contains("maxTotalDecompressedBytes"));

    FileResult fits = scanner().scanBytes(ascii("GROW0500"), "g.bin");
    assertThat(fits.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(fits.findings()).hasSize(500);
  }

  @Test
  void aByteSourceThatThrowsFailsTheFileInsteadOfEscaping() {
    dev.modelscan.api.io.ByteSource broken =
        new dev.modelscan.api.io.ByteSource() {
          @Override
          public long size() {
            return 100;
          }

          @Override
          public int read(long position, byte[] buffer, int offset, int length) {
            throw new IllegalStateException("device gone");
          }

          @Override
          public dev.modelscan.api.io.ByteSource slice(long offset, long length) {
            return this;
          }
        };
    ScanEngine engine = new ScanEngine(toys(), ScanSettings.defaults());
    FileResult r = engine.scanInput(broken, "gone.bin", "gone.bin", java.util.Optional.empty());
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("IllegalStateException", "device gone");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-SCANNER-ERROR");
  }

  @Test
  void aCrashingScannerFailsTheContentAndKeepsEarlierFindings() {
    FileResult r = scanner().scanBytes(ascii("BOOM"), "x.bin");
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("IllegalStateException");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL", "MODELSCAN-SCANNER-ERROR");
  }

  @Test
  void malformedContentKeepsFindingsAndIsNotComplete() {
    byte[] broken = ascii("NESTC0009MARK EVILC9999short");
    FileResult r = scanner().scanBytes(broken, "broken.nest");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL", "MODELSCAN-MALFORMED");
  }

  @Test
  void malformedContentWithNothingSeenBeforeItFails() {
    // The first member header already runs past the end: nothing was analysed, so the content failed.
    FileResult r = scanner().scanBytes(ascii("NESTC9999short"), "broken.nest");
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("MODELSCAN-MALFORMED");
  }

  @Test
  @Timeout(30)
  void theDeadlineStopsASlowScan() {
    ScanSettings quick =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofMillis(50)).build()).build();
    FileResult r = scanner(quick).scanBytes(ascii("SLOW"), "slow.bin");
    assertThat(r.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("scanTimeout"));
  }

  @Test
  void twoStrongReadingsOfTheSameBytesAreBothScannedAndReported() {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new TestScanners.MarkerScanner())
            .add(new TestScanners.RivalScanner())
            .build();
    FileResult r = ModelScan.builder().registry(registry).build().scanBytes(ascii("MARK EVIL"), "p.bin");
    assertThat(r.format()).isEqualTo("marker+rival");
    assertThat(r.findings()).extracting(Finding::rule).contains(StandardRules.POLYGLOT);
    assertThat(r.findings()).extracting(Finding::ruleId).contains("TEST-EVIL");
  }

  @Test
  void aDeclaredEmbeddedFormatIsStillScannedButNotReportedAsAPolyglot() {
    TestScanners.MagicScanner declaring =
        new TestScanners.MagicScanner("MARK", "marker", 100, java.util.List.of()) {
          @Override
          public void scan(dev.modelscan.api.spi.ScanContext ctx) {
            ctx.declareEmbedded("rival");
          }
        };
    java.util.concurrent.atomic.AtomicInteger rivalRuns = new java.util.concurrent.atomic.AtomicInteger();
    TestScanners.MagicScanner rival =
        new TestScanners.MagicScanner("MARK", "rival", 80, java.util.List.of()) {
          @Override
          public void scan(dev.modelscan.api.spi.ScanContext ctx) {
            rivalRuns.incrementAndGet();
          }
        };
    ScannerRegistry registry = ScannerRegistry.builder().discover(false).add(declaring).add(rival).build();
    FileResult r = ModelScan.builder().registry(registry).build().scanBytes(ascii("MARK"), "m.bin");
    assertThat(r.findings()).isEmpty();
    assertThat(r.format()).isEqualTo("marker+rival");
    assertThat(rivalRuns).hasValue(1);
  }

  @Test
  void filesLargerThanTheMaximumAreSkippedWithAReason(@TempDir Path dir) throws IOException {
    Path f = Files.write(dir.resolve("big.mark"), ascii("MARK EVIL EVIL EVIL"));
    ScanSettings s = ScanSettings.builder().maxFileSize(5).build();
    ScanReport report = scanner(s).scan(f);
    FileResult r = report.results().get(0);
    assertThat(r.status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(r.statusReason()).contains("maxFileSize");
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
  }

  @Test
  void directoriesAreWalkedSortedAndTheParallelResultEqualsTheSequentialOne(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    for (int i = 0; i < 40; i++) {
      String content = i % 3 == 0 ? "MARK EVIL " + i : "plain text " + i;
      Files.write(dir.resolve(i % 2 == 0 ? "sub" : ".").resolve(String.format("f%02d.bin", i)), ascii(content));
    }
    AtomicInteger finished = new AtomicInteger();
    ScanListener counting =
        new ScanListener() {
          @Override
          public void fileFinished(FileResult result) {
            finished.incrementAndGet();
          }
        };
    ScanReport parallel =
        ModelScan.builder().registry(toys()).parallelism(4).listener(counting).build().scan(dir);
    ScanReport sequential = ModelScan.builder().registry(toys()).parallelism(1).build().scan(dir);
    assertThat(parallel.results()).hasSize(40).isEqualTo(sequential.results());
    assertThat(parallel.results()).extracting(FileResult::path).isSorted();
    assertThat(finished).hasValue(40);
    assertThat(parallel.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(parallel.findings()).hasSize(14);
  }

  @Test
  void symbolicLinksToFilesInsideADirectoryAreScannedAsLoadersFollowThem(@TempDir Path dir) throws IOException {
    // Issue 15: a link to a regular file is what every loader opens (a Hugging Face snapshot holds nothing else), so
    // it is scanned under its own name with its target named; links to directories are still not walked.
    Path outside = Files.write(dir.resolve("outside.mark"), ascii("MARK EVIL"));
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.createSymbolicLink(tree.resolve("link.mark"), outside);
    ScanReport report = scanner().scan(tree);
    assertThat(report.results()).singleElement().extracting(FileResult::status).isEqualTo(ScanStatus.COMPLETE);
    assertThat(report.results().get(0).target()).isEqualTo(outside.toRealPath().toString());
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aMissingFileFailsWithoutAnException(@TempDir Path dir) {
    FileResult r = scanner().scanFile(dir.resolve("nope.pt"));
    assertThat(r.status()).isEqualTo(ScanStatus.FAILED);
    assertThat(r.statusReason()).contains("could not read");
  }

  @Test
  void streamsAreSpooledAndScanned() {
    FileResult r = scanner().scanStream(new ByteArrayInputStream(ascii("MARK EVIL")), "upload.bin");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("TEST-EVIL");
    ScanSettings small = ScanSettings.builder().maxFileSize(4).build();
    FileResult skipped = scanner(small).scanStream(new ByteArrayInputStream(ascii("MARK EVIL")), "upload.bin");
    assertThat(skipped.status()).isEqualTo(ScanStatus.SKIPPED);
  }

  @Test
  void aStreamLargerThanTheMemoryThresholdIsSpooledToDiskAndStillScanned() {
    byte[] big = new byte[Spool.MEMORY_THRESHOLD + 100];
    byte[] head = ascii("MARK");
    System.arraycopy(head, 0, big, 0, head.length);
    byte[] evil = ascii("EVIL");
    System.arraycopy(evil, 0, big, big.length - 4, 4);
    FileResult r = scanner().scanStream(new ByteArrayInputStream(big), "big.bin");
    assertThat(r.findings()).singleElement().extracting(f -> f.location().offset()).isEqualTo((long) big.length - 4);
  }
}
