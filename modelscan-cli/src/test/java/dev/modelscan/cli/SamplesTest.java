package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled samples (the README's example target) scanned with every real scanner on the class path: the clean
 * models are complete without findings that matter, every malicious one is flagged, and the command exits 1.
 */
class SamplesTest {

  private static final Path SAMPLES = Path.of("..", "samples");

  @Test
  void cleanSamplesAreCompleteWithNothingAtOrAboveMedium() {
    ScanReport report = ModelScan.builder().build().scan(SAMPLES.resolve("clean"));
    assertThat(report.results()).hasSizeGreaterThanOrEqualTo(4);
    for (FileResult r : report.results()) {
      assertThat(r.status()).as(r.path() + " " + r.statusReason()).isEqualTo(ScanStatus.COMPLETE);
      assertThat(r.hasFindingAtLeast(Severity.MEDIUM)).as(r.path() + " " + r.findings()).isFalse();
    }
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void everyMaliciousSampleHasACriticalFinding() {
    ScanReport report = ModelScan.builder().build().scan(SAMPLES.resolve("malicious"));
    assertThat(report.results()).hasSizeGreaterThanOrEqualTo(4);
    for (FileResult r : report.results()) {
      assertThat(r.findings()).as(r.path()).extracting(Finding::severity).contains(Severity.CRITICAL);
    }
    FileResult disguised =
        report.results().stream().filter(r -> r.path().endsWith("disguised.safetensors")).findFirst().orElseThrow();
    assertThat(disguised.format()).isEqualTo("pickle");
    assertThat(disguised.findings()).extracting(Finding::ruleId).contains("MODELSCAN-FORMAT-MISMATCH");
    FileResult checkpoint =
        report.results().stream().filter(r -> r.path().endsWith("checkpoint_payload.pt")).findFirst().orElseThrow();
    assertThat(checkpoint.format()).isEqualTo("pytorch-zip");
    assertThat(checkpoint.findings().get(0).location().entry()).isEqualTo("archive/data.pkl");
  }

  @Test
  void theReadmeCommandExitsOne() {
    StringWriter out = new StringWriter();
    int code =
        Main.run(
            new String[] {"scan", "--no-progress", SAMPLES.toString()},
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true));
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("PICKLE-DANGEROUS-GLOBAL", "Verdict: UNSAFE");
  }

  @Test
  void genericJsonAndTextAreNotFindings(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("labels.json"), "{\"0\": \"cat\", \"1\": \"dog\"}\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 512}\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\nhello\n", StandardCharsets.UTF_8);
    ScanReport report = ModelScan.builder().build().scan(dir);
    assertThat(report.findings()).isEmpty();
    assertThat(report.results()).allMatch(r -> r.status() == dev.modelscan.api.ScanStatus.COMPLETE);
    // Seen and clean, but no model among them: NOTHING_SCANNED (exit 3), as for a folder of README and LICENSE.
    assertThat(report.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
  }
}
