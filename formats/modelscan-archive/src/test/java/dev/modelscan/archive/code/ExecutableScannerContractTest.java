package dev.modelscan.archive.code;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on executables written field by field. */
class ExecutableScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new ExecutableScanner();
  }

  @Override
  protected List<Sample> samples() {
    // A top-level script is only reported at LOW (it is the benign case); binaries are reported at MEDIUM.
    return List.of(
        Sample.benign("run.sh", "#!/bin/sh\necho pwned\n".getBytes(StandardCharsets.US_ASCII)),
        Sample.hostile("payload.so", ExecutableScannerTest.elf()),
        Sample.hostile("payload.dll", ExecutableScannerTest.pe()));
  }
}
