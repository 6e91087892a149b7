package dev.modelscan.archive;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real 7z fixtures. */
class SevenZipScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SevenZipScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("two_files.7z", Fixtures.bytes("7z/two_files.7z")),
        Sample.hostile("encrypted.7z", Fixtures.bytes("7z/encrypted.7z")),
        Sample.hostile("symlink.7z", Fixtures.bytes("7z/symlink.7z")),
        Sample.hostile("dictionary_bomb.7z", Fixtures.bytes("7z/dictionary_bomb.7z")));
  }
}
