package dev.modelscan.tensorflow;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real SavedModel fixtures. */
class SavedModelScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SavedModelScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("saved_model.pb", Fixtures.load("clean_saved_model.pb")),
        Sample.hostile("saved_model.pb", Fixtures.load("pyfunc_saved_model.pb")),
        Sample.hostile("saved_model.pb", Fixtures.load("readfile_saved_model.pb")),
        Sample.hostile("saved_model.pb", Fixtures.load("asset_traversal_custom_op_saved_model.pb")),
        Sample.hostile("saved_model.pb", Fixtures.load("writefile_in_function_saved_model.pb")),
        Sample.hostile("saved_model.pb", Fixtures.load("print_and_debug_saved_model.pb")));
  }
}
