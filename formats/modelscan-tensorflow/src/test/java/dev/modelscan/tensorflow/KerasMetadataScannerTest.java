package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.testkit.RecordingScanContext;
import org.junit.jupiter.api.Test;

class KerasMetadataScannerTest {
  private final KerasMetadataScanner scanner = new KerasMetadataScanner();

  @Test
  void cleanMetadataHasNoFinding() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, Fixtures.load("clean_keras_metadata.pb"), "keras_metadata.pb");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void lambdaLayerAndForeignModulesAreReported() {
    RecordingScanContext ctx =
        RecordingScanContext.scan(scanner, Fixtures.load("lambda_keras_metadata.pb"), "keras_metadata.pb");
    assertThat(ctx.findings())
        .extracting(Finding::ruleId)
        .containsExactlyInAnyOrder("TF-KERAS-METADATA-LAMBDA", "TF-KERAS-METADATA-MODULE", "TF-KERAS-METADATA-MODULE");
    assertThat(ctx.findings()).extracting(Finding::module).contains("__main__", "evil_pkg.layers");
    assertThat(ctx.findings()).extracting(Finding::message)
        .anyMatch(m -> m.contains("root.layer-0") && m.contains("function_type lambda"));
  }

  @Test
  void recognisedByContentTheNameOnlyRaisesIt() {
    byte[] clean = Fixtures.load("clean_keras_metadata.pb");
    assertThat(scanner.recognize(ContentHead.ofBytes(clean, "x.bin")).confidence()).isEqualTo(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes(clean, "a/keras_metadata.pb")).confidence())
        .isGreaterThan(Recognition.STRONG);
    assertThat(scanner.recognize(ContentHead.ofBytes(Fixtures.load("clean_saved_model.pb"), "keras_metadata.pb"))
            .recognised())
        .isFalse();
    assertThat(scanner.recognize(ContentHead.ofBytes("\nhello text".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "x.txt")).recognised())
        .isFalse();
  }
}
