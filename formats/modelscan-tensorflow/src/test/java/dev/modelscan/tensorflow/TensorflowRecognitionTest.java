package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three TensorFlow scanners claim only their own format. Robustness against hostile input (recognize never
 * throws, scan throws only what the SPI allows) is checked by each scanner's contract test.
 */
class TensorflowRecognitionTest {
  private static final List<ModelScanner> SCANNERS =
      List.of(new SavedModelScanner(), new KerasMetadataScanner(), new TfliteScanner());

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
}
