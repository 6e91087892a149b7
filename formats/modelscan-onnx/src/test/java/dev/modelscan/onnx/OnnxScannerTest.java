package dev.modelscan.onnx;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OnnxScannerTest {
  private final OnnxScanner scanner = new OnnxScanner();

  static byte[] fixture(String name) {
    try (InputStream in = OnnxScannerTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RecordingScanContext scan(String name) {
    return RecordingScanContext.scan(scanner, fixture(name), name);
  }

  @Test
  void cleanModelWithSubgraphsLocalFunctionAndMlDomainHasNoFinding() {
    RecordingScanContext ctx = scan("clean.onnx");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void externalDataInsideTheModelDirectoryIsClean() {
    RecordingScanContext ctx = scan("external_inside.onnx");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @ParameterizedTest
  @CsvSource({
    "external_traversal.onnx, ONNX-EXTERNAL-DATA-TRAVERSAL, PATH_TRAVERSAL, ../../../../etc/passwd",
    "external_nested_traversal.onnx, ONNX-EXTERNAL-DATA-TRAVERSAL, PATH_TRAVERSAL, subdir/../../secret.bin",
    "external_absolute.onnx, ONNX-EXTERNAL-DATA-TRAVERSAL, PATH_TRAVERSAL, /etc/passwd",
    "external_drive_letter.onnx, ONNX-EXTERNAL-DATA-TRAVERSAL, PATH_TRAVERSAL, C:\\Windows\\win.ini",
    "external_device.onnx, ONNX-EXTERNAL-DATA-DEVICE, FILE_ACCESS, /proc/self/environ",
    "external_unc.onnx, ONNX-EXTERNAL-DATA-REMOTE, NETWORK_ACCESS, \\\\attacker.example\\share\\w.bin",
    "external_in_subgraph.onnx, ONNX-EXTERNAL-DATA-TRAVERSAL, PATH_TRAVERSAL, ../outside.bin"
  })
  void externalDataEscapingTheDirectoryIsFlagged(String fixture, String rule, ThreatType type, String location) {
    RecordingScanContext ctx = scan(fixture);
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly(rule);
    Finding f = ctx.findings().get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.threatType()).isEqualTo(type);
    assertThat(f.operator()).isEqualTo(location);
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void unknownExternalDataKeyIsFlagged() {
    RecordingScanContext ctx = scan("external_unknown_key.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
    assertThat(ctx.findings().get(0).message()).contains("__class__");
  }

  @Test
  void customDomainIsFlaggedButStandardAndLocalFunctionsAreNot() {
    RecordingScanContext ctx = scan("custom_domain.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-CUSTOM-OPERATOR");
    Finding f = ctx.findings().get(0);
    assertThat(f.module()).isEqualTo("com.example.custom");
    assertThat(f.operator()).isEqualTo("MyOp");
  }

  @Test
  void pythonOperatorIsHighCodeInjection() {
    RecordingScanContext ctx = scan("python_op.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-PYTHON-OPERATOR");
    assertThat(ctx.findings().get(0).threatType()).isEqualTo(ThreatType.CODE_INJECTION);
  }

  @Test
  void scriptInMetadataIsFlagged() {
    RecordingScanContext ctx = scan("metadata_script.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-SUSPICIOUS-METADATA");
    assertThat(ctx.findings().get(0).severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void recognisesRealModelsStronglyAndNameAloneNever() {
    assertThat(scanner.recognize(ContentHead.ofBytes(fixture("clean.onnx"), "model.bin")).confidence())
        .isEqualTo(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes(fixture("clean.onnx"), "model.onnx")).confidence())
        .isGreaterThan(Recognition.STRONG)
        .isLessThan(Recognition.CERTAIN);
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[] {1, 2, 3, 4}, "model.onnx")).recognised()).isFalse();
    // A TensorFlow SavedModel is protobuf too: schema version 1, then meta_graphs (field 2) - not a ModelProto graph.
    byte[] savedModel = {0x08, 0x01, 0x12, 0x04, 0x0A, 0x02, 0x0A, 0x00};
    assertThat(scanner.recognize(ContentHead.ofBytes(savedModel, "saved_model.pb")).recognised()).isFalse();
  }

  @Test
  void subgraphsNestedDeeperThanTheLimitArePartial() {
    // ModelProto{ir_version 8, graph{node{attribute{g{node{attribute{g{...}}}}}}}}, depth 4 with limit 2.
    byte[] graph = new byte[0];
    for (int i = 0; i < 4; i++) {
      byte[] attribute = Proto.message(6, graph); // AttributeProto.g
      byte[] node = Proto.message(5, attribute); // NodeProto.attribute
      graph = Proto.message(1, node); // GraphProto.node
    }
    byte[] model = Proto.concat(Proto.varint(1, 8), Proto.message(7, graph));
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxNestingDepth(2).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model, "deep.onnx", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxNestingDepth"));
  }

  @Test
  void stringsOverTheStringLimitAreSkippedAndMakeThePartial() {
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(8).build()).build();
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, fixture("external_traversal.onnx"), "t.onnx", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
  }

  @Test
  void decodedStructureOverTheHeaderLimitStopsTheScan() {
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(64).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.onnx"), "c.onnx", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxHeaderBytes"));
  }

  @Test
  void lengthBeyondTheEnclosingMessageIsMalformed() {
    // The graph fits the file, but its first node claims 100 bytes of a 3-byte graph.
    byte[] model = Proto.concat(Proto.varint(1, 8), new byte[] {0x3A, 0x03, 0x0A, 0x64, 0x0A});
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model, "bad.onnx");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }

  /** ModelProto{ir_version 8, graph{parts...}, extra...}. */
  private static byte[] model(byte[] graph, byte[]... extra) {
    return Proto.concat(Proto.varint(1, 8), Proto.message(7, graph), Proto.concat(extra));
  }

  private static byte[] node(String domain, String op, byte[]... attributes) {
    return Proto.concat(Proto.string(4, op), Proto.string(7, domain), Proto.concat(attributes));
  }

  private static byte[] externalTensor(String key, String value) {
    byte[] entry = Proto.concat(Proto.string(1, key), Proto.string(2, value));
    return Proto.concat(Proto.string(8, "w"), Proto.message(13, entry), Proto.varint(14, 1));
  }

  @Test
  void deadlineIsCheckedWhileWalking() {
    ScanSettings settings = ScanSettings.builder()
        .limits(ScanLimits.builder().scanTimeout(java.time.Duration.ofNanos(1)).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, fixture("clean.onnx"), "c.onnx", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }

  @Test
  void customOperatorFindingsAreCappedWithASummary() {
    byte[][] nodes = new byte[60][];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = Proto.message(1, node("x.custom", "Op" + i));
    }
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model(Proto.concat(nodes)), "many.onnx");
    assertThat(ctx.findings()).hasSize(51);
    assertThat(ctx.findings().get(50).message()).contains("more than 50");
  }

  @Test
  void operatorsBeyondTheTrackingBoundArePartial() {
    byte[] graph = Proto.concat(Proto.message(1, node("", "Relu")), Proto.message(1, node("x.custom", "A")),
        Proto.message(1, node("ai.onnx.contrib", "PyOp")));
    RecordingScanContext ctx = RecordingScanContext.scan(new OnnxScanner(2), model(graph), "m.onnx");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("more than 2 distinct operators"));
    // the operator past the bound is still judged
    assertThat(ctx.findings()).extracting(Finding::operator).containsExactlyInAnyOrder("A", "PyOp");
  }

  @Test
  void linkInMetadataIsLow() {
    byte[] prop = Proto.concat(Proto.string(1, "homepage"), Proto.string(2, "https://example.com/model"));
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, model(new byte[0], Proto.message(14, prop)), "m.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId, Finding::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ONNX-SUSPICIOUS-METADATA", Severity.LOW));
  }

  @Test
  void emptyExternalLocationIsMalformed() {
    byte[] graph = Proto.message(5, externalTensor("location", ""));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model(graph), "m.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
  }

  @Test
  void nonNumericOffsetIsMalformed() {
    byte[] tensor = Proto.concat(externalTensor("location", "w.bin"),
        Proto.message(13, Proto.concat(Proto.string(1, "offset"), Proto.string(2, "-5"))));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model(Proto.message(5, tensor)), "m.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("ONNX-EXTERNAL-DATA-MALFORMED");
    assertThat(ctx.findings().get(0).message()).contains("offset \"-5\"");
  }

  @Test
  void everyLocationEntryIsJudgedNotOnlyTheLast() {
    byte[] tensor = Proto.concat(externalTensor("location", "../../first.bin"),
        Proto.message(13, Proto.concat(Proto.string(1, "location"), Proto.string(2, "w.bin"))));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model(Proto.message(5, tensor)), "m.onnx");
    assertThat(ctx.findings()).extracting(Finding::operator).containsExactly("../../first.bin");
  }

  @Test
  void modelLocalFunctionsAndTrainingGraphsAreWalked() {
    byte[] constant = node("", "Constant", Proto.message(5, Proto.concat(Proto.string(1, "value"),
        Proto.message(5, externalTensor("location", "../../f.bin")))));
    byte[] function = Proto.concat(Proto.string(1, "F"), Proto.string(10, "local"), Proto.message(7, constant),
        Proto.message(7, node("com.microsoft", "PythonOp")));
    byte[] training = Proto.message(1, Proto.message(5, externalTensor("location", "/etc/shadow")));
    RecordingScanContext ctx = RecordingScanContext.scan(scanner,
        model(Proto.message(1, node("local", "F")), Proto.message(25, function), Proto.message(20, training)),
        "m.onnx");
    assertThat(ctx.findings()).extracting(Finding::ruleId, Finding::operator)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("ONNX-EXTERNAL-DATA-TRAVERSAL", "../../f.bin"),
            org.assertj.core.groups.Tuple.tuple("ONNX-EXTERNAL-DATA-TRAVERSAL", "/etc/shadow"),
            org.assertj.core.groups.Tuple.tuple("ONNX-PYTHON-OPERATOR", "PythonOp"));
  }

  @Test
  void operatorsSeenBeforeMalformedContentAreStillReported() {
    // graph{node PyOp, node claiming 100 bytes of what is left}
    byte[] graph = Proto.concat(Proto.message(1, node("ai.onnx.contrib", "PyOp")), new byte[] {0x0A, 0x64, 0x0A});
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, model(graph), "m.onnx");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId)
        .containsExactlyInAnyOrder("ONNX-PYTHON-OPERATOR", StandardRules.MALFORMED_CONTENT.id());
  }

  @Test
  void modelWhoseGraphRunsPastTheHeadIsRecognisedAndItsTensorDataSkipped() {
    // As torch.onnx.export writes it: ir_version, producer, graph (with a 64 KiB inline initializer), opset_import.
    byte[] raw = new byte[64 * 1024];
    byte[] initializer = Proto.concat(Proto.varint(1, raw.length / 4), Proto.varint(2, 1), Proto.string(8, "w"),
        Proto.message(9, raw));
    byte[] graph = Proto.concat(Proto.message(1, node("", "Relu")), Proto.string(2, "torch_jit"),
        Proto.message(5, initializer));
    byte[] bytes = Proto.concat(Proto.varint(1, 7), Proto.string(2, "pytorch"), Proto.string(3, "1.13.1"),
        Proto.message(7, graph), Proto.message(8, Proto.concat(Proto.string(1, ""), Proto.varint(2, 13))));
    assertThat(scanner.recognize(ContentHead.ofBytes(bytes, "model.bin")).confidence()).isEqualTo(Recognition.STRONG);
    // the 64 KiB payload is skipped by length: a 4 KiB decode budget is enough for the whole model
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(4096).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "model.bin", settings);
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void lengthBeyondTheFileIsNotClaimed() {
    byte[] model = Proto.concat(Proto.varint(1, 8), new byte[] {0x3A, (byte) 0xFF, (byte) 0xFF, 0x03, 0x0A, 0x00});
    assertThat(scanner.recognize(ContentHead.ofBytes(model, "bad.onnx")).recognised()).isFalse();
  }
}
