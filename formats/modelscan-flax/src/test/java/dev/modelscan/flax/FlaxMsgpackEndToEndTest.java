package dev.modelscan.flax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the engine: a Hugging Face style model directory with its Flax weights is complete. */
class FlaxMsgpackEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void aModelDirectoryWithFlaxWeightsIsCleanAndComplete(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("flax_model.msgpack"), FlaxMsgpackScannerTest.fixture("clean.msgpack"));
    Files.writeString(tmp.resolve("config.json"),
        "{\"architectures\": [\"FlaxBertModel\"], \"model_type\": \"bert\", \"hidden_size\": 8}\n",
        StandardCharsets.UTF_8);
    ScanReport report = modelScan.scan(tmp);
    assertThat(report.results()).hasSize(2);
    assertThat(report.results()).allSatisfy(r -> assertThat(r.status()).as(r.path()).isEqualTo(ScanStatus.COMPLETE));
    FileResult flax = report.results().stream().filter(r -> r.path().endsWith("flax_model.msgpack")).findFirst()
        .orElseThrow();
    assertThat(flax.format()).isEqualTo("flax-msgpack");
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void aCheckpointUnderAnotherNameIsFoundByContent() {
    FileResult r = modelScan.scanBytes(FlaxMsgpackScannerTest.fixture("chunked.msgpack"), "weights.bin");
    assertThat(r.format()).isEqualTo("flax-msgpack");
    assertThat(r.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void anObjectDtypeIsReportedAndNotComplete() {
    FileResult r = modelScan.scanBytes(FlaxMsgpackScannerTest.objectDtype(), "flax_model.msgpack");
    assertThat(r.format()).isEqualTo("flax-msgpack");
    assertThat(r.status()).isNotEqualTo(ScanStatus.COMPLETE);
    assertThat(r.findings()).extracting(Finding::ruleId).contains(StandardRules.MALFORMED_CONTENT.id());
  }
}
