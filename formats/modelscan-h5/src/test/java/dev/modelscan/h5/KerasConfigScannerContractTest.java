package dev.modelscan.h5;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on the config.json of every .keras fixture. */
class KerasConfigScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new KerasConfigScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("config.json", Fixtures.member("clean_dense.keras", "config.json")),
        Sample.benign("metadata.json", Fixtures.member("clean_dense.keras", "metadata.json")),
        hostile("lambda_sequential.keras"),
        hostile("lambda_nested.keras"),
        hostile("lambda_wrapper.keras"),
        hostile("activation_os_system.keras"),
        hostile("custom_objects.keras"),
        hostile("non_modeling_api.keras"),
        hostile("torch_wrapper.keras"),
        hostile("duplicate_keys.keras"));
  }

  private static Sample hostile(String archive) {
    return Sample.hostile("config.json", Fixtures.member(archive, "config.json"));
  }
}
