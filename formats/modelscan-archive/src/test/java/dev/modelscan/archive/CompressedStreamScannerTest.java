package dev.modelscan.archive;

import static dev.modelscan.archive.Fixtures.PAYLOAD;
import static dev.modelscan.archive.Fixtures.bytes;
import static dev.modelscan.archive.Fixtures.ruleIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.RecordingScanContext.Member;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CompressedStreamScannerTest {

  private final CompressedStreamScanner scanner = new CompressedStreamScanner();

  @ParameterizedTest
  @CsvSource({
    "payload.pkl.gz, gzip, 100",
    "payload.pkl.bz2, bzip2, 100",
    "payload.pkl.xz, xz, 100",
    "payload.pkl.lzma, lzma, 50",
    "payload.pkl.lz4, lz4, 100",
    "payload.pkl.zlib, zlib, 50"
  })
  void eachWrapperIsRecognisedAndItsBodyHandedOverUnderTheStrippedName(
      String fixture, String format, int confidence) {
    byte[] content = bytes("compressed/" + fixture);
    assertThat(scanner.recognize(ContentHead.ofBytes(content, fixture))).isEqualTo(Recognition.of(format, confidence));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, content, fixture);
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("payload.pkl");
      assertThat(m.content()).isEqualTo(PAYLOAD);
      assertThat(m.kind()).isEqualTo(MemberKind.CONTENT);
    });
  }

  @Test
  void oldJoblibZfileIsUnwrapped() {
    byte[] content = bytes("compressed/old_joblib.zfile");
    assertThat(scanner.recognize(ContentHead.ofBytes(content, "m.joblib")))
        .isEqualTo(Recognition.of("joblib-zfile", Recognition.STRONG));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, content, "m.joblib");
    assertThat(ctx.members()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo(PAYLOAD));
  }

  @Test
  void traversingGzipFileNameIsReported() throws IOException {
    // A gzip header with FNAME "../../x.pkl" (gunzip -N would write there), then a raw deflate body and trailer.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {0x1F, (byte) 0x8B, 8, 8, 0, 0, 0, 0, 0, 3});
    out.write("../../x.pkl\0".getBytes(StandardCharsets.ISO_8859_1));
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(6, true);
    deflater.setInput(PAYLOAD);
    deflater.finish();
    byte[] buf = new byte[256];
    out.write(buf, 0, deflater.deflate(buf));
    deflater.end();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(PAYLOAD);
    java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    trailer.putInt((int) crc.getValue()).putInt(PAYLOAD.length);
    out.write(trailer.array());
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, out.toByteArray(), "x.gz");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-PATH-TRAVERSAL");
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("../../x.pkl");
      assertThat(m.content()).isEqualTo(PAYLOAD);
    });
  }

  @Test
  void gzipFileNameFromTheHeaderNamesTheBody() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes("compressed/named_inside.gz"), "blob");
    assertThat(ctx.members()).extracting(Member::name).containsExactly("payload.pkl");
  }

  @Test
  void tgzBodyIsNamedTar() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes("compressed/model.tar.gz"), "model.tgz");
    assertThat(ctx.members()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("model.tar");
      assertThat(new String(m.content(), 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
    });
  }

  @Test
  void concatenatedGzipMembersAreAllDecompressed() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes("compressed/concatenated.gz"), "x.gz");
    byte[] body = ctx.members().get(0).content();
    assertThat(new String(body, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("hello");
    assertThat(java.util.Arrays.copyOfRange(body, 5, body.length)).isEqualTo(PAYLOAD);
  }

  @Test
  void truncatedStreamKeepsWhatWasDecompressedAndIsPartial() {
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes("compressed/truncated.gz"), "t.gz");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-CORRUPT-STREAM");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.members()).hasSize(1);
  }

  @Test
  void zstdIsClaimedButReportedAsNotDecompressed() {
    byte[] content = bytes("compressed/payload.pkl.zst");
    assertThat(scanner.recognize(ContentHead.ofBytes(content, "x"))).isEqualTo(Recognition.of("zstd", 100));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, content, "payload.pkl.zst");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-UNSUPPORTED-METHOD");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void rarIsClaimedButReportedAsNotDecompressed() {
    byte[] rar = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00, 0x33, (byte) 0x92, (byte) 0xB5, (byte) 0xE5};
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, rar, "model.rar");
    assertThat(ctx.format()).isEqualTo("rar");
    assertThat(ruleIds(ctx)).containsExactly("ARCHIVE-UNSUPPORTED-METHOD");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void weakMagicsDoNotClaimOrdinaryContent() {
    assertThat(scanner.recognize(ContentHead.ofBytes(PAYLOAD, "x.pkl")).recognised()).isFalse();
    // "x^" passes the zlib header checksum, but text after it is not a deflate stream.
    byte[] text = "x^ this is plain text, not a deflate stream at all".getBytes(StandardCharsets.US_ASCII);
    assertThat(scanner.recognize(ContentHead.ofBytes(text, "notes.txt")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes("{\"a\": 1}".getBytes(StandardCharsets.US_ASCII), "c.json"))
        .recognised()).isFalse();
  }

  @Test
  void gzipBombIsCutAtTheMemberLimitWithBoundedMemory() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gz.write(zeros);
      }
    }
    byte[] bomb = out.toByteArray();
    assertThat(bomb.length).isLessThan(200_000);
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, bomb, "bomb.gz", Fixtures.limits(l -> l.maxMemberBytes(1 << 20)));
    assertThat(ctx.members().get(0).content()).hasSize(1 << 20);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
  }

  @Test
  void lzmaDictionaryLargerThanTheMemoryCapIsRefusedAsALimit() {
    byte[] lzma = bytes("compressed/payload.pkl.lzma").clone();
    // Dictionary size (bytes 1..4, little endian) := 1.5 GiB, a valid encoder value far above the cap.
    int dict = 0x6000_0000;
    for (int i = 0; i < 4; i++) {
      lzma[1 + i] = (byte) (dict >>> (8 * i));
    }
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, lzma, "big.lzma");
    assertThat(ruleIds(ctx)).containsExactly("MODELSCAN-LIMIT-REACHED");
    assertThat(ctx.partialReasons()).anySatisfy(r -> assertThat(r).contains("maxMemberBytes", "dictionary"));
  }
}
