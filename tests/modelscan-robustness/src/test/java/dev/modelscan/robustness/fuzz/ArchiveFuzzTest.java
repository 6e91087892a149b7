package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the container parsers (modelscan-core archive). In a plain build they replay the seeds under
 * {@code src/test/resources/dev/modelscan/robustness/fuzz/ArchiveFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class ArchiveFuzzTest {
  /**
   * Fuzzes the zip scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("zip")
  void zip(byte[] data) {
    FuzzHarness.scan("zip", data, "model.pt");
  }

  /**
   * Fuzzes the tar scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("tar")
  void tar(byte[] data) {
    FuzzHarness.scan("tar", data, "a.tar");
  }

  /**
   * Fuzzes the 7z scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("7z")
  void sevenZip(byte[] data) {
    FuzzHarness.scan("7z", data, "a.7z");
  }

  /**
   * Fuzzes the compressed-stream scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("compressed-stream")
  void compressedStream(byte[] data) {
    FuzzHarness.scan("compressed-stream", data, "a.gz");
  }

  /**
   * Fuzzes the executable scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("executable")
  void executable(byte[] data) {
    FuzzHarness.scan("executable", data, "a.exe");
  }
}
