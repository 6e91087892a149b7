package dev.modelscan.media;

import static dev.modelscan.media.MediaFixtures.utf8;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on CSV fixtures and broken variants. */
class CsvScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new CsvScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("labels.csv", utf8("id,label\n1,\"cat, small\"\n2,dog\n")),
        Sample.benign("labels.tsv", utf8("id\tlabel\n1\tcat\n")),
        Sample.hostile("binary_tail.csv", utf8("id,label\n" + "1,cat\n".repeat(1500) + "\u0000\u0001")));
  }
}
