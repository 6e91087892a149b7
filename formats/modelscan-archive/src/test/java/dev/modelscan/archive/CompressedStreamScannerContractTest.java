package dev.modelscan.archive;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real compressed-stream fixtures. */
class CompressedStreamScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new CompressedStreamScanner();
  }

  @Override
  protected List<Sample> samples() {
    // payload.pkl.* carry their threat in the decompressed pickle, which this scanner only hands back: benign here.
    return List.of(
        Sample.benign("payload.pkl.gz", Fixtures.bytes("compressed/payload.pkl.gz")),
        Sample.benign("payload.pkl.bz2", Fixtures.bytes("compressed/payload.pkl.bz2")),
        Sample.benign("payload.pkl.xz", Fixtures.bytes("compressed/payload.pkl.xz")),
        Sample.hostile("truncated.gz", Fixtures.bytes("compressed/truncated.gz")),
        Sample.hostile("payload.pkl.zst", Fixtures.bytes("compressed/payload.pkl.zst")));
  }
}
