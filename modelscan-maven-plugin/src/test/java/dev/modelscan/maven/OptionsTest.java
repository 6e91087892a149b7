package dev.modelscan.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.core.ScannerRegistry;
import dev.modelscan.core.options.ScanOptions;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportPolicy;
import dev.modelscan.h5.settings.Hdf5Settings;
import dev.modelscan.pickle.settings.PickleSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  private static Options.Values values(String severity, String mode) {
    return new Options.Values(severity, mode, null, null, null, null, null, null, null, null, null, null);
  }

  private static ScanOptions options(Options.Values v) {
    return Options.options(v, ScannerRegistry.loadDefault());
  }

  @Test
  void unsetParametersKeepTheLibraryDefaults() {
    ScanOptions o = options(values("MEDIUM", "thorough"));
    assertThat(o.settings()).isEqualTo(ScanSettings.defaults());
    assertThat(o.reportPolicy()).isEqualTo(ReportPolicy.defaults());
  }

  @Test
  void everyParameterReachesTheSettings() {
    ScanOptions o =
        options(
            new Options.Values(
                "high", "QUICK", 3, 7, "64m", "1g", 50, 12, "90s", "4g", List.of(" my.Layer "),
                List.of("my.evil")));
    ScanSettings s = o.settings();
    ScanLimits l = s.limits();
    assertThat(o.reportPolicy().severityThreshold()).isEqualTo(Severity.HIGH);
    assertThat(s.mode()).isEqualTo(ScanMode.QUICK);
    assertThat(l.maxNestingDepth()).isEqualTo(3);
    assertThat(l.maxArchiveMembers()).isEqualTo(7);
    assertThat(l.maxMemberBytes()).isEqualTo(64L << 20);
    assertThat(l.maxTotalDecompressedBytes()).isEqualTo(1L << 30);
    assertThat(l.maxCompressionRatio()).isEqualTo(50);
    assertThat(Hdf5Settings.of(s).maxHdf5Objects()).isEqualTo(12);
    assertThat(l.scanTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.maxFileSize()).isEqualTo(4L << 30);
    assertThat(PickleSettings.of(s).allowedGlobals()).containsExactly("my.Layer");
    assertThat(PickleSettings.of(s).deniedGlobals()).containsExactly("my.evil");
  }

  @Test
  void sizesAcceptPlainBytesAndBinaryUnits() {
    assertThat(Options.size("p", "1048576")).isEqualTo(1L << 20);
    assertThat(Options.size("p", "512k")).isEqualTo(512L << 10);
    assertThat(Options.size("p", "2G")).isEqualTo(2L << 30);
    assertThat(Options.size("p", "2GiB")).isEqualTo(2L << 30);
    assertThat(Options.size("p", "1t")).isEqualTo(1L << 40);
  }

  @Test
  void badSizesNameTheParameter() {
    assertThatThrownBy(() -> Options.size("maxMemberBytes", "lots")).hasMessageContaining("maxMemberBytes");
    assertThatThrownBy(() -> Options.size("maxFileSize", "-1")).hasMessageContaining("maxFileSize");
    assertThatThrownBy(() -> Options.size("maxFileSize", "99999999999999t")).hasMessageContaining("too large");
    // Zero passes the parser; the library rejects it, naming the limit, rather than treating it as "no limit".
    assertThatThrownBy(
            () -> options(
                new Options.Values("MEDIUM", "thorough", null, null, "0", null, null, null, null, null, null, null)))
        .hasMessageContaining("maxMemberBytes");
  }

  @Test
  void durationsAcceptShortFormsAndIso8601() {
    assertThat(Options.duration("p", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Options.duration("p", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Options.duration("p", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Options.duration("p", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Options.duration("p", "PT2M30S")).isEqualTo(Duration.ofSeconds(150));
    assertThatThrownBy(() -> Options.duration("scanTimeout", "soon")).hasMessageContaining("scanTimeout");
    // The plugin shares the CLI's grammar: an unknown unit is an error, not some other duration.
    assertThatThrownBy(() -> Options.duration("scanTimeout", "5d"))
        .hasMessageContaining("scanTimeout")
        .hasMessageContaining("'5d' is not a duration");
    assertThatThrownBy(() -> Options.size("maxMemberBytes", "2P")).hasMessageContaining("'2P' is not a size");
  }

  @Test
  void badSeverityAndModeFailWithTheirNames() {
    assertThatThrownBy(() -> options(values("SEVERE", "thorough"))).hasMessageContaining("failOnSeverity");
    assertThatThrownBy(() -> options(values("LOW", "fast"))).hasMessageContaining("mode");
    assertThatThrownBy(() -> options(values(null, "thorough"))).hasMessageContaining("failOnSeverity");
  }

  @Test
  void reportFormatsParseAListOrNone() {
    assertThat(Options.reportFormats("sarif, json")).containsExactly(ReportFormat.JSON, ReportFormat.SARIF);
    assertThat(Options.reportFormats("none")).isEmpty();
    assertThat(Options.reportFormats("")).isEmpty();
    assertThatThrownBy(() -> Options.reportFormats("sarif,html")).hasMessageContaining("reports");
  }
}
