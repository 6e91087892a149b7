package dev.modelscan.robustness.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelscan.robustness.RequiresScanner;

/**
 * Fuzz targets for the companion-file scanners of modelscan-media (images, PDF, SVG, CSV, JSON, YAML). In a plain build
 * they replay the seeds under {@code src/test/resources/dev/modelscan/robustness/fuzz/MediaFuzzTestInputs/<method>/};
 * with {@code JAZZER_FUZZ=1} they fuzz (see the module README).
 */
class MediaFuzzTest {
  /**
   * Fuzzes the png scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("png")
  void png(byte[] data) {
    FuzzHarness.scan("png", data, "plot.png");
  }

  /**
   * Fuzzes the jpeg scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("jpeg")
  void jpeg(byte[] data) {
    FuzzHarness.scan("jpeg", data, "photo.jpg");
  }

  /**
   * Fuzzes the gif scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("gif")
  void gif(byte[] data) {
    FuzzHarness.scan("gif", data, "anim.gif");
  }

  /**
   * Fuzzes the riff scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("riff")
  void riff(byte[] data) {
    FuzzHarness.scan("riff", data, "thumb.webp");
  }

  /**
   * Fuzzes the bmp scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("bmp")
  void bmp(byte[] data) {
    FuzzHarness.scan("bmp", data, "logo.bmp");
  }

  /**
   * Fuzzes the tiff scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("tiff")
  void tiff(byte[] data) {
    FuzzHarness.scan("tiff", data, "scan.tiff");
  }

  /**
   * Fuzzes the pdf scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("pdf")
  void pdf(byte[] data) {
    FuzzHarness.scan("pdf", data, "card.pdf");
  }

  /**
   * Fuzzes the svg scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("svg")
  void svg(byte[] data) {
    FuzzHarness.scan("svg", data, "chart.svg");
  }

  /**
   * Fuzzes the csv scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("csv")
  void csv(byte[] data) {
    FuzzHarness.scan("csv", data, "labels.csv");
  }

  /**
   * Fuzzes the json scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("json")
  void json(byte[] data) {
    FuzzHarness.scan("json", data, "config.json");
  }

  /**
   * Fuzzes the yaml scanner.
   *
   * @param data fuzzer input
   */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @RequiresScanner("yaml")
  void yaml(byte[] data) {
    FuzzHarness.scan("yaml", data, "train.yaml");
  }
}
