package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelscan.core.report.ReportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Item 6 of issue 19: errors, output size, formats, colour and wording a person can work with. */
class RespectfulCliTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path model() throws IOException {
    return Files.writeString(dir.resolve("model.toy"), "TOY!\nexec echo one\nexec echo two\n");
  }

  @Test
  void aUsageErrorIsOneLineAndAHint() {
    assertThat(run("scan", "--no-such-option", ".")).isEqualTo(4);
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "modelscan: Unknown option: '--no-such-option'", "Try 'modelscan scan --help' for more information.");
  }

  @Test
  void messagesNameFlagsNotBuilderMethods() {
    assertThat(run("scan", "--max-nesting-depth", "0", ".")).isEqualTo(4);
    assertThat(err.toString()).contains("--max-nesting-depth must be at least 1").doesNotContain("maxNestingDepth");
    assertThat(UsageErrors.flags("allowGlobals and maxFileSize, not camelCaseWords"))
        .isEqualTo("--allow-global and --max-file-size, not camelCaseWords");
  }

  @Test
  void quietPrintsTheCountsAndTheVerdictOnly() throws IOException {
    assertThat(run("scan", "--no-progress", "--quiet", model().toString())).isEqualTo(1);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("Scanned 1 of 1 files").contains("2 high");
    assertThat(lines.get(1)).startsWith("Verdict: UNSAFE");
    // With a report file, the file is complete and the terminal gets the two lines.
    out.getBuffer().setLength(0);
    Path sarif = dir.resolve("report.sarif");
    assertThat(run("scan", "--no-progress", "-q", "-o", sarif.toString(), model().toString())).isEqualTo(1);
    assertThat(out.toString().lines().toList()).hasSize(2);
    assertThat(new ObjectMapper().readTree(sarif.toFile()).path("version").asText()).isEqualTo("2.1.0");
    // JSON on standard output cannot be quiet.
    assertThat(run("scan", "-q", "-f", "json", model().toString())).isEqualTo(4);
    assertThat(err.toString()).contains("--quiet");
  }

  @Test
  void theTextReportEndsWithATableByRuleAndSeverity() throws IOException {
    assertThat(run("scan", "--no-progress", model().toString())).isEqualTo(1);
    String text = out.toString();
    assertThat(text).contains("Findings by rule and severity:");
    List<String> lines = text.lines().toList();
    int head = lines.indexOf("Findings by rule and severity:");
    assertThat(lines.get(head + 1).trim()).matches("RULE\\s+CRITICAL\\s+HIGH\\s+MEDIUM\\s+LOW");
    assertThat(lines.get(head + 2).trim()).matches("TOY-EXEC\\s+0\\s+2\\s+0\\s+0");
    assertThat(lines.get(lines.size() - 1)).startsWith("Verdict: UNSAFE");
  }

  @Test
  void theOutputExtensionChoosesTheFormat() throws IOException {
    Path model = model();
    ObjectMapper json = new ObjectMapper();
    Path sarif = dir.resolve("out.sarif");
    run("scan", "--no-progress", "-o", sarif.toString(), model.toString());
    assertThat(json.readTree(sarif.toFile()).path("version").asText()).isEqualTo("2.1.0");
    Path j = dir.resolve("out.json");
    run("scan", "--no-progress", "-o", j.toString(), model.toString());
    assertThat(json.readTree(j.toFile()).has("schemaVersion")).isTrue();
    assertThat(json.readTree(j.toFile()).has("runs")).isFalse();
    Path txt = dir.resolve("out.txt");
    run("scan", "--no-progress", "-o", txt.toString(), model.toString());
    assertThat(Files.readString(txt, StandardCharsets.UTF_8)).contains("Verdict: UNSAFE");
    // --format wins over the extension.
    Path forced = dir.resolve("forced.sarif");
    run("scan", "--no-progress", "-f", "json", "-o", forced.toString(), model.toString());
    assertThat(json.readTree(forced.toFile()).has("schemaVersion")).isTrue();
    assertThat(ReportChoice.format(null, Path.of("X.SARIF.JSON"))).isEqualTo(ReportFormat.SARIF);
    assertThat(ReportChoice.format(null, null)).isEqualTo(ReportFormat.TEXT);
  }

  @Test
  void colourOnlyOnACapableTerminal() {
    Map<String, String> xterm = Map.of("TERM", "xterm-256color");
    assertThat(ReportChoice.colour(null, true, false, xterm)).isTrue();
    assertThat(ReportChoice.colour(null, true, false, Map.of("TERM", "dumb"))).isFalse();
    assertThat(ReportChoice.colour(null, true, false, Map.of())).isFalse();
    assertThat(ReportChoice.colour(null, true, false, Map.of("TERM", "xterm", "NO_COLOR", "1"))).isFalse();
    assertThat(ReportChoice.colour(null, false, false, xterm)).isFalse();
    assertThat(ReportChoice.colour(null, true, true, xterm)).isFalse();
    assertThat(ReportChoice.colour(true, false, true, Map.of("TERM", "dumb"))).isTrue();
    assertThat(ReportChoice.colour(false, true, false, xterm)).isFalse();
  }

  @Test
  void theVerdictSaysWhenFindingsAreBelowTheThreshold() throws IOException {
    assertThat(run("scan", "--no-progress", "-t", "critical", model().toString())).isEqualTo(0);
    assertThat(out.toString())
        .contains("Verdict: CLEAN (threshold CRITICAL; 2 findings below the threshold, which do not fail the scan)");
  }

  @Test
  void allowGlobalRefusesBareModulesAndWarnsWhenAnEntryCanNeverApply() throws IOException {
    Path model = model();
    assertThat(run("scan", "--allow-global", "torch", model.toString())).isEqualTo(4);
    assertThat(err.toString()).contains("--allow-global 'torch'", "MODULE.NAME");
    err.getBuffer().setLength(0);
    assertThat(
            run("scan", "--no-progress", "--allow-global", "os.system", "--allow-global", "my.Layer",
                "--allow-global", "evil.Thing", "--deny-global", "evil.Thing", model.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("--allow-global os.system can never apply", "--allow-global evil.Thing can never apply")
        .doesNotContain("my.Layer");
  }
}
