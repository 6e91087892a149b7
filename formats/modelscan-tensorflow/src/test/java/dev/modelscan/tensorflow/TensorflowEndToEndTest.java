package dev.modelscan.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the engine: a SavedModel directory and TFLite files, dispatched by content. */
class TensorflowEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void savedModelDirectoryReportsGraphOpsAndKerasLambda(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("export"));
    Files.write(dir.resolve("saved_model.pb"), Fixtures.load("writefile_in_function_saved_model.pb"));
    Files.write(dir.resolve("keras_metadata.pb"), Fixtures.load("lambda_keras_metadata.pb"));
    ScanReport report = modelScan.scan(dir);
    assertThat(report.results()).extracting(FileResult::format)
        .containsExactlyInAnyOrder("tf-savedmodel", "tf-keras-metadata");
    assertThat(report.findings()).extracting(Finding::ruleId)
        .contains("TF-FILE-WRITE-OP", "TF-KERAS-METADATA-LAMBDA");
  }

  @Test
  void cleanSavedModelAndTfliteAreCompleteWithoutFindings() {
    for (String name : new String[] {"clean_saved_model.pb", "clean_keras_metadata.pb", "clean.tflite"}) {
      FileResult r = modelScan.scanBytes(Fixtures.load(name), name);
      assertThat(r.status()).as(name).isEqualTo(ScanStatus.COMPLETE);
      assertThat(r.findings()).as(name).isEmpty();
    }
  }

  @Test
  void flexReadFileIsFoundInATfliteModel() {
    FileResult r = modelScan.scanBytes(Fixtures.load("flex_ops.tflite"), "model.tflite");
    assertThat(r.format()).isEqualTo("tflite");
    assertThat(r.findings()).extracting(Finding::operator).contains("FlexReadFile", "FlexEagerPyFunc");
  }
}
