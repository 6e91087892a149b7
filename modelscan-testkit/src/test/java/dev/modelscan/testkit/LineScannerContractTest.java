package dev.modelscan.testkit;

import dev.modelscan.api.spi.ModelScanner;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A well-behaved scanner passes the whole contract. */
class LineScannerContractTest extends ScannerContractTest {

  static final List<Sample> SAMPLES =
      List.of(
          Sample.benign("notes.line", bytes("LINE\nhello\nworld\n")),
          Sample.hostile("evil.line", bytes("LINE\nhello\nrun echo pwned\n")));

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected ModelScanner scanner() {
    return new LineScanner();
  }

  @Override
  protected List<Sample> samples() {
    return SAMPLES;
  }
}
