package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The whole engine with every scanner: dispatch by content at every level, nested members, polyglots, limits. Finds
 * what the single-scanner targets cannot: a member one scanner hands back that breaks another.
 */
class EngineFuzzTest {

  /**
   * Fuzzes {@code ModelScan.scanBytes} with the default registry.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void engine(byte[] data) {
    FuzzHarness.engine(data, "input.bin");
  }
}
