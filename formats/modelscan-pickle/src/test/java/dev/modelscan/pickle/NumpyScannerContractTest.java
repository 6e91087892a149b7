package dev.modelscan.pickle;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real NumPy fixtures. */
class NumpyScannerContractTest extends ScannerContractTest {

  /** The neutral limits tight, and the pickle machine's too. */
  @Override
  protected dev.modelscan.api.ScanSettings tightSettings() {
    return super.tightSettings()
        .rebuild()
        .extension(
            PickleSettings.class,
            PickleSettings.builder()
                .maxPickleStackSize(2)
                .maxPickleMemoSize(1)
                .maxPickleOpcodes(3)
                .build())
        .build();
  }

  @Override
  protected ModelScanner scanner() {
    return new NumpyScanner();
  }

  @Override
  protected List<Sample> samples() {
    // numpy_object_payload.npy is hostile for this scanner alone: it analyses the object-array pickle itself.
    return List.of(
        Sample.benign("numpy_float.npy", Fixtures.bytes("numpy_float.npy")),
        Sample.benign("numpy_structured.npy", Fixtures.bytes("numpy_structured.npy")),
        Sample.benign("numpy_object.npy", Fixtures.bytes("numpy_object.npy")),
        Sample.hostile("numpy_object_payload.npy", Fixtures.bytes("numpy_object_payload.npy")));
  }
}
