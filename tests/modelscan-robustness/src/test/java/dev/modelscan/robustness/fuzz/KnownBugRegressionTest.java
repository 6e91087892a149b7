package dev.modelscan.robustness.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * Crashing inputs found by the fuzz targets and properties of this module in other modules' scanners, kept as
 * regression tests until the owning module is fixed (bugs are not fixed from here). Each is disabled with the bug
 * it shows; when fixed, remove {@code @Disabled} and move the input into the target's seed directory. The inputs live
 * in {@code src/test/resources/dev/modelscan/robustness/fuzz/known-bugs/}.
 *
 * <p>Each test also checks what the engine makes of the input today, which must already be fail-closed (the engine
 * contains the scanner's failure); that part is not disabled.
 */
class KnownBugRegressionTest {

  private static byte[] input(String name) {
    try (InputStream in = KnownBugRegressionTest.class.getResourceAsStream("known-bugs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource known-bugs/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Bug (modelscan-core archive, ZipScanner$Walk.descriptorLength): a zip without a usable central directory whose
   * local header sets the data-descriptor flag and carries ZIP64 sizes near 2^63 makes the local walk read a window at
   * offset 4294901804 (or a length of -2097133) of a 95-byte (65-byte) file; {@code Window.read} throws
   * {@code EOFException} out of {@code scan()} instead of a MalformedContentException. The third input is simply
   * {@code archive/zip/data_descriptors.zip} with "PK" inserted at offset 17 (jqwik's shrunk sample: "wanted -24
   * bytes at 119 of 95"). The fourth has a central directory: the same read is reached from
   * {@code findOverlapsAndGaps -> gap -> walkLocal} ("wanted 377 bytes at 4294967499 of 580"). Found by
   * {@code FixtureMutationPropertyTest} and by Jazzer.
   */
  @Test
  @RequiresScanner("zip")
  void zipDescriptorLengthPastTheEnd() {
    assertThatCode(() -> FuzzHarness.scan("zip", input("zip-descriptor-eof-1.zip"), "a.zip"))
        .doesNotThrowAnyException();
    assertThatCode(() -> FuzzHarness.scan("zip", input("zip-descriptor-eof-2.zip"), "a.zip"))
        .doesNotThrowAnyException();
    assertThatCode(() -> FuzzHarness.scan("zip", input("zip-descriptor-eof-3.zip"), "a.zip"))
        .doesNotThrowAnyException();
    assertThatCode(() -> FuzzHarness.scan("zip", input("zip-descriptor-eof-4.zip"), "a.zip"))
        .doesNotThrowAnyException();
  }

  /** Through the engine the same inputs already end fail-closed (FAILED with a scanner-error finding), never clean. */
  @Test
  @RequiresScanner("zip")
  void zipDescriptorLengthPastTheEndIsContainedByTheEngine() {
    for (String n : new String[] {
      "zip-descriptor-eof-1.zip", "zip-descriptor-eof-2.zip", "zip-descriptor-eof-3.zip", "zip-descriptor-eof-4.zip"
    }) {
      FileResult r = Scans.DEFAULT.scanBytes(input(n), n);
      assertThat(Scans.completeAndClean(r)).as(n).isFalse();
    }
  }

  /**
   * Bug (modelscan-tensorflow, FlatBufferReader.check via TfliteScanner.operatorCodes / scan): a mutated
   * {@code custom_op.tflite} whose table offsets point before the buffer makes the scanner throw
   * {@code MalformedContentException} with offset -16168 (earlier versions: -1310688). The API says the offset is
   * the byte offset or -1. Before the engine fix in this branch ({@code DefaultScanContext.malformed}) the negative
   * offset made {@code ModelScan.scanBytes} itself throw IllegalArgumentException.
   */
  @Test
  @RequiresScanner("tflite")
  void tfliteNegativeVtableOffset() {
    assertThatCode(() -> FuzzHarness.scan("tflite", input("tflite-negative-vtable-offset.tflite"), "m.tflite"))
        .doesNotThrowAnyException();
  }

  /** The engine now records it as malformed at an unknown offset. */
  @Test
  @RequiresScanner("tflite")
  void tfliteNegativeVtableOffsetIsContainedByTheEngine() {
    FileResult r = Scans.DEFAULT.scanBytes(input("tflite-negative-vtable-offset.tflite"), "m.tflite");
    Scans.assertSane(r, "tflite-negative-vtable-offset.tflite");
    assertThat(Scans.completeAndClean(r)).isFalse();
  }

  /**
   * Bug (modelscan-safetensors, SafetensorsIndexScanner.parse): content starting with <code>{</code> and NUL bytes
   * (e.g. the 5 bytes {@code 7b 00 00 00 00}) makes Jackson auto-detect UTF-32, and its
   * {@code CharConversionException} (an IOException: "Unexpected EOF in the middle of a 4-byte UTF-32 char", "Invalid
   * UTF-32 character 0xb2ff0000") escapes {@code scan()} instead of becoming a MalformedContentException. Found by
   * Jazzer in one minute.
   */
  @Test
  @RequiresScanner("safetensors-index")
  void safetensorsIndexUtf32Detection() {
    for (int i = 1; i <= 3; i++) {
      byte[] in = input("safetensors-index-utf32-" + i + ".json");
      assertThatCode(() -> FuzzHarness.scan("safetensors-index", in, "model.safetensors.index.json"))
          .doesNotThrowAnyException();
    }
  }

  /** Through the engine: FAILED with a scanner-error finding, never clean. */
  @Test
  @RequiresScanner("safetensors-index")
  void safetensorsIndexUtf32DetectionIsContainedByTheEngine() {
    for (int i = 1; i <= 3; i++) {
      byte[] in = input("safetensors-index-utf32-" + i + ".json");
      FileResult r = Scans.DEFAULT.scanBytes(in, "m.safetensors.index.json");
      assertThat(Scans.completeAndClean(r)).as("input %d: %s", i, r).isFalse();
    }
  }
}
