package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pickles inside containers, through the engine: PyTorch zips and TorchScript archives (every member dispatched by
 * content), .npz archives, and joblib dumps in each of joblib's compression wrappers.
 */
class PickleContainersEndToEndTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  private static FileResult scan(String fixture) {
    return ENGINE.scanBytes(Fixtures.bytes(fixture), fixture);
  }

  private static List<Finding> pickleFindings(FileResult r, Severity atLeast) {
    return r.findings().stream()
        .filter(f -> f.scanner().equals(PickleScanner.NAME) || f.scanner().equals(NumpyScanner.NAME))
        .filter(f -> f.severity().isAtLeast(atLeast))
        .collect(Collectors.toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "torch_zip_state_dict.pt",
        "numpy_arrays.npz",
        "sklearn_logreg_zlib.joblib",
        "sklearn_logreg.joblib.gz",
        "sklearn_logreg.joblib.bz2",
        "sklearn_logreg.joblib.xz",
        "sklearn_logreg.joblib.lzma"
      })
  void benignContainersAreCleanAndComplete(String fixture) {
    FileResult r = scan(fixture);
    assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).as(r.toString()).isFalse();
    assertThat(r.status()).as(r.toString()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.members()).as(r.toString()).isNotEmpty();
  }

  @Test
  void torchScriptPicklesAreClean() {
    FileResult r = scan("torchscript_linear.pt");
    assertThat(pickleFindings(r, Severity.MEDIUM)).as(r.toString()).isEmpty();
    assertThat(r.members()).anySatisfy(m -> assertThat(m.entry()).endsWith("constants.pkl"));
  }

  @Test
  void payloadInsideTheTorchZipDataPickleIsFound() {
    FileResult r = scan("torch_zip_payload_in_data_pkl.pt");
    assertThat(pickleFindings(r, Severity.CRITICAL))
        .anySatisfy(
            f -> {
              assertThat(f.operator()).isEqualTo("eval");
              assertThat(f.location().entry()).endsWith("data.pkl");
            });
  }

  @Test
  void payloadSplicedIntoATorchScriptMemberIsFound() {
    FileResult r = scan("torchscript_payload_in_member.pt");
    assertThat(pickleFindings(r, Severity.CRITICAL))
        .anySatisfy(
            f -> {
              assertThat(f.module()).isEqualTo("os");
              assertThat(f.operator()).isEqualTo("system");
              assertThat(f.location().entry()).endsWith("data.pkl");
            });
  }

  @Test
  void payloadAfterAGzipCompressedJoblibDumpIsFound() {
    FileResult r = scan("payload_end.joblib.gz");
    assertThat(pickleFindings(r, Severity.CRITICAL)).extracting(Finding::operator).contains("system");
  }
}
