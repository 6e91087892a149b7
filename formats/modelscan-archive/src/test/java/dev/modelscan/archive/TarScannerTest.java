package dev.modelscan.archive;

import static dev.modelscan.archive.Fixtures.PAYLOAD;
import static dev.modelscan.archive.Fixtures.bytes;
import static dev.modelscan.archive.Fixtures.member;
import static dev.modelscan.archive.Fixtures.ruleIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.RecordingScanContext.Member;
import org.junit.jupiter.api.Test;

class TarScannerTest {

  private final TarScanner scanner = new TarScanner();

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, bytes("tar/" + fixture), fixture);
  }

  @Test
  void recognisesUstarAsCertainAndV7ByChecksumAsProbable() {
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("tar/basic.tar"), "x")))
        .isEqualTo(Recognition.of("tar", Recognition.CERTAIN));
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("tar/v7.tar"), "x")))
        .isEqualTo(Recognition.of("tar", Recognition.PROBABLE));
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes("zip/torch_state_dict.pt"), "x")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[1024], "x")).recognised()).isFalse();
  }

  @Test
  void regularMembersAreHandedOverAsContentWithoutFindings() {
    RecordingScanContext ctx = scan("basic.tar");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.members()).extracting(Member::name).containsExactly("model/data.pkl", "model/README.txt");
    assertThat(member(ctx, "model/data.pkl").content()).isEqualTo(PAYLOAD);
    assertThat(member(ctx, "model/data.pkl").kind()).isEqualTo(MemberKind.CONTENT);
  }

  @Test
  void gnuAndPaxLongNamesAreHonoured() {
    String longName = "model/" + "d".repeat(120) + "/data.pkl";
    for (String fixture : new String[] {"gnu_longname.tar", "pax_longname.tar"}) {
      RecordingScanContext ctx = scan(fixture);
      assertThat(ctx.members()).as(fixture).extracting(Member::name).containsExactly(longName);
      assertThat(member(ctx, longName).content()).isEqualTo(PAYLOAD);
      assertThat(ctx.findings()).as(fixture).isEmpty();
    }
  }

  @Test
  void v7ArchiveWithoutMagicIsRead() {
    RecordingScanContext ctx = scan("v7.tar");
    assertThat(member(ctx, "data.pkl").content()).isEqualTo(PAYLOAD);
  }

  @Test
  void linksDevicesAndTraversingNamesAreReported() {
    RecordingScanContext ctx = scan("links_and_traversal.tar");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("ARCHIVE-LINK-MEMBER"))
        .extracting(f -> f.message())
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("symbolic", "/etc/passwd"))
        .anySatisfy(m -> assertThat(m).contains("hard", "../../outside", "'..'"));
    assertThat(ruleIds(ctx)).contains("ARCHIVE-SPECIAL-FILE");
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("ARCHIVE-PATH-TRAVERSAL"))
        .extracting(f -> f.message())
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("../../home/user/.bashrc"))
        .anySatisfy(m -> assertThat(m).contains("/usr/lib/python3/dist-packages/evil.pth"));
    // The text .pth path hook is also reported as a script.
    assertThat(ctx.findings())
        .filteredOn(f -> f.ruleId().equals("ARCHIVE-SCRIPT-MEMBER"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("evil.pth"));
    // Links and devices carry no data; the two regular files are scanned.
    assertThat(ctx.members()).hasSize(2);
  }

  @Test
  void linkInsideTheArchiveIsMediumAndLinkOutIsHigh() throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(header("model/a.bin", 0, '0'));
    byte[] inside = header("model/b.bin", 0, '1');
    byte[] target = "model/a.bin".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(target, 0, inside, 157, target.length);
    fixChecksum(inside);
    out.write(inside);
    byte[] outside = header("model/c", 0, '2');
    byte[] up = "../../../etc/shadow".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(up, 0, outside, 157, up.length);
    fixChecksum(outside);
    out.write(outside);
    out.write(new byte[1024]);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, out.toByteArray(), "links.tar");
    assertThat(ctx.findings())
        .extracting(f -> f.severity())
        .containsExactly(dev.modelscan.api.Severity.MEDIUM, dev.modelscan.api.Severity.HIGH);
  }

  private static void fixChecksum(byte[] h) {
    put(h, 148, "        ");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o\0 ", sum));
  }

  @Test
  void paxSizeOverridesAHeaderThatClaimsNoData() {
    RecordingScanContext ctx = scan("pax_size_override.tar");
    assertThat(member(ctx, "data.pkl").content()).isEqualTo(PAYLOAD);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void corruptHeaderStopsTheWalkHandsTheRestOverAndIsPartial() {
    RecordingScanContext ctx = scan("corrupt_checksum.tar");
    assertThat(ruleIds(ctx)).contains("ARCHIVE-STRUCTURE", "ARCHIVE-HIDDEN-DATA");
    assertThat(member(ctx, "a.txt").content()).isEqualTo("first".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(ctx.members()).anySatisfy(m -> assertThat(m.name()).startsWith("[hidden-data@1024]"));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void bytesAfterTheEndMarkerAreReportedAndScanned() {
    RecordingScanContext ctx = scan("trailing_data.tar");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-HIDDEN-DATA");
    assertThat(ctx.members().get(ctx.members().size() - 1).content()).isEqualTo(PAYLOAD);
  }

  @Test
  void memberCountLimitStopsTheWalk() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(
            scanner, bytes("tar/many_members.tar"), "many.tar", Fixtures.limits(l -> l.maxArchiveMembers(5)));
    assertThat(ctx.members()).hasSize(5);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
  }

  @Test
  void truncatedMemberIsScannedAsFarAsItGoesAndPartial() {
    byte[] tar = bytes("tar/basic.tar");
    // Keep the first header and 20 bytes of the member's data.
    byte[] cut = java.util.Arrays.copyOf(tar, firstDataOffset(tar) + 20);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, cut, "cut.tar");
    assertThat(ctx.members()).singleElement().satisfies(m -> assertThat(m.content()).hasSize(20));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ruleIds(ctx)).contains("ARCHIVE-STRUCTURE");
  }

  @Test
  void oversizedExtendedHeaderIsALimitNotAnAllocation() {
    // A pax header claiming 2 GiB of records: reading it into memory is refused, the result is partial.
    byte[] tar = java.util.Arrays.copyOf(header("././@PaxHeader", 2L << 30, 'x'), 4096);
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, tar, "x.tar");
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("maxStringBytes"));
  }

  @Test
  void deadlineStopsTheWalk() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(
            scanner,
            bytes("tar/many_members.tar"),
            "many.tar",
            Fixtures.limits(l -> l.scanTimeout(java.time.Duration.ofNanos(1))));
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("scanTimeout"));
    assertThat(ctx.members()).isEmpty();
  }

  /** A ustar header written field by field, with its checksum. */
  static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, "0000644\0");
    put(h, 124, String.format("%011o\0", size));
    put(h, 136, "00000000000\0");
    h[156] = (byte) type;
    put(h, 257, "ustar\0" + "00");
    put(h, 148, "        ");
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xFF;
    }
    put(h, 148, String.format("%06o\0 ", sum));
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static int firstDataOffset(byte[] tar) {
    // A pax header may come first; the member data follows the first header whose type is '0'.
    int pos = 0;
    while (tar[pos + 156] != '0') {
      long size = TarScanner.parseNumber(tar, pos + 124, 12);
      pos += 512 + (int) ((size + 511) / 512 * 512);
    }
    return pos + 512;
  }

  @Test
  void numbersParseOctalAndBase256AndRejectGarbage() {
    byte[] h = new byte[12];
    System.arraycopy("0000644 \0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, h, 0, 9);
    assertThat(TarScanner.parseNumber(h, 0, 12)).isEqualTo(0644);
    byte[] b256 = new byte[12];
    b256[0] = (byte) 0x80;
    b256[11] = 5;
    b256[10] = 1;
    assertThat(TarScanner.parseNumber(b256, 0, 12)).isEqualTo(256 + 5);
    byte[] negative = new byte[12];
    negative[0] = (byte) 0xFF;
    assertThat(TarScanner.parseNumber(negative, 0, 12)).isEqualTo(-1);
    byte[] junk = "12x".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(TarScanner.parseNumber(junk, 0, 3)).isEqualTo(-1);
  }
}
