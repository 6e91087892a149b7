package dev.modelscan.tensorflow;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real keras_metadata.pb fixtures. */
class KerasMetadataScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new KerasMetadataScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("keras_metadata.pb", Fixtures.load("clean_keras_metadata.pb")),
        Sample.hostile("keras_metadata.pb", Fixtures.load("lambda_keras_metadata.pb")));
  }
}
