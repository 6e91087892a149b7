package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.utf8;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on JSON and notebook fixtures and broken variants. */
class JsonScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new JsonScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("config.json", utf8("{\"model_type\": \"bert\", \"vocab\": [1, 2, 3], \"x\": NaN}")),
        Sample.benign("train.ipynb", utf8("{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}")),
        Sample.hostile("binary_tail.json", utf8("[" + "1,".repeat(5000) + "1]\u0000\u0001")));
  }
}
