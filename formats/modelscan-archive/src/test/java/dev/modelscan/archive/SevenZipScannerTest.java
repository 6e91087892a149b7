package dev.modelscan.archive;

import static dev.modelscan.archive.Fixtures.PAYLOAD;
import static dev.modelscan.archive.Fixtures.bytes;
import static dev.modelscan.archive.Fixtures.member;
import static dev.modelscan.archive.Fixtures.ruleIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.RecordingScanContext.Member;
import org.junit.jupiter.api.Test;

class SevenZipScannerTest {

  private final SevenZipScanner scanner = new SevenZipScanner();

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, bytes("7z/" + fixture), fixture);
  }

  @Test
  void recognisesTheSignature() {
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("7z/payload.7z"), "x")))
        .isEqualTo(Recognition.of("7z", Recognition.CERTAIN));
    assertThat(scanner.recognize(ContentHead.ofBytes(PAYLOAD, "x.7z")).recognised()).isFalse();
  }

  @Test
  void membersAreDecompressedAndHandedOver() {
    RecordingScanContext ctx = scan("payload.7z");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(member(ctx, "payload.pkl").content()).isEqualTo(PAYLOAD);
  }

  @Test
  void solidArchiveMembersAreAllHandedOver() {
    RecordingScanContext ctx = scan("two_files.7z");
    assertThat(ctx.members()).extracting(Member::name).containsExactlyInAnyOrder("payload.pkl", "b.pkl");
    assertThat(ctx.members()).allSatisfy(m -> assertThat(m.content()).isEqualTo(PAYLOAD));
  }

  @Test
  void symbolicLinkIsReportedWithItsTargetAndNotScannedAsContent() {
    RecordingScanContext ctx = scan("symlink.7z");
    assertThat(ctx.findings())
        .singleElement()
        .satisfies(f -> {
          assertThat(f.ruleId()).isEqualTo("ARCHIVE-LINK-MEMBER");
          assertThat(f.severity()).isEqualTo(dev.modelscan.api.Severity.HIGH);
          assertThat(f.message()).contains("creds", "'/etc/passwd'", "absolute");
        });
    assertThat(ctx.members()).extracting(Member::name).containsExactly("b.pkl");
  }

  @Test
  void encryptedMemberIsReportedAndPartial() {
    RecordingScanContext ctx = scan("encrypted.7z");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-ENCRYPTED-MEMBER");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void dictionaryBombIsRefusedBeforeAllocation() {
    // The header claims a 4 GiB LZMA dictionary; the decoder must refuse it instead of allocating it.
    RecordingScanContext ctx = scan("dictionary_bomb.7z");
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void memberCountLimitStops() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(
            scanner, bytes("7z/two_files.7z"), "two.7z", Fixtures.limits(l -> l.maxArchiveMembers(1)));
    assertThat(ctx.members()).hasSize(1);
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
  }

  @Test
  void truncatedArchiveIsReportedNotThrown() {
    byte[] cut = java.util.Arrays.copyOf(bytes("7z/payload.7z"), 40);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, cut, "cut.7z");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-STRUCTURE");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }
}
