package dev.modelscan.h5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Finding;
import dev.modelscan.api.MemberResult;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanReport;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.Severity;
import dev.modelscan.api.ThreatType;
import dev.modelscan.api.Verdict;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import dev.modelscan.core.ModelScan;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.archive.ZipScanner;
import dev.modelscan.archive.code.TextScanner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HDF5 and Keras config scanners behind the engine's facade: discovery, dispatch by content, nested payloads. */
class EndToEndTest {

  /** Stands in for the pickle scanner (another module): claims protocol-2+ pickles and reports each one. */
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
      return framed ? Recognition.of("pickle", Recognition.CERTAIN) : Recognition.none();
    }

    @Override
    public void scan(ScanContext ctx) {
      ctx.report(ctx.finding(SEEN).offset(0).message("pickle").build());
    }
  }

  static ModelScan engine() {
    ScannerRegistry registry =
        ScannerRegistry.builder()
            .discover(false)
            .add(new Hdf5Scanner())
            .add(new KerasConfigScanner())
            .add(new FakePickleScanner())
            .add(new TextScanner())
            .add(new ZipScanner())
            .build();
    return ModelScan.builder().registry(registry).build();
  }

  @Test
  void bothScannersAreDiscoveredThroughTheServiceLoader() {
    ScannerRegistry registry = ScannerRegistry.loadDefault();
    assertThat(registry.descriptors()).extracting(ScannerDescriptor::name).contains("hdf5", "keras-config");
    assertThat(registry.problems()).isEmpty();
  }

  @Test
  void cleanKerasH5FromDiskIsClean() {
    ScanReport report = ModelScan.builder().build().scan(Fixtures.path("clean_dense.h5"));
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
    FileResult result = report.results().get(0);
    assertThat(result.format()).isEqualTo("keras-h5");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void lambdaH5FromDiskIsUnsafe() {
    ScanReport report = engine().scan(Fixtures.path("lambda_sequential.h5"));
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(report.findings()).extracting(Finding::ruleId).containsExactly("KERAS-LAMBDA");
    assertThat(report.findings().get(0).severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void pickleInTheUserBlockReachesThePickleScanner() {
    FileResult result = engine().scanBytes(Fixtures.bytes("userblock_pickle.h5"), "model.h5");
    // the pickle at offset 0 is claimed too: the engine scans both readings of the polyglot
    assertThat(result.format()).contains("keras-h5");
    assertThat(result.findings()).extracting(Finding::ruleId).contains("TEST-PICKLE-SEEN");
    assertThat(result.members()).extracting(MemberResult::format).contains("pickle");
    assertThat(result.members()).extracting(MemberResult::entry).anySatisfy(e -> assertThat(e).endsWith("user-block"));
  }

  @Test
  void torchModuleWrapperPickleInConfigReachesThePickleScanner() {
    FileResult result = engine().scanBytes(Fixtures.member("torch_wrapper.keras", "config.json"), "config.json");
    assertThat(result.format()).isEqualTo("keras-config");
    assertThat(result.findings()).extracting(Finding::ruleId).contains("KERAS-EMBEDDED-PICKLE", "TEST-PICKLE-SEEN");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void externalStorageIsIncompleteAndUnsafe() {
    ScanReport report = engine().scan(Fixtures.path("external_storage.h5"));
    assertThat(report.results().get(0).status()).isEqualTo(ScanStatus.PARTIAL);
    assertThat(report.findings()).extracting(Finding::ruleId).contains("H5-EXTERNAL-STORAGE");
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void cleanKerasArchiveIsCleanAndEveryMemberGoesToItsScanner() {
    ScanReport report = engine().scan(Fixtures.path("clean_dense.keras"));
    assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
    FileResult result = report.results().get(0);
    assertThat(result.format()).isEqualTo("keras");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(result.findings()).isEmpty();
    assertThat(result.members())
        .extracting(m -> m.entry() + "=" + m.format())
        .containsExactlyInAnyOrder(
            "metadata.json=keras-config", "config.json=keras-config", "model.weights.h5=hdf5");
  }

  @ParameterizedTest
  @CsvSource({
    "lambda_sequential.keras, KERAS-LAMBDA, CRITICAL",
    "lambda_nested.keras, KERAS-LAMBDA, HIGH",
    "lambda_wrapper.keras, KERAS-LAMBDA, CRITICAL",
    "activation_os_system.keras, KERAS-DANGEROUS-REFERENCE, CRITICAL",
    "custom_objects.keras, KERAS-CUSTOM-OBJECT, MEDIUM",
    "non_modeling_api.keras, KERAS-NON-MODELING-API, CRITICAL",
    "torch_wrapper.keras, KERAS-EMBEDDED-PICKLE, HIGH",
    "duplicate_keys.keras, KERAS-LAMBDA, CRITICAL",
    "external_link_weights.keras, H5-EXTERNAL-LINK, HIGH"
  })
  void hostileKerasArchivesAreReportedThroughTheZipScanner(String archive, String rule, Severity worst) {
    ScanReport report = engine().scan(Fixtures.path(archive));
    FileResult result = report.results().get(0);
    assertThat(result.format()).isEqualTo("keras");
    assertThat(result.findings()).extracting(Finding::ruleId).contains(rule);
    assertThat(result.maxSeverity()).contains(worst);
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
    // every finding made inside the archive names the member it came from
    assertThat(result.findings()).allSatisfy(f -> assertThat(f.location().entry()).isNotEmpty());
  }

  @Test
  void pickleInsideTheConfigOfAKerasArchiveReachesThePickleScanner() {
    FileResult result = engine().scanBytes(Fixtures.bytes("torch_wrapper.keras"), "model.keras");
    Finding seen =
        result.findings().stream().filter(f -> f.ruleId().equals("TEST-PICKLE-SEEN")).findFirst().orElseThrow();
    assertThat(seen.location().entry()).startsWith("config.json").contains("$.config.layers[1].config.module");
    assertThat(result.status()).isEqualTo(ScanStatus.COMPLETE);
  }
}
