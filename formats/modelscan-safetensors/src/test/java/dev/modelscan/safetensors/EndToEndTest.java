package dev.modelscan.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.archive.code.TextScanner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SafeTensors scanners behind the engine's facade: discovery, dispatch by content, nested members, verdicts. */
class EndToEndTest {

  /**
   * Stands in for the pickle scanner (another module): claims protocol-2+ pickles and GLOBAL-first protocol-0 pickles
   * and reports every one, so tests can see where the engine sent the bytes.
   */
  static final class FakePickleScanner implements ModelScanner {
    static final Rule SEEN =
        Rule.of("TEST-PICKLE-SEEN", "Pickle seen", "A pickle reached the pickle scanner.", Severity.HIGH,
            ThreatType.DESERIALIZATION);

    @Override
    public ScannerDescriptor descriptor() {
      return ScannerDescriptor.of("fake-pickle", "0", "test stand-in", List.of("pickle"), List.of("pkl"));
    }

    @Override
    public Recognition recognize(ContentHead head) {
      boolean framed = head.headLength() >= 2 && head.headByte(0) == 0x80 && head.headByte(1) >= 2
          && head.headByte(1) <= 5;
      boolean global = head.startsWith("cos\n".getBytes(StandardCharsets.US_ASCII));
      return framed || global ? Recognition.of("pickle", Recognition.CERTAIN) : Recognition.none();
    }

    @Override
    public void scan(ScanContext ctx) {
      ctx.report(ctx.finding(SEEN).offset(0).message("pickle").build());
    }
  }

  private static ModelScan engine() {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new SafetensorsScanner())
            .add(new SafetensorsIndexScanner())
            .add(new FakePickleScanner())
            .add(new TextScanner())
            .build();
    return ModelScan.builder().registry(registry).build();
  }

  @Test
  void bothScannersAreDiscoveredThroughTheServiceLoader() {
    ScannerRegistry registry = ScannerRegistry.loadDefault();

    assertThat(registry.descriptors())
        .extracting(ScannerDescriptor::name)
        .contains("safetensors", "safetensors-index");
    assertThat(registry.problems()).isEmpty();
    assertThat(registry.extensionOwners("safetensors")).containsExactly("safetensors");
  }

  @Test
  void aValidFileIsClean() {
    ScanReport report = ModelScan.builder().build().scan(Fixtures.path("valid_many_dtypes.safetensors"));

    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
    FileResult result = report.results().get(0);
    assertThat(result.format()).isEqualTo("safetensors");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void aPickleNamedSafetensorsGoesToThePickleScannerAndTheNameIsAFinding() {
    byte[] pickle = "cos\nsystem\n(S'echo pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);

    FileResult result = engine().scanBytes(pickle, "model.safetensors");

    assertThat(result.format()).isEqualTo("pickle");
    assertThat(result.findings())
        .extracting(Finding::rule)
        .containsExactlyInAnyOrder(StandardRules.FORMAT_MISMATCH, FakePickleScanner.SEEN);
    Finding mismatch =
        result.findings().stream().filter(f -> f.rule() == StandardRules.FORMAT_MISMATCH).findFirst().orElseThrow();
    assertThat(mismatch.message()).contains(".safetensors", "pickle");
  }

  @Test
  void aPickleAppendedToSafetensorsIsFoundByThePickleScanner() {
    FileResult result = engine().scanBytes(Fixtures.bytes("bad_trailing_pickle.safetensors"), "m.safetensors");

    assertThat(result.format()).isEqualTo("safetensors");
    assertThat(result.findings())
        .extracting(Finding::ruleId)
        .contains("SAFETENSORS-HIDDEN-DATA", "TEST-PICKLE-SEEN");
    assertThat(result.members()).extracting(MemberResult::format).containsExactly("pickle");
    assertThat(result.members().get(0).entry()).endsWith("trailing-data");
    assertThat(result.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aTwoToTheSixtyTwoClaimIsUnsafeAndIncomplete() {
    ScanReport report = engine().scan(Fixtures.path("bad_header_2p62.safetensors"));

    FileResult result = report.results().get(0);
    assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("SAFETENSORS-HEADER-TOO-LARGE");
    assertThat(result.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void aBrokenSafetensorsFileIsMalformedNotUnrecognised() {
    FileResult result = engine().scanBytes(Fixtures.bytes("bad_not_object.safetensors"), "m.safetensors");

    assertThat(result.format()).isEqualTo("safetensors");
    assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("SAFETENSORS-INVALID-HEADER");
    assertThat(result.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aConsistentShardedCheckpointDirectoryIsClean() {
    ScanReport report = engine().scan(Fixtures.path("sharded"));

    assertThat(report.results()).hasSize(3);
    assertThat(report.results())
        .extracting(FileResult::format)
        .containsExactlyInAnyOrder("safetensors", "safetensors", "safetensors-index");
    assertThat(report.findings()).isEmpty();
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
  }

  @Test
  void aTamperedShardedCheckpointDirectoryIsUnsafe() {
    ScanReport report = engine().scan(Fixtures.path("sharded_bad"));

    assertThat(report.findings())
        .extracting(Finding::ruleId)
        .contains(
            "SAFETENSORS-INDEX-PATH-TRAVERSAL",
            "SAFETENSORS-INDEX-NOT-SAFETENSORS",
            "SAFETENSORS-INDEX-MISMATCH",
            "TEST-PICKLE-SEEN",
            StandardRules.FORMAT_MISMATCH.id());
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void anIndexScannedFromMemoryIsIncomplete() {
    FileResult result = engine().scanBytes(Fixtures.bytes("sharded/model.safetensors.index.json"), "x.json");

    assertThat(result.format()).isEqualTo("safetensors-index");
    assertThat(result.status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(result.findings()).isEmpty();
  }
}
