package dev.modelscan.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsScannerTest {

  private final SafetensorsScanner scanner = new SafetensorsScanner();

  private RecordingScanContext scan(String fixture) {
    return RecordingScanContext.scan(scanner, Fixtures.bytes(fixture), fixture);
  }

  private static List<String> ruleIds(RecordingScanContext ctx) {
    return ctx.findings().stream().map(Finding::ruleId).toList();
  }

  private static String messages(RecordingScanContext ctx) {
    return String.join("\n", ctx.findings().stream().map(Finding::message).toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "valid_reference_test.safetensors",
        "valid_empty.safetensors",
        "valid_f32_metadata.safetensors",
        "valid_many_dtypes.safetensors",
        "sharded/model-00001-of-00002.safetensors",
        "sharded/model-00002-of-00002.safetensors"
      })
  void filesAsTheReferenceWriterWritesThemAreCleanAndComplete(String fixture) {
    RecordingScanContext ctx = scan(fixture);

    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.members()).isEmpty();
  }

  @Test
  void validFileIsRecognisedWithCertainty() {
    byte[] bytes = Fixtures.bytes("valid_f32_metadata.safetensors");

    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "")))
        .isEqualTo(Recognition.of("safetensors", Recognition.CERTAIN));
  }

  @Test
  void leadingWhitespaceIsRecognisedStrongly() {
    byte[] bytes = Fixtures.bytes("odd_leading_whitespace.safetensors");

    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "")).confidence()).isEqualTo(Recognition.STRONG);
  }

  @Test
  void aForgedLengthIsStillClaimedSoThatItIsReported() {
    byte[] bytes = Fixtures.bytes("bad_header_2p62.safetensors");

    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "x.bin")).confidence())
        .isEqualTo(Recognition.PROBABLE);
  }

  @Test
  void aBrokenHeaderIsClaimedWeaklyOnlyUnderTheSafetensorsName() {
    byte[] bytes = Fixtures.bytes("bad_not_object.safetensors");

    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "m.safetensors")).confidence())
        .isEqualTo(Recognition.WEAK);
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "m.bin")).recognised()).isFalse();
  }

  @Test
  void picklesZipsAndShortFilesNamedSafetensorsAreLeftToTheirOwnScanners() {
    byte[] pickle = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
    byte[] pickle4 = {(byte) 0x80, 4, (byte) 0x95, 5, 0, 0, 0, 0, 0, 0, 0, 'N', '.'};
    byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] shortFile = {8, 0, 0, 0, 0, 0, 0};

    for (byte[] content : List.of(pickle, pickle4, zip, shortFile)) {
      assertThat(scanner.recognize(ContentHead.ofBytes(content, "model.safetensors")).recognised()).isFalse();
    }
  }

  @Test
  void descriptorListsTheExtensionSoTheEngineCanReportNameMismatches() {
    assertThat(scanner.descriptor().extensions()).containsExactly("safetensors");
    assertThat(scanner.descriptor().formats()).containsExactly("safetensors");
    assertThat(scanner.rules()).extracting(r -> r.id()).doesNotHaveDuplicates().hasSize(9);
  }

  /** Every violation the reference reader refuses: the rule, part of the message, and a status that is not complete. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "bad_header_2p62.safetensors, SAFETENSORS-HEADER-TOO-LARGE, 4611686018427387904 bytes",
    "bad_header_200mb.safetensors, SAFETENSORS-HEADER-TOO-LARGE, HeaderTooLarge",
    "bad_header_past_eof.safetensors, SAFETENSORS-INVALID-HEADER, InvalidHeaderLength",
    "bad_utf8.safetensors, SAFETENSORS-INVALID-HEADER, not valid UTF-8 (byte 0xff at offset 11)",
    "bad_json_truncated.safetensors, SAFETENSORS-INVALID-HEADER, not valid JSON",
    "bad_not_object.safetensors, SAFETENSORS-INVALID-HEADER, starts with '[' instead of '{'",
    "bad_bom.safetensors, SAFETENSORS-INVALID-HEADER, starts with byte 0xef",
    "bad_nul_padding.safetensors, SAFETENSORS-INVALID-HEADER, NUL byte",
    "bad_lone_surrogate.safetensors, SAFETENSORS-INVALID-HEADER, a metadata value (\"\\ud800x\") holds an unpaired",
    "bad_lone_surrogate_name.safetensors, SAFETENSORS-INVALID-HEADER, surrogate",
    "bad_lone_surrogate_ignored.safetensors, SAFETENSORS-INVALID-HEADER, a string in an ignored field",
    "bad_unknown_dtype.safetensors, SAFETENSORS-INVALID-HEADER, unknown dtype \"F128\"",
    "bad_metadata_not_string.safetensors, SAFETENSORS-INVALID-HEADER, is an integer, not a string",
    "bad_missing_offsets.safetensors, SAFETENSORS-INVALID-HEADER, lacks data_offsets",
    "bad_float_shape.safetensors, SAFETENSORS-INVALID-HEADER, a non-integer number",
    "bad_negative_offset.safetensors, SAFETENSORS-INVALID-HEADER, is negative (-4)",
    "bad_three_offsets.safetensors, SAFETENSORS-INVALID-HEADER, has 3 numbers instead of 2",
    "bad_dim_beyond_u64.safetensors, SAFETENSORS-INVALID-HEADER, does not fit 64 bits",
    "bad_size_mismatch.safetensors, SAFETENSORS-INVALID-LAYOUT, TensorInvalidInfo",
    "bad_misaligned_f4.safetensors, SAFETENSORS-INVALID-LAYOUT, MisalignedSlice",
    "bad_gap.safetensors, SAFETENSORS-INVALID-LAYOUT, 'bytes [4, 8) of the data belong to no tensor'",
    "bad_overlap.safetensors, SAFETENSORS-OVERLAPPING-TENSORS, overlaps tensor \"a\"",
    "bad_first_not_zero.safetensors, SAFETENSORS-INVALID-LAYOUT, 'bytes [0, 4) of the data belong to no tensor'",
    "bad_end_before_begin.safetensors, SAFETENSORS-INVALID-LAYOUT, ends before it begins",
    "bad_data_past_eof.safetensors, SAFETENSORS-INVALID-LAYOUT, the file is truncated or its offsets are forged",
    "bad_trailing_pickle.safetensors, SAFETENSORS-HIDDEN-DATA, MetadataIncompleteBuffer",
    "bad_shape_overflow.safetensors, SAFETENSORS-SHAPE-BOMB, ValidationOverflow",
    "bad_shape_overflow_then_zero.safetensors, SAFETENSORS-SHAPE-BOMB, ValidationOverflow",
    "bad_shape_4tib.safetensors, SAFETENSORS-SHAPE-BOMB, asks for 4398046511104 bytes",
    "bad_duplicate_metadata.safetensors, SAFETENSORS-DUPLICATE-KEY, \"__metadata__\" appears twice",
    "bad_duplicate_field.safetensors, SAFETENSORS-DUPLICATE-KEY, the field \"dtype\" twice",
  })
  void violationsTheReferenceRefusesAreFindingsAndNotComplete(String fixture, String rule, String text) {
    RecordingScanContext ctx = scan(fixture);

    assertThat(ruleIds(ctx)).contains(rule);
    assertThat(messages(ctx)).contains(text);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(String.join(" ", ctx.partialReasons())).contains("the reference reader refuses it");
  }

  /** Deviations the reference reader accepts: a finding, but the file was fully validated. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "odd_leading_whitespace.safetensors, SAFETENSORS-NONSTANDARD-HEADER, whitespace byte(s) before '{'",
    "odd_newline_padding.safetensors, SAFETENSORS-NONSTANDARD-HEADER, not only with spaces",
    "odd_unknown_field.safetensors, SAFETENSORS-NONSTANDARD-HEADER, the field \"exec\"",
    "odd_long_name.safetensors, SAFETENSORS-EXCESSIVE-HEADER, longer than 4096 characters",
    "odd_high_rank.safetensors, SAFETENSORS-EXCESSIVE-HEADER, has 65 dimensions",
    "odd_normalisation_twins.safetensors, SAFETENSORS-DUPLICATE-KEY, differ only in Unicode normalisation",
  })
  void deviationsTheReferenceAcceptsAreFindingsOnACompleteScan(String fixture, String rule, String text) {
    RecordingScanContext ctx = scan(fixture);

    assertThat(ruleIds(ctx)).containsExactly(rule);
    assertThat(messages(ctx)).contains(text);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void duplicateTensorNamesSayWhichDefinitionEachReaderSees() {
    RecordingScanContext ctx = scan("bad_duplicate_tensor.safetensors");

    assertThat(ruleIds(ctx)).containsExactly("SAFETENSORS-DUPLICATE-KEY");
    assertThat(messages(ctx))
        .contains("keep the last definition (I32 [1] at [0, 4))")
        .contains("a reader that keeps the first sees F32 [1] at [0, 4)");
    // The reference accepts the file (the last entry wins and is valid), and so was everything validated.
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void bytesAfterTheLastTensorAreHandedBackForScanning() {
    RecordingScanContext ctx = scan("bad_trailing_pickle.safetensors");

    assertThat(ctx.members()).hasSize(1);
    assertThat(ctx.members().get(0).name()).isEqualTo("trailing-data");
    assertThat(ctx.members().get(0).content()).containsExactly(0x80, 0x04, 'N', '.');
    Finding finding = ctx.findings().get(0);
    assertThat(finding.threatType()).isEqualTo(ThreatType.DISGUISED_CONTENT);
    assertThat(finding.location().offset()).isEqualTo(Fixtures.bytes("bad_trailing_pickle.safetensors").length - 4);
  }

  @Test
  void bytesBetweenTensorsAreHandedBackForScanning() {
    RecordingScanContext ctx = scan("bad_gap.safetensors");
    int dataStart = Fixtures.bytes("bad_gap.safetensors").length - 12;

    assertThat(ctx.members()).extracting(RecordingScanContext.Member::name).containsExactly("gap@" + (dataStart + 4));
    assertThat(ctx.members().get(0).content()).hasSize(4);
  }

  @Test
  void allocationBombsAreDenialOfServiceFindings() {
    for (String fixture :
        List.of("bad_header_2p62.safetensors", "bad_shape_overflow.safetensors", "bad_shape_4tib.safetensors")) {
      Finding finding = scan(fixture).findings().get(0);

      assertThat(finding.threatType()).isEqualTo(ThreatType.DENIAL_OF_SERVICE);
      assertThat(finding.rule().cwe().id()).isEqualTo(400);
      assertThat(finding.severity()).isEqualTo(Severity.HIGH);
    }
  }

  /**
   * A header length of 2^62 in a file that really is 2^62 + 100 bytes long (virtually): judged from the first 8
   * bytes, nothing more read, nothing sized by the claim. The reader has no code path that allocates from the
   * claimed length: the length is compared with constants and the file size before any header byte is read.
   */
  @Test
  void aTwoToTheSixtyTwoClaimIsRejectedFromEightBytes() throws Exception {
    byte[] prefix = Fixtures.bytes("bad_header_2p62.safetensors");
    Fixtures.VirtualSource source = new Fixtures.VirtualSource(prefix, (1L << 62) + 100);
    RecordingScanContext ctx =
        new RecordingScanContext(source, "huge.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");

    scanner.scan(ctx);

    assertThat(ruleIds(ctx)).containsExactly("SAFETENSORS-HEADER-TOO-LARGE");
    assertThat(source.bytesRead()).isEqualTo(8);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aHeaderAboveMaxHeaderBytesIsALimitNotARead() throws Exception {
    byte[] bytes = Fixtures.bytes("valid_f32_metadata.safetensors");
    Fixtures.VirtualSource source = new Fixtures.VirtualSource(bytes, bytes.length);
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(16).build()).build();
    RecordingScanContext ctx =
        new RecordingScanContext(source, "m.safetensors", "safetensors", settings, "safetensors");

    scanner.scan(ctx);

    assertThat(ruleIds(ctx)).containsExactly(StandardRules.LIMIT_REACHED.id());
    assertThat(messages(ctx)).contains("maxHeaderBytes (--max-header-bytes) is 16");
    assertThat(source.bytesRead()).isEqualTo(8);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  /** Tensor bytes are never read, whatever their size: only the 8-byte prefix and the header are. */
  @Test
  void tensorBytesAreNeverRead() throws Exception {
    byte[] header = Fixtures.bytes("valid_f32_metadata.safetensors");
    long n = header[0] & 0xFF;
    // The same header in front of 24 bytes of data, but the data region is read through a counting source.
    Fixtures.VirtualSource source = new Fixtures.VirtualSource(header, header.length);
    RecordingScanContext ctx =
        new RecordingScanContext(source, "m.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");

    scanner.scan(ctx);

    assertThat(ctx.findings()).isEmpty();
    assertThat(source.readEnd()).isEqualTo(8 + n);
    // Two passes over the header (UTF-8 and padding, then JSON), each in bounded chunks.
    assertThat(source.bytesRead()).isEqualTo(8 + 2 * n);
  }

  /** The shape bomb is judged from the header: no more than the header is read, and the scan is bounded. */
  @Test
  void aShapeBombIsJudgedFromTheHeaderAlone() throws Exception {
    byte[] bytes = Fixtures.bytes("bad_shape_4tib.safetensors");
    Fixtures.VirtualSource source = new Fixtures.VirtualSource(bytes, bytes.length);
    RecordingScanContext ctx =
        new RecordingScanContext(source, "m.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");

    scanner.scan(ctx);

    assertThat(ruleIds(ctx)).contains("SAFETENSORS-SHAPE-BOMB");
    assertThat(messages(ctx)).contains("needs 4398046511104 bytes but the file's data holds only 4");
    assertThat(source.readEnd()).isEqualTo(bytes.length - 4);
    assertThat(source.largestRead()).isLessThanOrEqualTo(bytes.length);
  }

  @Test
  void tooManyTensorsStopTheAnalysis() {
    SafetensorsScanner strict = new SafetensorsScanner(new HeaderReader.Policy(3, 4096, 64, 65_536));

    RecordingScanContext ctx =
        RecordingScanContext.scan(strict, Fixtures.bytes("valid_many_dtypes.safetensors"), "m.safetensors");

    assertThat(ruleIds(ctx)).containsExactly("SAFETENSORS-EXCESSIVE-HEADER");
    assertThat(messages(ctx)).contains("more than 3 tensors");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void longMetadataValuesAreReported() {
    SafetensorsScanner strict = new SafetensorsScanner(new HeaderReader.Policy(100, 4096, 64, 4));

    RecordingScanContext ctx =
        RecordingScanContext.scan(strict, Fixtures.bytes("valid_many_dtypes.safetensors"), "m.safetensors");

    assertThat(ruleIds(ctx)).containsExactly("SAFETENSORS-EXCESSIVE-HEADER");
    assertThat(messages(ctx)).contains("metadata value of \"note\" has 14 characters");
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void stringsLongerThanMaxStringBytesAreALimit() {
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(8).build()).build();

    RecordingScanContext ctx =
        RecordingScanContext.scan(
            scanner, Fixtures.bytes("valid_many_dtypes.safetensors"), "m.safetensors", settings);

    assertThat(ruleIds(ctx)).containsExactly(StandardRules.LIMIT_REACHED.id());
    assertThat(messages(ctx)).contains("maxStringBytes (--max-string-bytes) is 8");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void nestingDeeperThanMaxJsonDepthIsALimit() {
    RecordingScanContext ctx = scan("bad_deep_nesting.safetensors");

    assertThat(ruleIds(ctx)).contains(StandardRules.LIMIT_REACHED.id());
    assertThat(messages(ctx)).contains("maxJsonDepth (--max-json-depth) is 256");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void theDeadlineIsCheckedWhileReading() {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build()).build();

    RecordingScanContext ctx =
        RecordingScanContext.scan(
            scanner, Fixtures.bytes("valid_many_dtypes.safetensors"), "m.safetensors", settings);

    assertThat(ruleIds(ctx)).containsExactly(StandardRules.LIMIT_REACHED.id());
    assertThat(messages(ctx)).contains("scanTimeout");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void findingsOfOneRuleAreCappedWithASummary() {
    StringBuilder header = new StringBuilder("{");
    for (int i = 0; i < 30; i++) {
      header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":");
      header.append("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}");
    }
    header.append('}');

    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, Fixtures.file(header.toString(), new byte[4]), "m.safetensors");

    List<Finding> overlaps =
        ctx.findings().stream().filter(f -> f.ruleId().equals("SAFETENSORS-OVERLAPPING-TENSORS")).toList();
    assertThat(overlaps).hasSize(Outcome.MAX_PROBLEMS_PER_RULE + 1);
    assertThat(overlaps.get(overlaps.size() - 1).message()).startsWith("9 more problems of this kind");
  }

  @Test
  void aFileShorterThanEightBytesIsRefused() throws Exception {
    Fixtures.VirtualSource source = new Fixtures.VirtualSource(new byte[] {2, 0, 0}, 3);
    RecordingScanContext ctx =
        new RecordingScanContext(source, "m.safetensors", "safetensors", ScanSettings.defaults(), "safetensors");

    scanner.scan(ctx);

    assertThat(messages(ctx)).contains("HeaderTooSmall");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void findingOffsetsPointIntoTheHeader() {
    RecordingScanContext ctx = scan("bad_unknown_dtype.safetensors");
    byte[] bytes = Fixtures.bytes("bad_unknown_dtype.safetensors");
    long offset = ctx.findings().get(0).location().offset();

    assertThat(new String(bytes, (int) offset, 6, StandardCharsets.US_ASCII)).isEqualTo("\"F128\"");
  }
}
