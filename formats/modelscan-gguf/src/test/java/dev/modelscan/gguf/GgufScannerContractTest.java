package dev.modelscan.gguf;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on real GGUF fixtures. */
class GgufScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new GgufScanner();
  }

  @Override
  protected List<Sample> samples() {
    return List.of(
        Sample.benign("clean.gguf", resource("clean.gguf")),
        Sample.benign("clean_big_endian.gguf", resource("clean_big_endian.gguf")),
        Sample.hostile("template_ssti.gguf", resource("template_ssti.gguf")),
        Sample.hostile("bad_metadata.gguf", resource("bad_metadata.gguf")),
        Sample.hostile("bad_tensors.gguf", resource("bad_tensors.gguf")),
        Sample.hostile("template_named_and_duplicate.gguf", resource("template_named_and_duplicate.gguf")));
  }
}
