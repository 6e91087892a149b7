package com.example.modelscan.myformat;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

// tag::contract[]
/** The checks every scanner must pass: discovery, recognition on hostile bytes, limits, threads. */
class MyFormatScannerContractTest extends ScannerContractTest {
  @Override
  protected ModelScanner scanner() {
    return new MyFormatScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("plain.myfm", MyFormatScannerTest.file(1, "", new byte[32])),
        Sample.hostile("loader.myfm", MyFormatScannerTest.file(1, "os.system", new byte[32])));
  }
}
// end::contract[]
