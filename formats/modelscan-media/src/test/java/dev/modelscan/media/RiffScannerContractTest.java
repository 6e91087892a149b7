package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on RIFF/WebP fixtures and broken variants. */
class RiffScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new RiffScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("thumb.webp", fixture("thumb.webp")),
        Sample.hostile("appended.webp", appended("thumb.webp", JUNK)),
        Sample.hostile("truncated.webp", truncated("thumb.webp", 7)));
  }
}
