package dev.modelscan.archive;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real ZIP fixtures. */
class ZipScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new ZipScanner();
  }

  @Override
  protected List<Sample> samples() {
    // Zips whose only threat is a pickle member are left out: in isolation the member is only handed back.
    return List.of(
        Sample.benign("arrays.npz", Fixtures.bytes("zip/arrays.npz")),
        Sample.benign("keras_layout.keras", Fixtures.bytes("zip/keras_layout.keras")),
        Sample.hostile("traversal_and_symlink.zip", Fixtures.bytes("zip/traversal_and_symlink.zip")),
        Sample.hostile("duplicate_names.zip", Fixtures.bytes("zip/duplicate_names.zip")),
        Sample.hostile("lfh_name_mismatch.zip", Fixtures.bytes("zip/lfh_name_mismatch.zip")),
        Sample.hostile("overlapping_members.zip", Fixtures.bytes("zip/overlapping_members.zip")));
  }
}
