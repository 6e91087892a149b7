package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the SafeTensors header and index parsers (modelscan-safetensors). In a plain build they replay
 * the seeds under
 * {@code src/test/resources/dev/modelscan/robustness/fuzz/SafetensorsFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class SafetensorsFuzzTest {
  /**
   * Fuzzes the safetensors scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("safetensors")
  void safetensors(byte[] data) {
    FuzzHarness.scan("safetensors", data, "model.safetensors");
  }

  /**
   * Fuzzes the safetensors-index scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("safetensors-index")
  void safetensorsIndex(byte[] data) {
    FuzzHarness.scan("safetensors-index", data, "model.safetensors.index.json");
  }
}
