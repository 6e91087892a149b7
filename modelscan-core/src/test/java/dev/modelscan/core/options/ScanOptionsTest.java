package dev.modelscan.core.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.spi.SettingsExtension;
import dev.modelscan.core.report.ReportFormat;
import dev.modelscan.core.report.ReportPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanOptionsTest {

  /** A scanner module's own settings, immutable. */
  record ToySettings(int maxThings, List<String> allowed) {
    ToySettings {
      if (maxThings < 1) {
        throw new IllegalArgumentException("maxToyThings must be at least 1, was " + maxThings);
      }
      allowed = List.copyOf(allowed);
    }

    ToySettings allow(String name) {
      List<String> next = new ArrayList<>(allowed);
      next.add(name);
      return new ToySettings(maxThings, next);
    }
  }

  /** How front ends set them. */
  static final class ToyExtension implements SettingsExtension<ToySettings> {
    @Override
    public Class<ToySettings> type() {
      return ToySettings.class;
    }

    @Override
    public ToySettings defaults() {
      return new ToySettings(5, List.of());
    }

    @Override
    public List<Option<ToySettings>> options() {
      return List.of(
          new Option<>("max-toy-things", Kind.INT, "Things per toy.", (s, v) -> new ToySettings((Integer) v,
              s.allowed())),
          new Option<>("allow-toy", Kind.TEXT_LIST, "A toy name to allow.", (s, v) -> s.allow((String) v)));
    }
  }

  private static ScanOptions options() {
    return ScanOptions.of(List.of(new ToyExtension()));
  }

  @Test
  void nothingSetGivesTheLibraryDefaults() {
    ScanOptions o = options();
    assertThat(o.settings()).isEqualTo(ScanSettings.defaults());
    assertThat(o.reportPolicy()).isEqualTo(ReportPolicy.defaults());
    assertThat(o.format()).isEqualTo(ReportFormat.TEXT);
    assertThat(o.given()).isEmpty();
    // A module none of whose options was set adds no extension: its scanner uses its own defaults.
    assertThat(o.settings().extension(ToySettings.class)).isEmpty();
  }

  @Test
  void everyNeutralOptionReachesItsSettingByItsLongName() {
    ScanOptions o =
        options()
            .set("mode", "QUICK")
            .set("severity-threshold", "high")
            .set("format", "sarif")
            .set("max-file-size", "4G")
            .set("max-nesting-depth", "3")
            .set("max-archive-members", "7")
            .set("max-member-bytes", "64m")
            .set("max-total-decompressed-bytes", "1g")
            .set("max-compression-ratio", "50")
            .set("max-header-bytes", "1K")
            .set("max-string-bytes", "2K")
            .set("max-json-depth", "9")
            .set("scan-timeout", "90s")
            .set("include", List.of("*.pt", "*.bin"))
            .set("exclude", "docs/")
            .set("follow-dir-links", "true");
    ScanSettings s = o.settings();
    ScanLimits l = s.limits();
    assertThat(s.mode()).isEqualTo(ScanMode.QUICK);
    assertThat(s.maxFileSize()).isEqualTo(4L << 30);
    assertThat(l.maxNestingDepth()).isEqualTo(3);
    assertThat(l.maxArchiveMembers()).isEqualTo(7);
    assertThat(l.maxMemberBytes()).isEqualTo(64L << 20);
    assertThat(l.maxTotalDecompressedBytes()).isEqualTo(1L << 30);
    assertThat(l.maxCompressionRatio()).isEqualTo(50);
    assertThat(l.maxHeaderBytes()).isEqualTo(1024);
    assertThat(l.maxStringBytes()).isEqualTo(2048);
    assertThat(l.maxJsonDepth()).isEqualTo(9);
    assertThat(l.scanTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.reportPolicy().severityThreshold()).isEqualTo(Severity.HIGH);
    assertThat(o.format()).isEqualTo(ReportFormat.SARIF);
    assertThat(o.walkOptions().includes()).containsExactly("*.pt", "*.bin");
    assertThat(o.walkOptions().excludes()).containsExactly("docs/");
    assertThat(o.walkOptions().followDirectoryLinks()).isTrue();
    assertThat(o.given()).contains("mode", "scan-timeout", "include");
  }

  @Test
  void aModulesOptionsBuildItsExtensionAndRepeatableOnesAddUp() {
    ScanOptions o = options().set("max-toy-things", "9").set("allow-toy", "a").set("allow-toy", List.of("b", "c"));
    assertThat(o.settings().extension(ToySettings.class)).contains(new ToySettings(9, List.of("a", "b", "c")));
    assertThat(o.knows("max-toy-things")).isTrue();
    assertThat(o.descriptors())
        .anySatisfy(d -> {
          assertThat(d.name()).isEqualTo("allow-toy");
          assertThat(d.repeatable()).isTrue();
        });
    // The neutral options come first, in a stable order.
    assertThat(o.descriptors().get(0).name()).isEqualTo("mode");
  }

  @Test
  void aSingleValuedOptionKeepsTheLastValueAndRefusesAList() {
    ScanOptions o = options().set("max-nesting-depth", "3").set("max-nesting-depth", "4");
    assertThat(o.settings().limits().maxNestingDepth()).isEqualTo(4);
    assertThatThrownBy(() -> options().set("max-nesting-depth", List.of("3", "4")))
        .isInstanceOf(OptionException.class)
        .hasMessageContaining("--max-nesting-depth")
        .hasMessageContaining("one value");
  }

  @Test
  void badValuesAreRefusedAtOnceNamingTheOptionAndTheGrammar() {
    assertThatThrownBy(() -> options().set("scan-timeout", "5d"))
        .isInstanceOfSatisfying(OptionException.class, e -> {
          assertThat(e.optionName()).isEqualTo("scan-timeout");
          assertThat(e.problem()).contains("'5d' is not a duration");
          assertThat(e.getMessage()).startsWith("--scan-timeout: ");
        });
    assertThatThrownBy(() -> options().set("max-member-bytes", "2P")).hasMessageContaining("'2P' is not a size");
    assertThatThrownBy(() -> options().set("max-string-bytes", "3G")).hasMessageContaining("'3G' is too large");
    assertThatThrownBy(() -> options().set("max-json-depth", "deep")).hasMessageContaining("'deep' is not a whole");
    assertThatThrownBy(() -> options().set("severity-threshold", "SEVERE"))
        .hasMessageContaining("expected LOW, MEDIUM, HIGH or CRITICAL but was 'SEVERE'");
    assertThatThrownBy(() -> options().set("mode", "fast")).hasMessageContaining("expected quick or thorough");
    assertThatThrownBy(() -> options().set("format", "html")).hasMessageContaining("expected text, json or sarif");
    assertThatThrownBy(() -> options().set("follow-dir-links", "yes")).hasMessageContaining("true or false");
    // Range errors come from the settings themselves and name the setting.
    assertThatThrownBy(() -> options().set("max-nesting-depth", "0"))
        .hasMessageContaining("maxNestingDepth must be at least 1");
    assertThatThrownBy(() -> options().set("max-file-size", "0")).hasMessageContaining("maxFileSize");
    assertThatThrownBy(() -> options().set("max-toy-things", "0")).hasMessageContaining("maxToyThings");
    assertThatThrownBy(() -> options().set("max-speed", "1"))
        .isInstanceOf(OptionException.class)
        .hasMessage("--max-speed: unknown option");
    assertThatThrownBy(() -> options().set("max-file-size", (String) null)).hasMessageContaining("a value");
  }

  @Test
  void twoModulesCannotClaimOneOptionName() {
    assertThatThrownBy(() -> ScanOptions.of(List.of(new ToyExtension(), new ToyExtension())))
        .hasMessageContaining("max-toy-things");
  }

  @Test
  void everyLimitTypeHasAnOptionNamedAfterItsSetting() {
    ScanOptions o = options();
    for (dev.modelscan.api.LimitType t : dev.modelscan.api.LimitType.values()) {
      String kebab = t.settingName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
      assertThat(o.knows(kebab)).as(kebab).isTrue();
    }
  }
}
