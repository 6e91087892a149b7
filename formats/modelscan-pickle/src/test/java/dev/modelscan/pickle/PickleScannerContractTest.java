package dev.modelscan.pickle;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real pickle fixtures. */
class PickleScannerContractTest extends ScannerContractTest {

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
    return new PickleScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("benign_p1_dict.pkl", Fixtures.bytes("benign_p1_dict.pkl")),
        Sample.benign("benign_ordereddict.pkl", Fixtures.bytes("benign_ordereddict.pkl")),
        Sample.hostile("p2_os_system.pkl", Fixtures.bytes("p2_os_system.pkl")),
        Sample.hostile("p4_eval.pkl", Fixtures.bytes("p4_eval.pkl")),
        Sample.hostile("memo_indirection.pkl", Fixtures.bytes("memo_indirection.pkl")),
        Sample.hostile("stacked_benign_malicious.pkl", Fixtures.bytes("stacked_benign_malicious.pkl")));
  }
}
