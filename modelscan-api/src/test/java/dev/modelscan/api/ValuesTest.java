package dev.modelscan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {

  private static final Rule RULE =
      Rule.of("X-RULE", "x", "an x", Severity.HIGH, ThreatType.DESERIALIZATION);

  private static FileResult result(ScanStatus status, Severity... severities) {
    List<Finding> findings =
        java.util.Arrays.stream(severities)
            .map(
                s ->
                    Finding.builder(RULE)
                        .severity(s)
                        .location(new Location("f", "", -1))
                        .message("m")
                        .scanner("s")
                        .build())
            .toList();
    return new FileResult("f", 1, "x", status, "", findings, List.of());
  }

  private static Verdict verdict(Severity threshold, FileResult... results) {
    return new ScanReport("v", threshold, List.of(results), Duration.ZERO).verdict();
  }

  @Test
  void verdictCombinesFindingsAndStatus() {
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.COMPLETE))).isEqualTo(Verdict.CLEAN);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.COMPLETE, Severity.LOW))).isEqualTo(Verdict.CLEAN);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.COMPLETE, Severity.MEDIUM))).isEqualTo(Verdict.UNSAFE);
    assertThat(verdict(Severity.CRITICAL, result(ScanStatus.COMPLETE, Severity.HIGH))).isEqualTo(Verdict.CLEAN);
    // Findings win over incompleteness: the unsafe part was seen.
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.PARTIAL, Severity.CRITICAL))).isEqualTo(Verdict.UNSAFE);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.PARTIAL), result(ScanStatus.COMPLETE)))
        .isEqualTo(Verdict.INCOMPLETE);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.COMPLETE), result(ScanStatus.SKIPPED)))
        .isEqualTo(Verdict.INCOMPLETE);
    // A failed scan is "not fully scanned" (2), never "nothing scanned" (3): an unreadable or crashed file may hold
    // anything, and a CI gate that treats 3 as "wrong folder" must not wave it through.
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.SKIPPED), result(ScanStatus.FAILED)))
        .isEqualTo(Verdict.INCOMPLETE);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.FAILED))).isEqualTo(Verdict.INCOMPLETE);
    assertThat(verdict(Severity.MEDIUM, result(ScanStatus.SKIPPED))).isEqualTo(Verdict.NOTHING_SCANNED);
    // Text and empty files count as seen but are not models: alone they are "nothing scanned", beside a model clean.
    FileResult text = new FileResult("README", 5, "text", ScanStatus.COMPLETE, "", List.of(), List.of());
    FileResult empty = new FileResult("e", 0, "empty", ScanStatus.COMPLETE, "", List.of(), List.of());
    assertThat(verdict(Severity.MEDIUM, text, empty)).isEqualTo(Verdict.NOTHING_SCANNED);
    assertThat(verdict(Severity.MEDIUM, text, result(ScanStatus.SKIPPED))).isEqualTo(Verdict.NOTHING_SCANNED);
    assertThat(verdict(Severity.MEDIUM, text, result(ScanStatus.COMPLETE))).isEqualTo(Verdict.CLEAN);
    FileResult partialText = new FileResult("notes", 5, "text", ScanStatus.PARTIAL, "binary", List.of(), List.of());
    assertThat(verdict(Severity.MEDIUM, partialText)).isEqualTo(Verdict.INCOMPLETE);
    assertThat(verdict(Severity.MEDIUM)).isEqualTo(Verdict.NOTHING_SCANNED);
  }

  @Test
  void reportCountsFindingsBySeverity() {
    ScanReport r =
        new ScanReport(
            "v",
            Severity.MEDIUM,
            List.of(result(ScanStatus.COMPLETE, Severity.LOW, Severity.LOW, Severity.CRITICAL)),
            Duration.ZERO);
    assertThat(r.findingsBySeverity())
        .containsEntry(Severity.CRITICAL, 1L)
        .containsEntry(Severity.HIGH, 0L)
        .containsEntry(Severity.LOW, 2L);
    assertThat(r.results().get(0).maxSeverity()).contains(Severity.CRITICAL);
  }

  @Test
  void severityOrderAndParsing() {
    assertThat(Severity.CRITICAL.isAtLeast(Severity.HIGH)).isTrue();
    assertThat(Severity.LOW.isAtLeast(Severity.MEDIUM)).isFalse();
    assertThat(Severity.parse(" high ")).isEqualTo(Severity.HIGH);
    assertThat(ScanStatus.COMPLETE.worst(ScanStatus.SKIPPED)).isEqualTo(ScanStatus.SKIPPED);
    assertThat(ScanStatus.FAILED.worst(ScanStatus.PARTIAL)).isEqualTo(ScanStatus.FAILED);
  }

  @Test
  void ruleCarriesComplianceMetadataFromItsThreatType() {
    assertThat(RULE.cwe()).isEqualTo(Cwe.DESERIALIZATION);
    assertThat(RULE.cwe().tag()).isEqualTo("CWE-502");
    assertThat(RULE.owasp().id()).isEqualTo("ML06");
    assertThat(ThreatType.CODE_INJECTION.defaultCwe().id()).isEqualTo(94);
    assertThat(ThreatType.DENIAL_OF_SERVICE.defaultCwe().id()).isEqualTo(400);
    assertThat(ThreatType.NETWORK_ACCESS.defaultCwe().id()).isEqualTo(918);
    assertThat(ThreatType.FILE_ACCESS.defaultCwe().id()).isEqualTo(73);
    assertThat(ThreatType.DISGUISED_CONTENT.defaultCwe().id()).isEqualTo(434);
    assertThat(ThreatType.OBFUSCATION.defaultCwe().id()).isEqualTo(506);
    assertThat(StandardRules.DECOMPRESSION_BOMB.cwe().id()).isEqualTo(409);
    assertThatThrownBy(() -> Rule.of(" ", "t", "d", Severity.LOW, ThreatType.OBFUSCATION))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void findingBuilderDefaultsAndOffsets() {
    Finding f =
        Finding.builder(RULE)
            .location(new Location("model.pt", "archive/data.pkl", -1))
            .offset(42)
            .module("os")
            .operator("system")
            .message("runs a shell")
            .scanner("pickle")
            .build();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.ruleId()).isEqualTo("X-RULE");
    assertThat(f.threatType()).isEqualTo(ThreatType.DESERIALIZATION);
    assertThat(f.location().toString()).isEqualTo("model.pt!/archive/data.pkl@42");
    assertThatThrownBy(() -> Finding.builder(RULE).offset(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Finding.builder(RULE).message("m").scanner("s").build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void locationsNestWithTheSeparator() {
    Location top = new Location("a.zip", "", -1);
    assertThat(top.child("b.tar").child("c.pkl").entry()).isEqualTo("b.tar!/c.pkl");
    assertThatThrownBy(() -> new Location("a", "", -2)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A scanner module's own settings, as an embedder would set them. */
  record OwnSettings(String allowed) {}

  /** Another module's. */
  record OtherSettings(int depth) {}

  @Test
  void settingsBuilderKeepsOverridesAndRejectsBadValues() {
    ScanSettings s =
        ScanSettings.builder()
            .mode(ScanMode.QUICK)
            .extension(OwnSettings.class, new OwnSettings("my.Layer"))
            .maxFileSize(10)
            .build();
    assertThat(s.extension(OwnSettings.class)).contains(new OwnSettings("my.Layer"));
    assertThat(s.extension(OtherSettings.class)).isEmpty();
    assertThat(s.rebuild().build()).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(s.toString()).contains("my.Layer");
    assertThat(ScanSettings.defaults().mode()).isEqualTo(ScanMode.THOROUGH);
    assertThat(ScanSettings.defaults().maxFileSize()).isEqualTo(ScanSettings.UNLIMITED_FILE_SIZE);
    assertThat(ScanSettings.defaults().extensions()).isEmpty();
    assertThatThrownBy(() -> ScanSettings.builder().maxFileSize(0)).hasMessageContaining("maxFileSize");
    assertThatThrownBy(() -> s.extensions().put(OtherSettings.class, new OtherSettings(1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void extensionsAreKeyedByTypeReplacedAndRemoved() {
    ScanSettings.Builder b =
        ScanSettings.builder()
            .extension(OwnSettings.class, new OwnSettings("a"))
            .extension(OtherSettings.class, new OtherSettings(3))
            .extension(OwnSettings.class, new OwnSettings("b"));
    ScanSettings s = b.build();
    assertThat(s.extension(OwnSettings.class)).contains(new OwnSettings("b"));
    assertThat(s.extension(OtherSettings.class)).contains(new OtherSettings(3));
    // The builder is not shared with what it built.
    b.removeExtension(OwnSettings.class);
    assertThat(s.extension(OwnSettings.class)).isPresent();
    assertThat(b.build().extension(OwnSettings.class)).isEmpty();
    assertThat(s).isNotEqualTo(b.build());
    // A value of the wrong type is refused, even through a raw call.
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Object> raw = (Class) OwnSettings.class;
    assertThatThrownBy(() -> ScanSettings.builder().extension(raw, new OtherSettings(1)))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void targetOriginAndExcludedPathsDefaultToEmptyAndAreNeverNull() {
    FileResult plain = new FileResult("f", 1, "x", ScanStatus.COMPLETE, "", List.of(), List.of());
    assertThat(plain.target()).isEmpty();
    assertThat(plain.origin()).isEmpty();
    assertThatThrownBy(() -> new FileResult("f", 1, "x", ScanStatus.COMPLETE, "", List.of(), List.of(), "", null, ""))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ExcludedPath("p", null)).isInstanceOf(NullPointerException.class);
    ScanReport report = new ScanReport("1", Severity.MEDIUM, List.of(plain), Duration.ZERO);
    assertThat(report.excluded()).isEmpty();
    // Excluded paths are not scanned: a report with nothing but exclusions has scanned nothing.
    ScanReport onlyExcluded =
        new ScanReport("1", Severity.MEDIUM, List.of(), Duration.ZERO, List.of(new ExcludedPath("a.png", "why")));
    assertThat(onlyExcluded.verdict()).isEqualTo(Verdict.NOTHING_SCANNED);
    assertThat(onlyExcluded.excluded()).extracting(ExcludedPath::path).containsExactly("a.png");
  }
}
