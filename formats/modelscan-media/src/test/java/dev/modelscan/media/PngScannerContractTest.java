package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.flipped;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on PNG fixtures and broken variants. */
class PngScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new PngScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("plot.png", fixture("plot.png")),
        Sample.hostile("plot_with_pickle.png", fixture("plot_with_pickle.png")),
        Sample.hostile("plot_with_zip.png", fixture("plot_with_zip.png")),
        Sample.hostile("truncated.png", truncated("plot.png", 5)),
        Sample.hostile("bad_crc.png", flipped("plot.png", 20)));
  }
}
