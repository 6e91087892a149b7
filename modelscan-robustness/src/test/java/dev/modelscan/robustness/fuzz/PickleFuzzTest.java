package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the pickle and NumPy parsers (modelscan-pickle). In a plain build they replay the seeds under
 * {@code src/test/resources/dev/modelscan/robustness/fuzz/PickleFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class PickleFuzzTest {
  /**
   * Fuzzes the pickle scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("pickle")
  void pickle(byte[] data) {
    FuzzHarness.scan("pickle", data, "model.pkl");
  }

  /**
   * Fuzzes the numpy scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("numpy")
  void numpy(byte[] data) {
    FuzzHarness.scan("numpy", data, "x.npy");
  }
}
