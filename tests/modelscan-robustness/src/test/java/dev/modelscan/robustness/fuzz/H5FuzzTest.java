package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the HDF5 reader and Keras configuration walker (modelscan-h5). In a plain build they replay the
 * seeds under
 * {@code src/test/resources/dev/modelscan/robustness/fuzz/H5FuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class H5FuzzTest {
  /**
   * Fuzzes the hdf5 scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("hdf5")
  void hdf5(byte[] data) {
    FuzzHarness.scan("hdf5", data, "model.h5");
  }

  /**
   * Fuzzes the keras-config scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("keras-config")
  void kerasConfig(byte[] data) {
    FuzzHarness.scan("keras-config", data, "config.json");
  }
}
