package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the parsers of modelscan-pickle: pickle, NumPy, Python source and configs. In a plain build they replay the seeds under
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

  /**
   * Fuzzes the Python source and TorchScript code scanner (tokenizer and import resolution).
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("python-source")
  void pythonSource(byte[] data) {
    FuzzHarness.scan("python-source", data, "modeling_x.py");
    FuzzHarness.scan("python-source", data, "archive/code/__torch__.py");
  }

  /**
   * Fuzzes the config scanner's YAML reader.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("config")
  void configYaml(byte[] data) {
    FuzzHarness.scan("config", data, "model_config.yaml");
  }

  /**
   * Fuzzes the config scanner's JSON path (auto_map, chat templates, targets).
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("config")
  void configJson(byte[] data) {
    FuzzHarness.scan("config", data, "tokenizer_config.json");
  }
}
