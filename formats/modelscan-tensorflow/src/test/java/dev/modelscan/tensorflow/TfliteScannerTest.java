package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TfliteScannerTest {
  private final TfliteScanner scanner = new TfliteScanner();

  private RecordingScanContext scan(String name) {
    return RecordingScanContext.scan(scanner, Fixtures.load(name), name);
  }

  @Test
  void cleanModelWithBundledCustomOpHasNoFinding() {
    RecordingScanContext ctx = scan("clean.tflite");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.members()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void aModelWithoutAnAppendedZipDeclaresNothing() {
    assertThat(scan("clean.tflite").embedded()).isEmpty();
  }

  @Test
  void customOperatorIsReported() {
    RecordingScanContext ctx = scan("custom_op.tflite");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TFLITE-CUSTOM-OP");
    assertThat(ctx.findings().get(0).operator()).isEqualTo("MyNativeOp");
  }

  @Test
  void flexOperatorsAreJudgedByTheTensorFlowOpList() {
    RecordingScanContext ctx = scan("flex_ops.tflite");
    assertThat(ctx.findings())
        .extracting(Finding::ruleId, Finding::operator, Finding::severity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("TFLITE-FLEX-OP", "FlexAddV2", Severity.LOW),
            org.assertj.core.groups.Tuple.tuple("TF-FILE-READ-OP", "FlexReadFile", Severity.HIGH),
            org.assertj.core.groups.Tuple.tuple("TF-PYTHON-OP", "FlexEagerPyFunc", Severity.HIGH));
  }

  @Test
  void bufferOutsideTheFileIsMalformed() {
    RecordingScanContext ctx = scan("bad_buffer.tflite");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TFLITE-MALFORMED");
    assertThat(ctx.findings().get(0).message()).contains("1000000+64");
  }

  @Test
  void bufferOffsetWithTheTopBitSetIsOutsideTheFile() {
    RecordingScanContext ctx = scan("bad_buffer_huge_offset.tflite");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TFLITE-MALFORMED");
    assertThat(ctx.findings().get(0).message()).contains("9223372036854775808+64");
  }

  @Test
  void customOperatorFindingsAreCappedWithASummary() {
    RecordingScanContext ctx = scan("many_custom_ops.tflite");
    assertThat(ctx.findings()).hasSize(CappedReporter.MAX_PER_RULE + 1);
    assertThat(ctx.findings().get(CappedReporter.MAX_PER_RULE).message()).contains("more than 50");
  }

  @Test
  void appendedAssociatedFilesDoNotDisturbTheFlatbufferReading() {
    // The zip itself is the engine's business (its zip scanner claims the tail): nothing is handed back here.
    RecordingScanContext ctx = scan("with_associated_files.tflite");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.members()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    // The zip lies after the flatbuffer: the Support layout, declared so that the engine reports no polyglot.
    assertThat(ctx.embedded()).containsExactly("zip");
  }

  @Test
  void vtableOutsideTheBufferIsMalformedNotACrash() {
    byte[] bytes = Fixtures.load("clean.tflite");
    int root = (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8;
    // soffset to the vtable: point it far outside the file
    bytes[root] = 0;
    bytes[root + 1] = 0;
    bytes[root + 2] = 0;
    bytes[root + 3] = (byte) 0x80;
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "bad.tflite");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void operatorCodeVectorLongerThanTheFileIsMalformed() {
    byte[] bytes = Fixtures.load("custom_op.tflite");
    // find the operator_codes vector length (2) right before its two offsets and make it huge
    int root = (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8;
    int vtable = root - ((bytes[root] & 0xFF) | (bytes[root + 1] & 0xFF) << 8);
    int field = (bytes[vtable + 6] & 0xFF) | (bytes[vtable + 7] & 0xFF) << 8;
    int vec = root + field + ((bytes[root + field] & 0xFF) | (bytes[root + field + 1] & 0xFF) << 8);
    assertThat(bytes[vec]).isEqualTo((byte) 2);
    bytes[vec + 3] = 0x7F;
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "bad.tflite");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::message).anyMatch(m -> m.contains("does not fit"));
  }

  @Test
  void recognition() {
    assertThat(scanner.recognize(ContentHead.ofBytes(Fixtures.load("clean.tflite"), "x")).confidence())
        .isEqualTo(Recognition.CERTAIN);
    byte[] fake = "\u00ff\u00ff\0\0TFL3".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(scanner.recognize(ContentHead.ofBytes(fake, "x.tflite")).confidence()).isEqualTo(Recognition.WEAK);
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[] {1, 2}, "x.tflite")).recognised()).isFalse();
  }
}
