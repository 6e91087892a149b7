package dev.modelscan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path file(String name, String content) throws IOException {
    return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void cleanScanExitsZero() throws IOException {
    file("model.toy", "TOY!\nlayer dense\n");
    file("README.txt", "just text\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(0);
    assertThat(out.toString()).contains("Verdict: CLEAN");
  }

  @Test
  void findingAtOrAboveTheThresholdExitsOne() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("TOY-EXEC", "HIGH", "Verdict: UNSAFE");
  }

  @Test
  void findingsBelowTheThresholdDoNotFail() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    assertThat(run("scan", "--no-progress", "--severity-threshold", "critical", dir.toString())).isEqualTo(0);
  }

  @Test
  void incompleteScanExitsTwo() throws IOException {
    file("model.toy", "TOY!\n???\n");
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(2);
    assertThat(out.toString()).contains("partial", "Verdict: INCOMPLETE");
  }

  @Test
  void nothingScannedExitsThree() throws IOException {
    Files.write(dir.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xFE});
    assertThat(run("scan", "--no-progress", dir.toString())).isEqualTo(3);
    assertThat(run("scan", "--no-progress", Files.createDirectory(dir.resolve("empty")).toString())).isEqualTo(3);
  }

  @Test
  void usageErrorsExitFour() {
    assertThat(run("scan", "--no-such-option", ".")).isEqualTo(4);
    assertThat(run("scan")).isEqualTo(4);
    assertThat(run("scan", "--format", "xml", ".")).isEqualTo(4);
    assertThat(run("scan", "--max-nesting-depth", "0", ".")).isEqualTo(4);
    assertThat(run()).isEqualTo(4);
    assertThat(err.toString()).contains("Unknown option", "PATH", "xml", "--max-nesting-depth");
  }

  @Test
  void limitsFromFlagsReachTheScan() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    assertThat(run("scan", "--no-progress", "--max-file-size", "4", dir.toString())).isEqualTo(3);
    assertThat(out.toString()).contains("maxFileSize");
  }

  @Test
  void jsonReportHasTheDocumentedFields() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    Path report = dir.resolve("report.json");
    assertThat(run("scan", "--no-progress", "-f", "json", "-o", report.toString(), dir.resolve("model.toy").toString()))
        .isEqualTo(1);
    JsonNode root = new ObjectMapper().readTree(report.toFile());
    assertThat(root.path("schemaVersion").asText()).isEqualTo("1.1");
    assertThat(root.path("tool").path("name").asText()).isEqualTo("modelscan");
    JsonNode summary = root.path("summary");
    assertThat(summary.path("verdict").asText()).isEqualTo("UNSAFE");
    assertThat(summary.path("filesScanned").asInt()).isEqualTo(1);
    assertThat(summary.path("findings").path("HIGH").asInt()).isEqualTo(1);
    JsonNode result = root.path("results").get(0);
    assertThat(result.path("path").asText()).endsWith("model.toy");
    assertThat(result.path("format").asText()).isEqualTo("toy");
    assertThat(result.path("status").asText()).isEqualTo("COMPLETE");
    JsonNode f = result.path("findings").get(0);
    assertThat(f.path("ruleId").asText()).isEqualTo("TOY-EXEC");
    assertThat(f.path("severity").asText()).isEqualTo("HIGH");
    assertThat(f.path("threatType").asText()).isEqualTo("CODE_INJECTION");
    assertThat(f.path("module").asText()).isEqualTo("toy");
    assertThat(f.path("operator").asText()).isEqualTo("exec");
    assertThat(f.path("cwe").path("id").asText()).isEqualTo("CWE-94");
    assertThat(f.path("owasp").path("id").asText()).isEqualTo("ML06");
    assertThat(f.path("location").path("offset").asLong()).isEqualTo(5);
    assertThat(f.path("location").has("entry")).isTrue();
    assertThat(f.path("message").asText()).contains("exec echo pwned");
    assertThat(f.path("scanner").asText()).isEqualTo("toy");
    assertThat(result.path("members").isArray()).isTrue();
  }

  @Test
  void sarifReportIsValidShapeWithCweAndOwaspTags() throws IOException {
    file("model.toy", "TOY!\nexec echo pwned\n");
    assertThat(run("scan", "--no-progress", "--format", "sarif", dir.resolve("model.toy").toString())).isEqualTo(1);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.path("version").asText()).isEqualTo("2.1.0");
    assertThat(root.path("$schema").asText()).contains("sarif-2.1.0");
    JsonNode run = root.path("runs").get(0);
    JsonNode rules = run.path("tool").path("driver").path("rules");
    JsonNode toyRule = null;
    for (JsonNode r : rules) {
      if (r.path("id").asText().equals("TOY-EXEC")) {
        toyRule = r;
      }
    }
    assertThat(toyRule).isNotNull();
    assertThat(toyRule.path("properties").path("tags").toString()).contains("CWE-94", "OWASP-ML06", "security");
    JsonNode result = run.path("results").get(0);
    assertThat(result.path("ruleId").asText()).isEqualTo("TOY-EXEC");
    assertThat(rules.get(result.path("ruleIndex").asInt()).path("id").asText()).isEqualTo("TOY-EXEC");
    assertThat(result.path("level").asText()).isEqualTo("error");
    JsonNode loc = result.path("locations").get(0).path("physicalLocation");
    assertThat(loc.path("artifactLocation").path("uri").asText()).endsWith("model.toy");
    // The file as code-scanning UIs show it (line 1 of a file without lines); the byte offset as a related location.
    assertThat(loc.path("region").path("startLine").asInt()).isEqualTo(1);
    assertThat(result.path("relatedLocations").get(0).path("physicalLocation").path("region").path("byteOffset").asLong())
        .isEqualTo(5);
    assertThat(run.path("invocations").get(0).path("executionSuccessful").asBoolean()).isTrue();
  }

  @Test
  void listsScannersWithVersionsAndFormats() {
    assertThat(run("--list-scanners")).isEqualTo(0);
    assertThat(out.toString()).contains("toy", "text");
    assertThat(run("--version")).isEqualTo(0);
    assertThat(out.toString()).contains("modelscan ");
  }
}
