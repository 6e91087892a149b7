package dev.modelscan.pickle.config;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on JSON and YAML config fixtures. */
class ConfigScannerContractTest extends ScannerContractTest {

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
    return new ConfigScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("tokenizer_config.json", ConfigScannerTest.fixture("tokenizer_config_clean.json")),
        Sample.hostile("hydra_targets.yaml", ConfigScannerTest.fixture("hydra_targets.yaml")),
        Sample.hostile("pyyaml_apply.yaml", ConfigScannerTest.fixture("pyyaml_apply.yaml")),
        Sample.hostile("tokenizer_config.json", ConfigScannerTest.fixture("tokenizer_config_ssti.json")),
        Sample.hostile("config.json", ConfigScannerTest.fixture("config.json")));
  }
}
