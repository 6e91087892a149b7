package dev.modelscan.archive;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real tar fixtures. */
class TarScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new TarScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("v7.tar", Fixtures.bytes("tar/v7.tar")),
        Sample.benign("basic.tar", Fixtures.bytes("tar/basic.tar")),
        // The PAX size record is honoured; the pickle it uncovers is only handed back, so benign in isolation.
        Sample.benign("pax_size_override.tar", Fixtures.bytes("tar/pax_size_override.tar")),
        Sample.hostile("links_and_traversal.tar", Fixtures.bytes("tar/links_and_traversal.tar")),
        Sample.hostile("trailing_data.tar", Fixtures.bytes("tar/trailing_data.tar")),
        Sample.hostile("corrupt_checksum.tar", Fixtures.bytes("tar/corrupt_checksum.tar")));
  }
}
