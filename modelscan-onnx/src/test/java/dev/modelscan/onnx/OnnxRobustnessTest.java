package dev.modelscan.onnx;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.testkit.RecordingScanContext;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile-input contract: recognize() never throws, scan() ends only with the exceptions the SPI allows. */
class OnnxRobustnessTest {
  private final OnnxScanner scanner = new OnnxScanner();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void recognizeNeverThrowsOnRandomBytes(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      if (random.nextBoolean() && bytes.length >= 4) {
        // start like a ModelProto (ir_version 8, then a graph tag) so the trial parse goes deeper
        System.arraycopy(new byte[] {0x08, 0x08, 0x3A, (byte) random.nextInt(64)}, 0, bytes, 0, 4);
      }
      assertThatCode(() -> scanner.recognize(ContentHead.ofBytes(bytes, "x.onnx"))).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"clean.onnx", "external_in_subgraph.onnx", "python_op.onnx"})
  void scanOfMutatedFixturesEndsCleanly(String fixture) {
    byte[] original = OnnxScannerTest.fixture(fixture);
    Random random = new Random(fixture.hashCode());
    for (int i = 0; i < 1500; i++) {
      byte[] bytes = original.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      byte[] input = random.nextInt(5) == 0 ? java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes;
      assertThatCode(() -> scanOnce(input)).doesNotThrowAnyException();
    }
  }

  private void scanOnce(byte[] bytes) throws Exception {
    RecordingScanContext ctx =
        new RecordingScanContext(ByteSource.wrap(bytes), "m.onnx", "onnx", ScanSettings.defaults(), "onnx");
    try {
      scanner.scan(ctx);
    } catch (MalformedContentException | ScanLimitExceededException expected) {
      // the engine turns these into a finding and a partial status
    }
  }
}
