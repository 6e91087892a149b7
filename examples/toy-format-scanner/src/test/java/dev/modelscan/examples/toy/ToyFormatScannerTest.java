package dev.modelscan.examples.toy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The toy scanner in isolation, with {@link RecordingScanContext}: every finding path and every limit it honours. */
class ToyFormatScannerTest {

  private final ToyFormatScanner scanner = new ToyFormatScanner();

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private RecordingScanContext scan(String content) {
    return RecordingScanContext.scan(scanner, bytes(content), "model.toym");
  }

  @Test
  void recognisesTheMagicNotTheName() {
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("TOYM 1\nprint hi\n"), "x.bin")))
        .isEqualTo(Recognition.of(ToyFormatScanner.FORMAT, Recognition.CERTAIN));
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("TOYM\nprint hi\n"), "x")).confidence())
        .isEqualTo(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("TOYMAKER 1\n"), "a.toym")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("print hi\n"), "a.toym")).recognised()).isFalse();
  }

  @Test
  void aHarmlessModelIsCleanAndComplete() {
    RecordingScanContext ctx = scan("TOYM 1\n# weights follow\nprint loading\nsleep 1\n");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void execIsCriticalAtItsLine() {
    RecordingScanContext ctx = scan("TOYM 1\nprint hi\nexec echo pwned\n");
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(ToyFormatScanner.EXEC);
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.location().offset()).isEqualTo(16);
      assertThat(f.operator()).isEqualTo("exec");
      assertThat(f.message()).contains("echo pwned");
    });
  }

  @Test
  void execOnTheLastLineWithoutNewlineIsFound() {
    assertThat(scan("TOYM 1\nexec echo pwned").findings()).extracting(Finding::rule).containsExactly(
        ToyFormatScanner.EXEC);
  }

  @Test
  void unknownCommandsAreReportedInThoroughModeOnly() {
    String content = "TOYM 1\nplugin.load evil\n";
    assertThat(scan(content).findings()).extracting(Finding::rule).containsExactly(ToyFormatScanner.UNKNOWN_COMMAND);
    ScanSettings quick = ScanSettings.builder().mode(ScanMode.QUICK).build();
    assertThat(RecordingScanContext.scan(scanner, bytes(content), "m.toym", quick).findings()).isEmpty();
  }

  @Test
  void blobsAreHandedBackAsNestedContentAndParsingGoesOnAfterThem() {
    RecordingScanContext ctx = scan("TOYM 1\nblob weights.bin 6\n\u0000\u0001exec\nexec rm -rf /tmp/x\n");
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("weights.bin");
      assertThat(m.content()).containsExactly(0, 1, 'e', 'x', 'e', 'c');
      assertThat(m.kind()).isEqualTo(MemberKind.CONTENT);
    });
    // The blob's bytes are not commands (its "exec" is data); the line after the blob is a command again.
    assertThat(ctx.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(ToyFormatScanner.EXEC);
      assertThat(f.message()).contains("rm -rf");
    });
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aBlobLongerThanTheFileIsMalformedAndEarlierFindingsStay() {
    RecordingScanContext ctx = scan("TOYM 1\nexec echo pwned\nblob huge 9999999999\nabc\n");
    assertThat(ctx.findings())
        .extracting(Finding::rule)
        .containsExactly(ToyFormatScanner.EXEC, StandardRules.MALFORMED_CONTENT);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void aBlobWithoutALengthIsMalformed() {
    RecordingScanContext ctx = scan("TOYM 1\nblob weights.bin\n");
    assertThat(ctx.findings()).extracting(Finding::rule).containsExactly(StandardRules.MALFORMED_CONTENT);
  }

  @Test
  void aLineLongerThanMaxStringBytesStopsTheScanAsPartial() {
    ScanSettings tight = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(16).build()).build();
    String content = "TOYM 1\nexec echo first\nprint " + "x".repeat(100) + "\nexec echo hidden\n";
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes(content), "m.toym", tight);
    assertThat(ctx.findings())
        .extracting(Finding::rule)
        .containsExactly(ToyFormatScanner.EXEC, StandardRules.LIMIT_REACHED);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
  }

  @Test
  void aLineOfExactlyMaxStringBytesIsRead() {
    ScanSettings tight = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(16).build()).build();
    String line = "exec " + "y".repeat(11); // 16 bytes
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes("TOYM 1\n" + line + "\n"), "m.toym", tight);
    assertThat(ctx.findings()).extracting(Finding::rule).containsExactly(ToyFormatScanner.EXEC);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void anExpiredDeadlineStopsTheScanAsPartial() throws InterruptedException {
    ScanSettings expired =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build()).build();
    byte[] content = bytes("TOYM 1\n" + "print x\n".repeat(1000));
    Thread.sleep(1);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, content, "m.toym", expired);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }

  @Test
  void anUnknownVersionIsNotPassedAsComplete() {
    RecordingScanContext ctx = scan("TOYM 2\nprint hi\n");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("version '2'"));
  }
}
