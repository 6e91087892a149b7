package dev.modelscan.pickle.python;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on Python source and TorchScript code fixtures. */
class PythonSourceScannerContractTest extends ScannerContractTest {

  /** The neutral limits tight, and the pickle machine's too. */
  @Override
  protected dev.modelscan.api.ScanSettings tightSettings() {
    return super.tightSettings()
        .rebuild()
        .extension(
            dev.modelscan.pickle.settings.PickleSettings.class,
            dev.modelscan.pickle.settings.PickleSettings.builder()
                .maxPickleStackSize(2)
                .maxPickleMemoSize(1)
                .maxPickleOpcodes(3)
                .build())
        .build();
  }

  @Override
  protected ModelScanner scanner() {
    return new PythonSourceScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("modeling_clean.py", PythonSourceScannerTest.fixture("modeling_clean.py")),
        Sample.hostile("modeling_payload.py", PythonSourceScannerTest.fixture("modeling_payload.py")),
        Sample.hostile("archive/code/__torch__.py", PythonSourceScannerTest.fixture("torchscript_custom_op.py")));
  }
}
