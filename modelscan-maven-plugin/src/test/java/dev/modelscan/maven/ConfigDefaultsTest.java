package dev.modelscan.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <configFile>}: the CLI's modelscan.toml fills what the POM leaves unset. */
class ConfigDefaultsTest {

  @TempDir Path dir;

  private static Options.Values unset() {
    return new Options.Values(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private Path file(String toml) throws IOException {
    return Files.writeString(dir.resolve("modelscan.toml"), toml);
  }

  @Test
  void theFileFillsUnsetParameters() throws IOException {
    Path f =
        file(
            """
            severity-threshold = "HIGH"
            mode = "quick"
            max-nesting-depth = 4
            max-file-size = "2G"
            allow-global = ["my.Layer"]
            exclude = ["*.png"]
            follow-dir-links = true
            format = "sarif"
            color = false
            """);
    ConfigDefaults.Merged m = ConfigDefaults.merge(unset(), null, null, null, ConfigDefaults.read(f));
    dev.modelscan.core.options.ScanOptions o =
        Options.options(Options.withDefaults(m.values()), dev.modelscan.core.ScannerRegistry.loadDefault());
    ScanSettings s = o.settings();
    assertThat(o.reportPolicy().severityThreshold()).isEqualTo(Severity.HIGH);
    assertThat(s.mode()).isEqualTo(ScanMode.QUICK);
    assertThat(s.limits().maxNestingDepth()).isEqualTo(4);
    assertThat(s.maxFileSize()).isEqualTo(2L << 30);
    assertThat(dev.modelscan.pickle.settings.PickleSettings.of(s).allowedGlobals()).containsExactly("my.Layer");
    assertThat(m.excludes()).containsExactly("*.png");
    assertThat(m.followDirectoryLinks()).isTrue();
    assertThat(m.warnings()).isEmpty();
  }

  @Test
  void explicitParametersWin() throws IOException {
    Path f = file("severity-threshold = \"HIGH\"\nexclude = [\"*.png\"]\nfollow-dir-links = true\n");
    Options.Values pom =
        new Options.Values("LOW", null, null, null, null, null, null, null, null, null, null, null);
    ConfigDefaults.Merged m = ConfigDefaults.merge(pom, null, List.of("*.bin"), false, ConfigDefaults.read(f));
    assertThat(
            Options.options(Options.withDefaults(m.values()), dev.modelscan.core.ScannerRegistry.loadDefault())
                .reportPolicy()
                .severityThreshold())
        .isEqualTo(Severity.LOW);
    assertThat(m.excludes()).containsExactly("*.bin");
    assertThat(m.followDirectoryLinks()).isFalse();
  }

  @Test
  void withoutAFileTheDefaultsAreTheLibrarys() {
    assertThat(
            Options.options(Options.withDefaults(unset()), dev.modelscan.core.ScannerRegistry.loadDefault()).settings())
        .isEqualTo(ScanSettings.defaults());
  }

  @Test
  void unknownKeysFailAndUnappliedOnesWarn() throws IOException {
    assertThatThrownBy(() -> ConfigDefaults.read(file("fail-on = \"HIGH\"\n")))
        .hasMessageContaining("unknown key 'fail-on'");
    Path f = file("max-json-depth = 12\n");
    ConfigDefaults.Merged m = ConfigDefaults.merge(unset(), null, null, null, ConfigDefaults.read(f));
    assertThat(m.warnings()).singleElement().asString().contains("max-json-depth", "not applied");
    assertThatThrownBy(
            () -> ConfigDefaults.merge(unset(), null, null, null, ConfigDefaults.read(file("max-nesting-depth = \"x\"\n"))))
        .hasMessageContaining("max-nesting-depth");
  }
}
