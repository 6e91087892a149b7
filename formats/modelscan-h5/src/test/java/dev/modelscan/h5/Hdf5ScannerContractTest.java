package dev.modelscan.h5;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on the HDF5 fixtures. */
class Hdf5ScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new Hdf5Scanner();
  }

  @Override
  protected List<Sample> samples() {
    // userblock_pickle.h5 is left out: in isolation its pickle is only handed back, judged by another scanner.
    return List.of(
        Sample.benign("clean_dense.h5", Fixtures.bytes("clean_dense.h5")),
        Sample.benign("model.weights.h5", Fixtures.member("clean_dense.keras", "model.weights.h5")),
        Sample.hostile("lambda_sequential.h5", Fixtures.bytes("lambda_sequential.h5")),
        Sample.hostile("activation_os_system.h5", Fixtures.bytes("activation_os_system.h5")),
        Sample.hostile("fixed_and_split.h5", Fixtures.bytes("fixed_and_split.h5")),
        Sample.hostile("external_link.h5", Fixtures.bytes("external_link.h5")),
        Sample.hostile("external_storage.h5", Fixtures.bytes("external_storage.h5")),
        Sample.hostile("virtual_dataset.h5", Fixtures.bytes("virtual_dataset.h5")),
        Sample.hostile("shape_bomb.h5", Fixtures.bytes("shape_bomb.h5")),
        Sample.hostile("shape_bomb_contiguous.h5", Fixtures.bytes("shape_bomb_contiguous.h5")));
  }
}
