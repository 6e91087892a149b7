package dev.modelscan.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SentencePieceScannerTest {
  private final SentencePieceScanner scanner = new SentencePieceScanner();

  static byte[] fixture(String name) {
    try (InputStream in = SentencePieceScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where {@code needle} first occurs in {@code hay}. */
  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The unigram fixture with the user-defined piece "&lt;sep&gt;" (type 4) given type 9. */
  static byte[] unknownType() {
    byte[] b = fixture("unigram.model");
    int at = indexOf(b, ascii("<sep>\u0015\0\0\0\0\u0018\u0004"));
    b[at + 11] = 9;
    return b;
  }

  /** The unigram fixture with a zip local header appended. */
  static byte[] appendedZip() {
    byte[] b = fixture("unigram.model");
    byte[] out = Arrays.copyOf(b, b.length + 8);
    System.arraycopy(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, 0, out, b.length, 8);
    return out;
  }

  private RecordingScanContext scan(byte[] content, String name) {
    return RecordingScanContext.scan(scanner, content, name);
  }

  private RecordingScanContext scan(byte[] content, ScanLimits limits) {
    return RecordingScanContext.scan(
        scanner, content, "tokenizer.model", ScanSettings.builder().limits(limits).build());
  }

  private static void assertMalformed(RecordingScanContext ctx, String detail) {
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.MALFORMED_CONTENT.id());
    assertThat(ctx.findings().get(0).message()).contains(detail);
  }

  @ParameterizedTest
  @ValueSource(strings = {"unigram.model", "bpe.model"})
  void realModelsAreCompleteWithoutFindings(String name) {
    RecordingScanContext ctx = scan(fixture(name), "tokenizer.model");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tokenizer.model", "spiece.model", "vocab.bin", "noext", ""})
  void realModelsAreRecognisedStronglyByContentUnderAnyName(String name) {
    for (String fixture : new String[] {"unigram.model", "bpe.model"}) {
      Recognition r = scanner.recognize(ContentHead.ofBytes(fixture(fixture), name));
      assertThat(r.format()).isEqualTo("sentencepiece");
      assertThat(r.confidence()).isGreaterThanOrEqualTo(Recognition.STRONG);
    }
  }

  @Test
  void aLargeModelIsRecognisedFromItsHeadAlone() {
    // Only the first 8 KiB of a 1 MB model are seen by recognize: the run of pieces decides.
    byte[] bpe = fixture("bpe.model");
    ContentHead head = ContentHead.of(Arrays.copyOf(bpe, 100), new byte[0], 1 << 20, "x.bin");
    assertThat(scanner.recognize(head).confidence()).isEqualTo(Recognition.STRONG);
  }

  @Test
  void otherContentIsNotClaimed() {
    assertNotClaimed(new byte[0]);
    assertNotClaimed(ascii("hello world\n"));
    assertNotClaimed(ascii("\n\nsome text after blank lines\n"));
    assertNotClaimed(ascii("{\"model_type\": \"llama\", \"vocab_size\": 32000}"));
    assertNotClaimed(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
    assertNotClaimed(new byte[] {(byte) 0x80, 4, (byte) 0x95, 5, 0, 0, 0, 0, 0, 0, 0, 'K', 1, '.'});
    // ONNX ModelProto: ir_version (1, varint), producer_name, graph{node{input, output, op_type}}.
    byte[] graph = msg(1, cat(str(1, "x"), str(2, "y"), str(4, "Relu")));
    assertNotClaimed(cat(varint(1, 8), str(2, "pytorch"), msg(7, graph)));
    // GraphDef: node{name, op, input} three times; op is LEN where a piece's score is fixed32.
    byte[] node = msg(1, cat(str(1, "a"), str(2, "Const")));
    assertNotClaimed(cat(node, node, node, varint(4, 1)));
    // keras_metadata.pb: SavedMetadata{nodes{version{producer 1}, node_id 0, node_path "root"}}.
    byte[] keras = msg(1, cat(msg(1, varint(1, 1)), varint(2, 0), str(3, "root")));
    assertNotClaimed(cat(keras, keras, keras));
    // Repeated messages of one string: shaped like pieces, but none has a score.
    byte[] bare = msg(1, str(1, "abc"));
    assertNotClaimed(cat(bare, bare, bare, bare));
  }

  @Test
  void aNameAloneNeverMakesAClaim() {
    assertThat(scanner.recognize(ContentHead.ofBytes(ascii("hello"), "tokenizer.model")).recognised()).isFalse();
    byte[] bare = msg(1, str(1, "abc"));
    assertThat(scanner.recognize(ContentHead.ofBytes(cat(bare, bare), "tokenizer.model")).recognised()).isFalse();
  }

  @Test
  void aHeadCutAfterFewPiecesIsProbableAndTheModelNameRaisesIt() {
    // One scored piece, then a piece longer than the 8 KiB head: borderline evidence.
    byte[] piece = msg(1, cat(str(1, "a"), fixed32(2)));
    byte[] big = msg(1, str(1, "b".repeat(9000)));
    byte[] content = cat(piece, big);
    assertThat(scanner.recognize(ContentHead.ofBytes(content, "x.bin")).confidence())
        .isEqualTo(Recognition.PROBABLE);
    assertThat(scanner.recognize(ContentHead.ofBytes(content, "tokenizer.model")).confidence())
        .isEqualTo(Recognition.STRONG);
  }

  @Test
  void truncatedModelsAreMalformedAndPartial() {
    byte[] unigram = fixture("unigram.model");
    for (int cut : new int[] {unigram.length - 1, unigram.length - 12, unigram.length / 2}) {
      RecordingScanContext ctx = scan(Arrays.copyOf(unigram, cut), "tokenizer.model");
      assertThat(ctx.status()).as("cut at %d", cut).isEqualTo(ScanStatus.PARTIAL);
      assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly(StandardRules.MALFORMED_CONTENT.id());
    }
  }

  @Test
  void anUndefinedPieceTypeIsMalformed() {
    assertMalformed(scan(unknownType(), "tokenizer.model"), "type 9");
  }

  @Test
  void invalidUtf8InAPieceIsMalformed() {
    byte[] b = fixture("bpe.model");
    b[indexOf(b, ascii("<0xFF>"))] = (byte) 0xC0; // an overlong lead byte
    assertMalformed(scan(b, "tokenizer.model"), "UTF-8");
  }

  @Test
  void aRepeatedPieceIsMalformed() {
    byte[] b = fixture("bpe.model");
    b[indexOf(b, ascii("<0x01>")) + 4] = '0';
    assertMalformed(scan(b, "tokenizer.model"), "repeats");
  }

  @Test
  void dataAfterTheModelIsMalformed() {
    assertMalformed(scan(appendedZip(), "tokenizer.model"), "does not define");
  }

  @Test
  void aNormalizerNameThatIsNotUtf8IsMalformed() {
    byte[] b = fixture("unigram.model");
    b[indexOf(b, ascii("identity"))] = (byte) 0xFF;
    assertMalformed(scan(b, "tokenizer.model"), "normalizer_spec field 1");
  }

  @Test
  void aGroupInTheTrainerSpecIsMalformed() {
    // TrainerSpec{model_type 1 (unigram), vocab_size 64, ...}: the trainer spec is walked field by field.
    byte[] b = fixture("unigram.model");
    b[indexOf(b, new byte[] {0x18, 0x01, 0x20, 0x40})] = 0x1B; // field 3 as a start-group tag
    assertMalformed(scan(b, "tokenizer.model"), "invalid protobuf tag");
  }

  @Test
  void aScoreWithTheWrongWireTypeIsMalformed() {
    byte[] b = fixture("bpe.model");
    int at = indexOf(b, ascii("<0x10>\u0015"));
    b[at + 6] = 0x12; // field 2 as LEN: length 0, then the old score bytes parse as fields
    assertMalformed(scan(b, "tokenizer.model"), "score has wire type 2");
  }

  @Test
  void moreThanTheBoundOfPiecesIsPartial() {
    RecordingScanContext ctx = RecordingScanContext.scan(new SentencePieceScanner(10), fixture("unigram.model"),
        "tokenizer.model");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("more than 10 SentencePiece pieces"));
  }

  @Test
  void piecesOverTheStringLimitAreRecordedAndTheWalkGoesOn() {
    RecordingScanContext ctx = scan(fixture("unigram.model"), ScanLimits.builder().maxStringBytes(4).build());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id())
        .doesNotContain(StandardRules.MALFORMED_CONTENT.id());
    // The walk went on past "<unk>": the bad type further on is still found.
    RecordingScanContext bad = scan(unknownType(), ScanLimits.builder().maxStringBytes(4).build());
    assertThat(bad.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void decodedStructureOverTheHeaderLimitIsPartial() {
    RecordingScanContext ctx = scan(fixture("bpe.model"), ScanLimits.builder().maxHeaderBytes(256).build());
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxHeaderBytes"));
  }

  @Test
  void deadlineIsCheckedWhileWalking() {
    ScanLimits expired = ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build();
    RecordingScanContext ctx = scan(fixture("bpe.model"), expired);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }

  @Test
  void strictUtf8() {
    assertThat(Utf8.isValid(ascii("abc"), 0, 3)).isTrue();
    byte[] ok = "▁é😀".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isValid(ok, 0, ok.length)).isTrue();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2)).as("overlong NUL").isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3)).as("surrogate").isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4)).isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xE2, (byte) 0x96}, 0, 2)).as("cut short").isFalse();
    assertThat(Utf8.isValid(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, 0, 3)).as("overlong 3").isFalse();
  }

  private void assertNotClaimed(byte[] content) {
    for (String name : new String[] {"tokenizer.model", "x.bin"}) {
      assertThat(scanner.recognize(ContentHead.ofBytes(content, name)).recognised())
          .as("claim on %s named %s", Arrays.toString(Arrays.copyOf(content, Math.min(16, content.length))), name)
          .isFalse();
    }
  }

  // A tiny protobuf encoder for the shapes above.

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] rawVarint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  static byte[] varint(int field, long v) {
    return cat(rawVarint((long) field << 3), rawVarint(v));
  }

  static byte[] fixed32(int field) {
    return cat(rawVarint((long) field << 3 | 5), new byte[4]);
  }

  static byte[] msg(int field, byte[] payload) {
    return cat(rawVarint((long) field << 3 | 2), rawVarint(payload.length), payload);
  }

  static byte[] str(int field, String s) {
    return msg(field, s.getBytes(StandardCharsets.UTF_8));
  }
}
