package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on TIFF fixtures and broken variants. */
class TiffScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new TiffScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("scan.tiff", fixture("scan.tiff")),
        Sample.hostile("appended.tiff", appended("scan.tiff", JUNK)),
        Sample.hostile("truncated.tiff", truncated("scan.tiff", 40)));
  }
}
