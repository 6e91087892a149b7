package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.JUNK;
import static dev.modelscan.media.MediaFixtures.appended;
import static dev.modelscan.media.MediaFixtures.fixture;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on PDF fixtures and broken variants. */
class PdfScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new PdfScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("card.pdf", fixture("card.pdf")),
        Sample.hostile("card_js.pdf", fixture("card_js.pdf")),
        Sample.hostile("appended.pdf", appended("card.pdf", JUNK)));
  }
}
