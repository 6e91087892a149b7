package dev.modelscan.h5.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import org.junit.jupiter.api.Test;

class Hdf5SettingsTest {

  @Test
  void theDefaultFitsTheHeap() {
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(Hdf5Settings.defaults().maxHdf5Objects())
        .isEqualTo((int) Math.min(200_000, Math.max(4096, heap / 2048)));
    // -Xmx64m walks 32,768 objects; 400 MiB and more the full 200,000.
    assertThat(ScanLimits.heapDerived(64L << 20, 200_000, Hdf5Settings.HEAP_BYTES_PER_HDF5_OBJECT)).isEqualTo(32_768);
    assertThat(ScanLimits.heapDerived(400L << 20, 200_000, Hdf5Settings.HEAP_BYTES_PER_HDF5_OBJECT))
        .isEqualTo(200_000);
  }

  @Test
  void anExplicitValueIsKeptAndReachedThroughTheScanSettings() {
    Hdf5Settings big = Hdf5Settings.builder().maxHdf5Objects(3_000_000).build();
    assertThat(big.maxHdf5Objects()).isEqualTo(3_000_000);
    assertThat(big.rebuild().build()).isEqualTo(big).hasSameHashCodeAs(big);
    assertThat(Hdf5Settings.of(ScanSettings.builder().extension(Hdf5Settings.class, big).build())).isEqualTo(big);
    assertThat(Hdf5Settings.of(ScanSettings.defaults())).isSameAs(Hdf5Settings.defaults());
    assertThatThrownBy(() -> Hdf5Settings.builder().maxHdf5Objects(0)).hasMessageContaining("maxHdf5Objects");
  }

  @Test
  void checkNamesTheSetting() {
    Hdf5Settings s = Hdf5Settings.builder().maxHdf5Objects(3).build();
    s.check(Hdf5Limit.OBJECTS, 3, "HDF5 objects walked");
    ScanLimitExceededException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ScanLimitExceededException.class, () -> s.check(Hdf5Limit.OBJECTS, 4, "HDF5 objects walked"));
    assertThat(e.getMessage()).isEqualTo("HDF5 objects walked needs 4; maxHdf5Objects (--max-hdf5-objects) is 3");
    assertThat(e.limitType()).isEqualTo(Hdf5Limit.OBJECTS);
  }
}
