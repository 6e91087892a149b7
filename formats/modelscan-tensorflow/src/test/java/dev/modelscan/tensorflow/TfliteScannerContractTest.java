package dev.modelscan.tensorflow;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real TFLite fixtures. */
class TfliteScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new TfliteScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("clean.tflite", Fixtures.load("clean.tflite")),
        Sample.benign("with_associated_files.tflite", Fixtures.load("with_associated_files.tflite")),
        Sample.hostile("flex_ops.tflite", Fixtures.load("flex_ops.tflite")),
        Sample.hostile("custom_op.tflite", Fixtures.load("custom_op.tflite")),
        Sample.hostile("bad_buffer.tflite", Fixtures.load("bad_buffer.tflite")));
  }
}
