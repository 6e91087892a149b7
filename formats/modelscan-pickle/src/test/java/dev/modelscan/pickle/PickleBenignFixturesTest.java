package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.testkit.RecordingScanContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files written by the real libraries (torch 1.13, scikit-learn, joblib, NumPy, dill, cloudpickle): benign ones give no
 * finding at or above MEDIUM and a complete status; the same files with a payload spliced in are flagged.
 */
class PickleBenignFixturesTest {

  @ParameterizedTest(name = "{0} is clean")
  @CsvSource({
    "torch_zip_data.pkl, pickle",
    "torch_legacy_state_dict.pt, pytorch-legacy",
    "torch_legacy_protocol0.pt, pytorch-legacy",
    "torchscript_data.pkl, pickle",
    "torchscript_constants.pkl, pickle",
    "torchscript_linear.debug_pkl, pickle",
    "sklearn_logreg.pkl, pickle",
    "sklearn_logreg.joblib, joblib",
    "sklearn_knn.pkl, pickle",
    "sklearn_grid_f1.pkl, pickle",
    "sklearn_tfidf.pkl, pickle",
    "sklearn_hgb.pkl, pickle",
    "sklearn_rf.joblib, joblib",
    "sklearn_pipeline.joblib, joblib",
    "torch_whole_module_data.pkl, pickle",
    "joblib_arrays.joblib, joblib",
    "dill_data.pkl, pickle",
    "benign_ordereddict.pkl, pickle",
    "benign_p0_list.pkl, pickle",
    "benign_p1_dict.pkl, pickle",
    "torch_tar_storages, pytorch-legacy",
    "torch_tar_tensors, pytorch-legacy",
  })
  void benignFilesHaveNoMediumFinding(String fixture, String format) {
    RecordingScanContext ctx = Fixtures.pickle(fixture);
    assertThat(Fixtures.atLeast(ctx, Severity.MEDIUM)).as(ctx.toString()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.format()).isEqualTo(format);
  }

  @Test
  void legacyTorchStoragesAreSkippedByTheirDeclaredSizes() {
    RecordingScanContext ctx = Fixtures.pickle("torch_legacy_state_dict.pt");
    // w: 6 float32 elements, b: 2 int64 elements; each storage is handed back as opaque data
    assertThat(ctx.members()).hasSize(2);
    assertThat(ctx.members()).allSatisfy(m -> assertThat(m.kind()).isEqualTo(MemberKind.OPAQUE_DATA));
    assertThat(ctx.members()).extracting(m -> m.content().length).containsExactlyInAnyOrder(24, 16);
    assertThat(ctx.findings()).isEmpty();
  }

  @Test
  void legacyTarStoragesAreSkippedAndAPayloadAfterThemIsFound() {
    RecordingScanContext benign = Fixtures.pickle("torch_tar_storages");
    assertThat(benign.members()).singleElement().satisfies(m -> assertThat(m.content()).hasSize(8 + 12));
    RecordingScanContext bad = Fixtures.pickle("torch_tar_storages_payload");
    assertThat(Fixtures.operators(bad)).contains("os.system");
  }

  @Test
  void legacyTorchWithPayloadAfterTheStoragesIsFlagged() {
    RecordingScanContext ctx = Fixtures.pickle("torch_legacy_payload_end.pt");
    assertThat(ctx.format()).isEqualTo("pytorch-legacy");
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains("PICKLE-TRAILING-DATA", "PICKLE-DANGEROUS-GLOBAL");
    assertThat(Fixtures.operators(ctx)).contains("builtins.eval");
  }

  @Test
  void legacyTorchWithPayloadInFrontIsFlagged() {
    RecordingScanContext ctx = Fixtures.pickle("torch_legacy_payload_start.pt");
    assertThat(Fixtures.operators(ctx)).contains("os.system");
    assertThat(Fixtures.atLeast(ctx, Severity.CRITICAL)).isNotEmpty();
  }

  @Test
  void joblibWithPayloadAfterTheModelIsFlagged() {
    RecordingScanContext ctx = Fixtures.pickle("sklearn_logreg_payload_end.joblib");
    assertThat(ctx.format()).isEqualTo("joblib");
    assertThat(Fixtures.operators(ctx)).contains("os.system");
  }

  @Test
  void joblibArraysAreSkippedNotParsedAsOpcodes() {
    // f4, unicode, object (a nested pickle) and big-endian int64 arrays; a misparse would break the stream
    RecordingScanContext ctx = Fixtures.pickle("joblib_arrays.joblib");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.partialReasons()).isEmpty();
  }

  @Test
  void dillAndCloudpickleFunctionsAreCodeConstruction() {
    RecordingScanContext dill = Fixtures.pickle("dill_lambda.pkl");
    assertThat(dill.format()).isEqualTo("dill");
    assertThat(dill.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-CODE-CONSTRUCTION"))
        .extracting(Finding::operator)
        .contains("_create_function", "_create_code");
    RecordingScanContext cloud = Fixtures.pickle("cloudpickle_lambda.pkl");
    assertThat(cloud.format()).isEqualTo("cloudpickle");
    assertThat(cloud.findings())
        .filteredOn(f -> f.ruleId().equals("PICKLE-CODE-CONSTRUCTION"))
        .extracting(Finding::operator)
        .contains("_make_function", "_builtin_type");
    assertThat(cloud.findings()).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }
}
