package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;
import static dev.modelscan.media.MediaFixtures.truncated;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on GIF fixtures and broken variants. */
class GifScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new GifScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("anim.gif", fixture("anim.gif")),
        Sample.hostile("appended.gif", appended("anim.gif", JUNK)),
        Sample.hostile("truncated.gif", truncated("anim.gif", 2)));
  }
}
