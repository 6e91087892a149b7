package dev.modelscan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanMode;
import dev.modelscan.api.Severity;
import dev.modelscan.pickle.settings.PickleSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job's command line is read by the engine's option layer: the CLI's names, grammar and messages. */
class ScanJobArgumentsTest {

  @Test
  void optionsHaveTheCliNamesAndReachTheSettings() {
    ScanJob.Arguments a =
        ScanJob.parse(
            new String[] {
              "-m", "quick", "-t", "high", "--max-file-size=4G", "--scan-timeout", "90s", "--allow-global", "a.B",
              "--allow-global=c.D", "--max-pickle-opcodes", "1000", "--format", "parquet", "in/", "out/"
            });
    assertThat(a.inputs()).containsExactly("in/");
    assertThat(a.output()).isEqualTo("out/");
    assertThat(a.format()).isEqualTo("parquet");
    assertThat(a.config().toSettings().mode()).isEqualTo(ScanMode.QUICK);
    assertThat(a.config().severityThreshold()).isEqualTo(Severity.HIGH);
    assertThat(a.config().toSettings().maxFileSize()).isEqualTo(4L << 30);
    assertThat(a.config().toSettings().limits().scanTimeout()).isEqualTo(Duration.ofSeconds(90));
    PickleSettings pickle = PickleSettings.of(a.config().toSettings());
    assertThat(pickle.allowedGlobals()).containsExactlyInAnyOrder("a.B", "c.D");
    assertThat(pickle.maxPickleOpcodes()).isEqualTo(1000);
    assertThat(a.config().options()).containsEntry("allow-global", List.of("a.B", "c.D"));
  }

  @Test
  void badValuesAndUnknownOptionsAreUsageErrorsNamingTheOption() {
    assertThatThrownBy(() -> ScanJob.parse(new String[] {"--scan-timeout", "5d", "in", "out"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--scan-timeout")
        .hasMessageContaining("'5d' is not a duration");
    assertThatThrownBy(() -> ScanJob.parse(new String[] {"--max-speed", "1", "in", "out"}))
        .hasMessageContaining("unknown option --max-speed");
    assertThatThrownBy(() -> ScanJob.parse(new String[] {"-t", "SEVERE", "in", "out"}))
        .hasMessageContaining("--severity-threshold");
  }

  @Test
  void theDefaultsAreTheLibrarysAndTravelAsText() {
    ScanJobConfig d = ScanJobConfig.defaults();
    assertThat(d.options()).isEmpty();
    assertThat(d.severityThreshold()).isEqualTo(Severity.MEDIUM);
    assertThat(d.with("max-file-size", "1K").with("max-file-size", "2K").toSettings().maxFileSize()).isEqualTo(2048);
    assertThat(d.with("deny-global", "x.Y").with("deny-global", "z.W").options().get("deny-global"))
        .containsExactly("x.Y", "z.W");
  }
}
