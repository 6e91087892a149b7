package dev.modelscan.onnx;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real ONNX fixtures. */
class OnnxScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new OnnxScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("clean.onnx", resource("clean.onnx")),
        Sample.hostile("python_op.onnx", resource("python_op.onnx")),
        Sample.hostile("external_traversal.onnx", resource("external_traversal.onnx")),
        Sample.hostile("metadata_script.onnx", resource("metadata_script.onnx")),
        Sample.hostile("external_in_subgraph.onnx", resource("external_in_subgraph.onnx")));
  }
}
