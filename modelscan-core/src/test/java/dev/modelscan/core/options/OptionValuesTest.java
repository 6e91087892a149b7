package dev.modelscan.core.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionValuesTest {

  @Test
  void sizesTakeBinaryUnitsInEverySpelling() {
    assertThat(OptionValues.size("1048576")).isEqualTo(1L << 20);
    assertThat(OptionValues.size("100b")).isEqualTo(100);
    assertThat(OptionValues.size("512K")).isEqualTo(512L << 10);
    assertThat(OptionValues.size("512kb")).isEqualTo(512L << 10);
    assertThat(OptionValues.size("64 M")).isEqualTo(64L << 20);
    assertThat(OptionValues.size("2GiB")).isEqualTo(2L << 30);
    assertThat(OptionValues.size("2gi")).isEqualTo(2L << 30);
    assertThat(OptionValues.size(" 1t ")).isEqualTo(1L << 40);
    assertThat(OptionValues.size("0")).isZero();
  }

  @Test
  void sizesRejectSignsFractionsAndUnknownUnits() {
    for (String bad : new String[] {"-1", "+1", "1.5G", "5x", "2P", "2GG", "G", "", "lots", "2 GiBs", "1e6"}) {
      assertThatThrownBy(() -> OptionValues.size(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a size");
    }
    assertThatThrownBy(() -> OptionValues.size(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesThatOverflowAreRejectedNotWrapped() {
    assertThatThrownBy(() -> OptionValues.size("8388608T")).hasMessageContaining("too large");
    assertThatThrownBy(() -> OptionValues.size("99999999999999999999")).hasMessageContaining("too large");
    assertThat(OptionValues.size("8388607T")).isEqualTo(8388607L << 40);
    assertThat(OptionValues.intSize("2147483647")).isEqualTo(Integer.MAX_VALUE);
    assertThat(OptionValues.intSize("1G")).isEqualTo(1 << 30);
    assertThatThrownBy(() -> OptionValues.intSize("3G")).hasMessageContaining("'3G' is too large")
        .hasMessageContaining("2147483647");
    assertThatThrownBy(() -> OptionValues.intSize("2G")).hasMessageContaining("too large");
  }

  @Test
  void durationsTakeFourUnitsOrIso8601() {
    assertThat(OptionValues.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(OptionValues.duration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(OptionValues.duration("30 S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(OptionValues.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(OptionValues.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(OptionValues.duration("PT2M30S")).isEqualTo(Duration.ofSeconds(150));
    assertThat(OptionValues.duration("pt1s")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void durationsRejectUnknownUnitsAndBareNumbers() {
    // "5d" was read as five seconds before the grammar was shared.
    for (String bad : new String[] {"5d", "10min", "30", "1.5h", "-5s", "s", "", "soon", "P", "PT5X"}) {
      assertThatThrownBy(() -> OptionValues.duration(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a duration");
    }
    assertThatThrownBy(() -> OptionValues.duration("9223372036854775807h")).hasMessageContaining("too long");
    assertThatThrownBy(() -> OptionValues.duration("99999999999999999999s")).hasMessageContaining("too long");
  }
}
