package dev.modelscan.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.Location;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.Suppression;
import dev.modelscan.api.Verdict;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Suppressions by SHA-256 and rule, and baselines, as the core API offers them, and how every writer shows them. */
class ReportPolicyTest {

  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);

  @TempDir Path dir;

  private static Finding finding(String path, String entry, String module, String operator) {
    return Finding.builder(StandardRules.POLYGLOT)
        .severity(Severity.CRITICAL)
        .module(module)
        .operator(operator)
        .location(new Location(path, entry, 7))
        .message("m")
        .scanner("test")
        .build();
  }

  private static FileResult file(String path, String sha, Finding... findings) {
    return new FileResult(path, 10, "pickle", ScanStatus.COMPLETE, "", List.of(findings), List.of())
        .withSha256(sha);
  }

  private static ScanReport report(FileResult... files) {
    return new ScanReport("test", Severity.MEDIUM, List.of(files), Duration.ZERO);
  }

  @Test
  void anAcceptedRiskSuppressesItsRuleInItsFileOnly() {
    ScanReport report =
        report(
            file("a.pkl", SHA_A, finding("a.pkl", "", "os", "system")),
            file("copy-elsewhere.pkl", SHA_B, finding("copy-elsewhere.pkl", "", "os", "system")));
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
    ReportPolicy policy =
        ReportPolicy.builder()
            .suppress(new SuppressionEntry(SHA_A.toUpperCase(), StandardRules.POLYGLOT.id(), " reviewed in T-1 "))
            .build();

    ScanReport judged = policy.apply(report);
    Finding a = judged.results().get(0).findings().get(0);
    assertThat(a.suppression()).contains(new Suppression(Suppression.Kind.ACCEPTED, "reviewed in T-1"));
    assertThat(judged.results().get(1).findings().get(0).isSuppressed()).isFalse();
    assertThat(judged.verdict()).isEqualTo(Verdict.UNSAFE); // the other file still counts

    ScanReport onlyA = policy.apply(report(report.results().get(0)));
    assertThat(onlyA.verdict()).isEqualTo(Verdict.CLEAN);
    assertThat(onlyA.findingsBySeverity().get(Severity.CRITICAL)).isZero();
    assertThat(onlyA.suppressedFindings()).isEqualTo(1);
  }

  @Test
  void aSuppressionNeedsAHashARuleAndAReason() {
    assertThatThrownBy(() -> new SuppressionEntry("abc", "R", "why")).hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> new SuppressionEntry(SHA_A, " ", "why")).hasMessageContaining("rule");
    assertThatThrownBy(() -> new SuppressionEntry(SHA_A, "R", "  ")).hasMessageContaining("reason");
    assertThatThrownBy(
            () ->
                ReportPolicy.builder()
                    .suppress(new SuppressionEntry(SHA_A, "R", "one"))
                    .suppress(new SuppressionEntry(SHA_A, "R", "two")))
        .hasMessageContaining("given twice");
  }

  @Test
  void aFileWithoutHashIsNeverSuppressed() {
    ScanReport report = report(file("a.pkl", "", finding("a.pkl", "", "os", "system")));
    ScanReport judged =
        ReportPolicy.builder()
            .suppress(new SuppressionEntry(SHA_A, StandardRules.POLYGLOT.id(), "r"))
            .baseline(Baseline.of(report, "old.json"))
            .build()
            .apply(report);
    assertThat(judged.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aBaselineExcusesOneFindingPerKnownFindingWhateverThePath() {
    ScanReport before = report(file("old/a.pkl", SHA_A, finding("old/a.pkl", "data.pkl", "os", "system")));
    // Same content under another name, and a second finding of the same rule and entry that was not there before.
    ScanReport now =
        report(
            file(
                "new/a.pkl",
                SHA_A,
                finding("new/a.pkl", "data.pkl", "os", "system"),
                finding("new/a.pkl", "data.pkl", "os", "system"),
                finding("new/a.pkl", "data.pkl", "subprocess", "run")));
    ScanReport judged = ReportPolicy.builder().baseline(Baseline.of(before, "old.json")).build().apply(now);
    List<Finding> f = judged.results().get(0).findings();
    assertThat(f.get(0).suppression().map(Suppression::kind)).contains(Suppression.Kind.BASELINE);
    assertThat(f.get(0).suppression().get().reason()).isEqualTo("present in the baseline old.json");
    assertThat(f.get(1).isSuppressed()).isFalse();
    assertThat(f.get(2).isSuppressed()).isFalse();
    assertThat(judged.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aBaselineReadFromOurJsonReportMatchesLikeOneInMemory() throws IOException {
    ScanReport before = report(file("a.pkl", SHA_A, finding("a.pkl", "inner.zip!/data.pkl", "os", "system")));
    Path json = dir.resolve("base.json");
    try (var w = Files.newBufferedWriter(json)) {
      new JsonReportWriter().write(before, w);
    }
    Baseline read = Baseline.read(json);
    assertThat(read.size()).isEqualTo(1);
    ScanReport judged = ReportPolicy.builder().baseline(read).build().apply(before);
    assertThat(judged.verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void aReportWithoutHashesOrOfAnotherSchemaIsRefused() throws IOException {
    Path old = Files.writeString(dir.resolve("old.json"),
        "{\"schemaVersion\":\"1.0\",\"results\":[{\"path\":\"a\",\"findings\":[{\"ruleId\":\"R\"}]}]}");
    assertThatThrownBy(() -> Baseline.read(old)).hasMessageContaining("no file hashes");
    Path v2 = Files.writeString(dir.resolve("v2.json"), "{\"schemaVersion\":\"2.0\",\"results\":[]}");
    assertThatThrownBy(() -> Baseline.read(v2)).hasMessageContaining("schema 2.0");
    Path sarif = Files.writeString(dir.resolve("x.sarif"), "{\"version\":\"2.1.0\",\"runs\":[]}");
    assertThatThrownBy(() -> Baseline.read(sarif)).hasMessageContaining("not a modelscan JSON report");
    Path broken = Files.writeString(dir.resolve("b.json"), "{\"schemaVersion\":");
    assertThatThrownBy(() -> Baseline.read(broken)).isInstanceOf(IOException.class);
  }

  @Test
  void everyWriterShowsWhatWasSuppressedAndWhy() throws IOException {
    ScanReport judged =
        ReportPolicy.builder()
            .suppress(new SuppressionEntry(SHA_A, StandardRules.POLYGLOT.id(), "vendor model, ticket T-1"))
            .build()
            .apply(report(file("a.pkl", SHA_A, finding("a.pkl", "", "os", "system"))));

    StringWriter text = new StringWriter();
    new TextReportWriter(false, false).write(judged, text);
    assertThat(text.toString())
        .contains("[suppressed: vendor model, ticket T-1]", "1 suppressed (not counted)", "Verdict: CLEAN");

    StringWriter json = new StringWriter();
    new JsonReportWriter().write(judged, json);
    assertThat(json.toString())
        .contains("\"kind\" : \"ACCEPTED\"", "\"reason\" : \"vendor model, ticket T-1\"", "\"suppressed\" : 1",
            "\"sha256\" : \"" + SHA_A + "\"");

    StringWriter sarif = new StringWriter();
    new SarifReportWriter(List.of()).write(judged, sarif);
    assertThat(sarif.toString())
        .contains("\"suppressions\"", "\"kind\" : \"external\"", "\"status\" : \"accepted\"",
            "\"justification\" : \"vendor model, ticket T-1\"");
    // Still well-formed JSON.
    try (var p = new JsonFactory().createParser(sarif.toString())) {
      while (p.nextToken() != null) {
        // read to the end
      }
    }
  }
}
