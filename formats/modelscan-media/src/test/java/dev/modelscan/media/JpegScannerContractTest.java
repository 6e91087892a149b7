package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on JPEG fixtures and broken variants. */
class JpegScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new JpegScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("photo.jpg", fixture("photo.jpg")),
        Sample.benign("stereo.mpo", fixture("stereo.mpo")),
        Sample.hostile("appended.jpg", appended("photo.jpg", JUNK)),
        Sample.hostile("truncated.jpg", truncated("photo.jpg", 3)));
  }
}
