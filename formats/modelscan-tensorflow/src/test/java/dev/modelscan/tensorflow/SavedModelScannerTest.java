package dev.modelscan.tensorflow;

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
import org.junit.jupiter.api.Test;

class SavedModelScannerTest {
  private final SavedModelScanner scanner = new SavedModelScanner();

  private RecordingScanContext scan(String name) {
    return RecordingScanContext.scan(scanner, Fixtures.load(name), "saved_model.pb");
  }

  @Test
  void cleanModelWithSaverFunctionsAndTf1SaverScopeHasNoFinding() {
    RecordingScanContext ctx = scan("clean_saved_model.pb");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void readFileInTheGraphIsAFileReadFinding() {
    RecordingScanContext ctx = scan("readfile_saved_model.pb");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TF-FILE-READ-OP");
    Finding f = ctx.findings().get(0);
    assertThat(f.operator()).isEqualTo("ReadFile");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.threatType()).isEqualTo(ThreatType.FILE_ACCESS);
    assertThat(f.message()).contains("node read");
    // the offset is the NodeDef's tag inside the GraphDef (field 1, length-delimited), not 0
    byte[] bytes = Fixtures.load("readfile_saved_model.pb");
    assertThat(f.location().offset()).isPositive();
    assertThat(bytes[(int) f.location().offset()]).isEqualTo((byte) 0x0A);
  }

  @Test
  void writeFileInTheFunctionLibraryIsFound() {
    RecordingScanContext ctx = scan("writefile_in_function_saved_model.pb");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TF-FILE-WRITE-OP");
    assertThat(ctx.findings().get(0).message()).contains("function __inference_serve_42");
  }

  @Test
  void eagerPyFuncIsCodeInjection() {
    RecordingScanContext ctx = scan("pyfunc_saved_model.pb");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TF-PYTHON-OP");
    assertThat(ctx.findings().get(0).threatType()).isEqualTo(ThreatType.CODE_INJECTION);
  }

  @Test
  void printToFileAndDebugToGrpcAreFoundThroughTheirAttributes() {
    RecordingScanContext ctx = scan("print_and_debug_saved_model.pb");
    assertThat(ctx.findings())
        .extracting(Finding::ruleId, Finding::operator)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("TF-FILE-WRITE-OP", "PrintV2"),
            org.assertj.core.groups.Tuple.tuple("TF-NETWORK-OP", "DebugIdentity"));
    assertThat(ctx.findings()).extracting(Finding::message)
        .anyMatch(m -> m.contains("file:///tmp/pwned.txt"))
        .anyMatch(m -> m.contains("grpc://attacker.example:6064"));
  }

  @Test
  void checkpointRestoreOutsideTheSaverIsLow() {
    RecordingScanContext ctx = scan("restore_outside_saver_saved_model.pb");
    assertThat(ctx.findings()).extracting(Finding::ruleId).containsExactly("TF-CHECKPOINT-OP");
    assertThat(ctx.findings().get(0).severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void assetOutsideTheExportAndCustomOpLibraryAreReported() {
    RecordingScanContext ctx = scan("asset_traversal_custom_op_saved_model.pb");
    assertThat(ctx.findings())
        .extracting(Finding::ruleId, Finding::operator)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("TF-ASSET-PATH-TRAVERSAL", "../../../../etc/passwd"),
            org.assertj.core.groups.Tuple.tuple("TF-CUSTOM-OP", "Addons>GatherTree"));
  }

  @Test
  void recognition() {
    byte[] clean = Fixtures.load("clean_saved_model.pb");
    assertThat(scanner.recognize(ContentHead.ofBytes(clean, "x.bin")).confidence()).isEqualTo(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes(clean, "m/saved_model.pb")).confidence())
        .isGreaterThan(Recognition.STRONG);
    // an ONNX model: ir_version 8, producer name: not a SavedModel
    byte[] onnx = {0x08, 0x08, 0x12, 0x03, 'p', 'y', 't'};
    assertThat(scanner.recognize(ContentHead.ofBytes(onnx, "saved_model.pb")).recognised()).isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes(new byte[] {1, 2, 3}, "saved_model.pb")).recognised())
        .isFalse();
  }

  @Test
  void structureOverTheHeaderLimitIsPartialAndKeepsEarlierFindings() {
    byte[] bytes = Fixtures.load("readfile_saved_model.pb");
    // enough budget to reach the ReadFile node, not the rest of the graph
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(80).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "saved_model.pb", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxHeaderBytes"));
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("TF-FILE-READ-OP");
  }

  @Test
  void stringsOverTheStringLimitArePartial() {
    ScanSettings settings = ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(4).build()).build();
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, Fixtures.load("clean_saved_model.pb"), "saved_model.pb", settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
  }

  @Test
  void nodeLongerThanItsGraphIsMalformed() {
    // SavedModel{1: 1, 2: MetaGraphDef{2: GraphDef{1: NodeDef claiming 127 bytes of 1}}}
    byte[] bytes = {0x08, 0x01, 0x12, 0x05, 0x12, 0x03, 0x0A, 0x7F, 0x00};
    RecordingScanContext ctx = RecordingScanContext.scan(scanner, bytes, "saved_model.pb");
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }
}
