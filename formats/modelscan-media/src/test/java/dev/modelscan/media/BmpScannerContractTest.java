package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on BMP fixtures and broken variants. */
class BmpScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new BmpScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("logo.bmp", fixture("logo.bmp")),
        Sample.hostile("appended.bmp", appended("logo.bmp", JUNK)),
        Sample.hostile("truncated.bmp", truncated("logo.bmp", 9)));
  }
}
