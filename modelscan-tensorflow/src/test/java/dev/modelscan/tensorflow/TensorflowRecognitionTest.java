package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.RecordingScanContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hostile-input contract for the three scanners: recognize() never throws, scan() ends only as the SPI allows. */
class TensorflowRobustnessTest {
  private static final List<ModelScanner> SCANNERS =
      List.of(new SavedModelScanner(), new KerasMetadataScanner(), new TfliteScanner());

  @Test
  void recognizeNeverThrowsOnRandomBytes() {
    Random random = new Random(42);
    byte[][] prefixes = {{0x08, 0x01, 0x12}, {0x0A}, {0x10, 0, 0, 0, 'T', 'F', 'L', '3'}};
    for (int i = 0; i < 6000; i++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      byte[] prefix = prefixes[i % 3];
      if (bytes.length >= prefix.length) {
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
      }
      for (ModelScanner s : SCANNERS) {
        assertThatCode(() -> s.recognize(ContentHead.ofBytes(bytes, "saved_model.pb"))).doesNotThrowAnyException();
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "clean_saved_model.pb, 0",
    "writefile_in_function_saved_model.pb, 0",
    "print_and_debug_saved_model.pb, 0",
    "lambda_keras_metadata.pb, 1",
    "flex_ops.tflite, 2",
    "with_associated_files.tflite, 2"
  })
  void scanOfMutatedFixturesEndsCleanly(String fixture, int scanner) {
    ModelScanner s = SCANNERS.get(scanner);
    byte[] original = Fixtures.load(fixture);
    Random random = new Random(fixture.hashCode());
    for (int i = 0; i < 1500; i++) {
      byte[] bytes = original.clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      byte[] input = random.nextInt(5) == 0 ? Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes;
      assertThatCode(() -> scanOnce(s, input)).doesNotThrowAnyException();
    }
  }

  @Test
  void scannersDoNotClaimEachOthersFormatsOrCommonOnes() {
    byte[][] foreign = {
      "\u0080\u0004\u0095".getBytes(StandardCharsets.ISO_8859_1), // pickle
      "PK\u0003\u0004".getBytes(StandardCharsets.ISO_8859_1), // zip
      "GGUF\u0003\0\0\0".getBytes(StandardCharsets.ISO_8859_1),
      "{\"__metadata__\":{}}".getBytes(StandardCharsets.UTF_8)
    };
    for (ModelScanner s : SCANNERS) {
      for (byte[] f : foreign) {
        assertThat(s.recognize(ContentHead.ofBytes(f, "model.bin")).recognised()).isFalse();
      }
    }
    assertThat(SCANNERS.get(0).recognize(ContentHead.ofBytes(Fixtures.load("clean.tflite"), "m")).recognised())
        .isFalse();
    assertThat(SCANNERS.get(2).recognize(ContentHead.ofBytes(Fixtures.load("clean_saved_model.pb"), "m"))
            .recognised())
        .isFalse();
    assertThat(SCANNERS.get(0).recognize(ContentHead.ofBytes(Fixtures.load("clean_keras_metadata.pb"), "m"))
            .recognised())
        .isFalse();
  }

  private static void scanOnce(ModelScanner s, byte[] bytes) throws Exception {
    String format = s.descriptor().formats().get(0);
    RecordingScanContext ctx =
        new RecordingScanContext(ByteSource.wrap(bytes), "m", format, ScanSettings.defaults(), s.descriptor().name());
    try {
      s.scan(ctx);
    } catch (MalformedContentException | ScanLimitExceededException expected) {
      // the engine turns these into a finding and a partial status
    }
  }
}
