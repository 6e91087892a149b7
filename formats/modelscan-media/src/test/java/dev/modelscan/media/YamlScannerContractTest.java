package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.utf8;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on YAML fixtures and broken variants. */
class YamlScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new YamlScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("train.yaml", utf8("model:\n  lr: 0.001\n  layers: [64, 64]\n")),
        Sample.hostile("callback.yaml", utf8("cb: !!python/object/apply:os.system [\"echo pwned\"]\n")));
  }
}
