package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.fixture;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on SVG fixtures and broken variants. */
class SvgScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new SvgScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("chart.svg", fixture("chart.svg")),
        Sample.hostile("chart_script.svg", fixture("chart_script.svg")),
        Sample.hostile("chart_onload.svg", fixture("chart_onload.svg")));
  }
}
