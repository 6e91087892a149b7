package dev.modelscan.pickle.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ModelScan;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Source files and legacy containers through the full engine, with every scanner of the class path. */
class ContainersEndToEndTest {

  private static final ModelScan ENGINE = ModelScan.builder().build();

  @Test
  void legacyTorchTarNamedPtIsCleanCompleteAndNotAMismatch() {
    byte[] tar = PythonSourceScannerTest.fixture("legacy_torch_tar.pt");
    FileResult r = ENGINE.scanBytes(tar, "legacy_torch_tar.pt");
    assertThat(r.format()).isEqualTo("pytorch-legacy-tar");
    assertThat(r.findings()).as(r.toString()).noneSatisfy(
        f -> assertThat(f.ruleId()).isEqualTo("MODELSCAN-FORMAT-MISMATCH"));
    assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).as(r.toString()).isFalse();
    assertThat(r.status()).as(r.toString()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void pythonFileWithAShebangIsAnalysedAsPythonNotAPolyglot() {
    String src = "#!/usr/bin/env python3\nimport os\nos.system('echo pwned')\n";
    FileResult r = ENGINE.scanBytes(src.getBytes(StandardCharsets.UTF_8), "run.py");
    assertThat(r.format()).isEqualTo("python");
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("PYTHON-PROCESS");
    // Without the .py name the shebang script claim stays as it was.
    FileResult script = ENGINE.scanBytes(src.getBytes(StandardCharsets.UTF_8), "run");
    assertThat(script.format()).isEqualTo("shebang-script");
  }
}
