package dev.modelscan.flax;

import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.ScannerContractTest;
import java.util.Arrays;
import java.util.List;

/** The scanner contract (hostile mutations, limits, threads) on Flax checkpoints and broken variants. */
class FlaxMsgpackScannerContractTest extends ScannerContractTest {

  @Override
  protected ModelScanner scanner() {
    return new FlaxMsgpackScanner();
  }

  @Override
  protected List<Sample> samples() {
    byte[] clean = resource("clean.msgpack");
    return List.of(
        Sample.benign("flax_model.msgpack", clean),
        Sample.benign("scalars.msgpack", resource("scalars.msgpack")),
        Sample.benign("chunked.msgpack", resource("chunked.msgpack")),
        // Hostile here means malformed: never clean, always reported.
        Sample.hostile("object_dtype.msgpack", FlaxMsgpackScannerTest.objectDtype()),
        Sample.hostile("trailing.msgpack", FlaxMsgpackScannerTest.trailing()),
        Sample.hostile("truncated.msgpack", Arrays.copyOf(clean, clean.length - 12)));
  }
}
