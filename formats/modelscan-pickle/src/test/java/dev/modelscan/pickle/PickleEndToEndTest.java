package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pickle scanners through the engine: discovery by ServiceLoader, dispatch by content, nested members. */
class PickleEndToEndTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  private static FileResult scan(String fixture) {
    return ENGINE.scanBytes(Fixtures.bytes(fixture), fixture);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "torch_legacy_state_dict.pt",
        "sklearn_logreg.pkl",
        "sklearn_logreg.joblib",
        "joblib_arrays.joblib",
        "numpy_object.npy",
        "numpy_float.npy",
        "dill_data.pkl",
        "benign_p0_list.pkl"
      })
  void benignFilesAreCleanAndComplete(String fixture) {
    FileResult r = scan(fixture);
    assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).as(r.toString()).isFalse();
    assertThat(r.status()).as(r.toString()).isEqualTo(ScanStatus.COMPLETE);
  }

  /**
   * Issue 16 item 2: the first line of these protocol-0 pickles is longer than the 8 KiB head; they used to be claimed
   * as text and reported clean although pickle.load runs os.system('echo hi').
   */
  @ParameterizedTest
  @ValueSource(strings = {"p0_long_unicode_line.pkl", "p0_long_string_line.pkl"})
  void aPickleWithAFirstLineLongerThanTheHeadIsScannedAsAPickle(String fixture) {
    FileResult r = ENGINE.scanBytes(Fixtures.bytes(fixture), "notes.txt");
    assertThat(r.format()).as(r.toString()).isEqualTo("pickle");
    assertThat(r.findings()).extracting(f -> f.module() + "." + f.operator()).contains("os.system");
    assertThat(r.hasFindingAtLeast(Severity.CRITICAL)).isTrue();
  }

  @Test
  void legacyCheckpointIsRecognisedByContentWhateverItsName() {
    FileResult r = ENGINE.scanBytes(Fixtures.bytes("torch_legacy_payload_end.pt"), "weights.safetensors");
    assertThat(r.format()).isEqualTo("pytorch-legacy");
    assertThat(r.findings()).extracting(Finding::operator).contains("eval");
    assertThat(r.hasFindingAtLeast(Severity.CRITICAL)).isTrue();
  }

  @Test
  void nestedPickleLoadsPayloadIsScannedByTheEngine() {
    FileResult r = scan("nested_pickle_loads.pkl");
    // the outer import, and the os.system inside the literal handed to pickle.loads
    assertThat(r.findings()).extracting(Finding::ruleId).contains("PICKLE-NESTED-LOAD", "PICKLE-DANGEROUS-GLOBAL");
    assertThat(r.findings())
        .filteredOn(f -> f.operator().equals("system"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().entry()).startsWith("pickle.loads@"));
  }

  @Test
  void objectArrayPayloadIsFoundThroughTheEngine() {
    FileResult r = scan("numpy_object_payload.npy");
    assertThat(r.format()).isEqualTo("numpy");
    assertThat(r.findings()).extracting(Finding::operator).contains("eval");
  }

  @Test
  void junkSeparatedPayloadIsFoundAndTheFileIsNotClean() {
    FileResult r = scan("benign_junk_malicious.pkl");
    assertThat(r.hasFindingAtLeast(Severity.CRITICAL)).isTrue();
  }

  @Test
  void protocolZeroPickleBeatsTheTextScanner() {
    FileResult r = ENGINE.scanBytes(Fixtures.bytes("p0_os_system.pkl"), "notes.txt");
    assertThat(r.format()).isEqualTo("pickle");
    assertThat(r.hasFindingAtLeast(Severity.CRITICAL)).isTrue();
  }
}
