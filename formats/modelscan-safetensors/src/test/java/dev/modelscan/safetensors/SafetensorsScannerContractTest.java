package dev.modelscan.safetensors;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real SafeTensors fixtures. */
class SafetensorsScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SafetensorsScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("valid_f32_metadata.safetensors", Fixtures.bytes("valid_f32_metadata.safetensors")),
        Sample.benign("valid_many_dtypes.safetensors", Fixtures.bytes("valid_many_dtypes.safetensors")),
        Sample.hostile("bad_overlap.safetensors", Fixtures.bytes("bad_overlap.safetensors")),
        Sample.hostile("bad_header_2p62.safetensors", Fixtures.bytes("bad_header_2p62.safetensors")),
        Sample.hostile("bad_trailing_pickle.safetensors", Fixtures.bytes("bad_trailing_pickle.safetensors")),
        Sample.hostile("bad_duplicate_tensor.safetensors", Fixtures.bytes("bad_duplicate_tensor.safetensors")));
  }
}
