package dev.modelscan.examples.toy;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The toy scanner keeps the contract every scanner must keep: this is all a plugin author has to write for it. */
class ToyFormatScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new ToyFormatScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("plain.toym", utf8("TOYM 1\n# a harmless model\nprint loading\nsleep 1\n")),
        Sample.benign("with-blob.toym", utf8("TOYM 1\nblob weights.bin 8\n\u0000\u0001\u0002\u0003abcd\nprint ok\n")),
        Sample.hostile("exec.toym", utf8("TOYM 1\nprint loading\nexec echo pwned\n")),
        Sample.hostile("bad-blob.toym", utf8("TOYM 1\nblob weights.bin 4096\nshort\n")));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
