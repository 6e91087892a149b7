package dev.modelscan.pickle.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import org.junit.jupiter.api.Test;

class PickleSettingsTest {

  @Test
  void defaultsFitTheHeapAndAreTheDocumentedConstants() {
    PickleSettings d = PickleSettings.defaults();
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(d.maxPickleStackSize()).isEqualTo((int) Math.min(1_000_000, Math.max(4096, heap / 512)));
    assertThat(d.maxPickleMemoSize()).isEqualTo((int) Math.min(256 << 20, Math.max(1 << 20, heap / 8 * 5)));
    assertThat(d.maxPickleOpcodes()).isEqualTo(200_000_000L);
    assertThat(d.unknownGlobalSeverity()).isEqualTo(Severity.MEDIUM);
    assertThat(d.allowedGlobals()).isEmpty();
    assertThat(d.deniedGlobals()).isEmpty();
    // -Xmx64m: 40 MiB of memo; a tiny heap still gets 1 MiB.
    assertThat(PickleSettings.heapMemoDefault(64L << 20)).isEqualTo(40 << 20);
    assertThat(PickleSettings.heapMemoDefault(1L << 20)).isEqualTo(1 << 20);
    assertThat(PickleSettings.heapMemoDefault(8L << 30)).isEqualTo(256 << 20);
  }

  @Test
  void aScanWithoutPickleSettingsGetsTheDefaultsAndOneWithThemGetsThem() {
    assertThat(PickleSettings.of(ScanSettings.defaults())).isSameAs(PickleSettings.defaults());
    PickleSettings own = PickleSettings.builder().allowGlobals("my.Layer").maxPickleOpcodes(9).build();
    ScanSettings s = ScanSettings.builder().extension(PickleSettings.class, own).build();
    assertThat(PickleSettings.of(s)).isEqualTo(own);
    assertThat(s.toString()).contains("my.Layer");
  }

  @Test
  void builderKeepsOverridesRebuildsAndRejectsNonPositiveLimitsByName() {
    PickleSettings p =
        PickleSettings.builder()
            .maxPickleStackSize(5)
            .maxPickleMemoSize(3_000_000)
            .allowGlobals("my.Layer")
            .denyGlobals("evil.call")
            .unknownGlobalSeverity(Severity.LOW)
            .build();
    assertThat(p.maxPickleStackSize()).isEqualTo(5);
    assertThat(p.maxPickleMemoSize()).isEqualTo(3_000_000);
    assertThat(p.allowedGlobals()).containsExactly("my.Layer");
    assertThat(p.deniedGlobals()).containsExactly("evil.call");
    assertThat(p.rebuild().build()).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(p).isNotEqualTo(PickleSettings.defaults());
    assertThatThrownBy(() -> p.allowedGlobals().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> PickleSettings.builder().maxPickleStackSize(0)).hasMessageContaining("maxPickleStackSize");
    assertThatThrownBy(() -> PickleSettings.builder().maxPickleMemoSize(-1)).hasMessageContaining("maxPickleMemoSize");
    assertThatThrownBy(() -> PickleSettings.builder().maxPickleOpcodes(0)).hasMessageContaining("maxPickleOpcodes");
  }

  @Test
  void checkThrowsTheStandardExceptionNamingTheSetting() {
    PickleSettings p = PickleSettings.builder().maxPickleStackSize(10).build();
    p.check(PickleLimit.STACK_SIZE, 10, "pickle stack");
    ScanLimitExceededException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ScanLimitExceededException.class, () -> p.check(PickleLimit.STACK_SIZE, 11, "pickle stack"));
    assertThat(e.getMessage()).isEqualTo("pickle stack needs 11; maxPickleStackSize (--max-pickle-stack-size) is 10");
    assertThat(e.limitType()).isEqualTo(PickleLimit.STACK_SIZE);
    assertThat(p.exceeded(PickleLimit.OPCODES, -1, "pickle opcodes").getMessage())
        .isEqualTo("pickle opcodes exceeds the limit; maxPickleOpcodes (--max-pickle-opcodes) is 200000000");
  }

  @Test
  void onlyThoroughModeReportsUnknownGlobals() {
    assertThat(PickleSettings.defaults().reportsUnknownGlobals(ScanMode.THOROUGH)).isTrue();
    assertThat(PickleSettings.defaults().reportsUnknownGlobals(ScanMode.QUICK)).isFalse();
  }
}
