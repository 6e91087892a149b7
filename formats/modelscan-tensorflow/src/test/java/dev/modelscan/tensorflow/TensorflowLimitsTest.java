package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.testkit.RecordingScanContext;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every limit the three scanners enforce, hit with a real fixture. */
class TensorflowLimitsTest {

  private static ModelScanner scanner(String name) {
    return switch (name) {
      case "savedmodel" -> new SavedModelScanner();
      case "keras" -> new KerasMetadataScanner();
      default -> new TfliteScanner();
    };
  }

  @ParameterizedTest
  @CsvSource({
    "savedmodel, clean_saved_model.pb",
    "keras, clean_keras_metadata.pb",
    "tflite, custom_op.tflite"
  })
  void deadlineIsCheckedInLoopsOverContentCounts(String which, String fixture) {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().scanTimeout(Duration.ofNanos(1)).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner(which), Fixtures.load(fixture), fixture, settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("scanTimeout"));
  }

  @ParameterizedTest
  @CsvSource({
    "keras, lambda_keras_metadata.pb",
    "tflite, custom_op.tflite"
  })
  void stringsOverTheStringLimitAreNotSilentlyDropped(String which, String fixture) {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxStringBytes(6).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner(which), Fixtures.load(fixture), fixture, settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.findings()).extracting(Finding::ruleId).contains(StandardRules.LIMIT_REACHED.id());
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxStringBytes"));
  }

  @ParameterizedTest
  @CsvSource({"keras, lambda_keras_metadata.pb"})
  void decodedStructureOverTheHeaderLimitIsPartial(String which, String fixture) {
    ScanSettings settings =
        ScanSettings.builder().limits(ScanLimits.builder().maxHeaderBytes(40).build()).build();
    RecordingScanContext ctx = RecordingScanContext.scan(scanner(which), Fixtures.load(fixture), fixture, settings);
    assertThat(ctx.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(ctx.partialReasons()).anyMatch(r -> r.contains("maxHeaderBytes"));
  }
}
