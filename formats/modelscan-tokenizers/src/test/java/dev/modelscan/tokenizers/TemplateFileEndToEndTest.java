package dev.modelscan.tokenizers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.Verdict;
import dev.modelscan.core.ModelScan;
import dev.modelscan.jinja.TemplateRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the engine: a model directory's chat_template.jinja is dispatched to the template scanner by name. */
class TemplateFileEndToEndTest {
  private final ModelScan modelScan = ModelScan.builder().build();

  @Test
  void aBenignChatTemplateIsCleanAndComplete(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("chat_template.jinja"), TemplateFileScannerTest.template("chat_template.jinja"));
    Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"qwen2\"}\n", StandardCharsets.UTF_8);
    ScanReport report = modelScan.scan(tmp);
    FileResult t = report.results().stream().filter(r -> r.path().endsWith("chat_template.jinja")).findFirst()
        .orElseThrow();
    assertThat(t.format()).isEqualTo(TemplateFileScanner.FORMAT);
    assertThat(t.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(t.findings()).isEmpty();
  }

  @Test
  void aMaliciousChatTemplateIsCritical(@TempDir Path tmp) throws IOException {
    Files.write(tmp.resolve("chat_template.jinja"), TemplateFileScannerTest.template("ssti.j2"));
    ScanReport report = modelScan.scan(tmp);
    assertThat(report.verdict()).isNotEqualTo(Verdict.CLEAN);
    FileResult t = report.results().get(0);
    assertThat(t.format()).isEqualTo(TemplateFileScanner.FORMAT);
    assertThat(t.findings()).extracting(Finding::ruleId).containsExactly(TemplateRules.TEMPLATE_INJECTION.id());
    assertThat(t.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void aTemplateWhoseCodeStartsAfterTheHeadIsStillAnalysed() {
    byte[] b = ("x".repeat(20_000) + "{{ lipsum.__globals__ }}").getBytes(StandardCharsets.UTF_8);
    FileResult r = modelScan.scanBytes(b, "prompt.j2");
    assertThat(r.format()).isEqualTo(TemplateFileScanner.FORMAT);
    assertThat(r.findings()).extracting(Finding::severity).containsExactly(Severity.CRITICAL);
  }
}
