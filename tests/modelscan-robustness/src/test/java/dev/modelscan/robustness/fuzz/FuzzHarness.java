package dev.modelscan.robustness.fuzz;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Scans;
import dev.modelscan.testkit.RecordingScanContext;
import java.io.IOException;
import java.time.Duration;

/**
 * Runs one scanner on fuzzer input the way the engine would, and turns anything the contract forbids into an
 * exception that Jazzer reports: recognize() throwing, scan() throwing anything but the two exceptions the context
 * records (ScanLimitExceededException, MalformedContentException with an offset of -1 or more), an IOException from
 * an in-memory source (a read past the end is a parser bug), a StackOverflowError or OutOfMemoryError.
 */
final class FuzzHarness {

  /** Limits small enough that one execution stays fast, large enough to reach the interesting code. */
  static final ScanSettings SETTINGS =
      ScanSettings.builder()
          .limits(
              ScanLimits.builder()
                  .maxMemberBytes(1 << 20)
                  .maxTotalDecompressedBytes(4 << 20)
                  .scanTimeout(Duration.ofSeconds(20))
                  .build())
          .extension(
              dev.modelscan.pickle.settings.PickleSettings.class,
              dev.modelscan.pickle.settings.PickleSettings.builder().maxPickleOpcodes(1_000_000).build())
          .build();

  private FuzzHarness() {}

  /**
   * Recognises and, when claimed, scans the data with the named scanner.
   *
   * @param scannerName the scanner's descriptor name
   * @param data the fuzzer's bytes
   * @param name the name hint
   */
  static void scan(String scannerName, byte[] data, String name) {
    ModelScanner scanner =
        Scans.scanner(scannerName).orElseThrow(() -> new IllegalStateException("no scanner " + scannerName));
    Recognition r = scanner.recognize(ContentHead.ofBytes(data, name));
    if (r == null) {
      throw new IllegalStateException(scannerName + ".recognize returned null");
    }
    if (!r.recognised()) {
      return;
    }
    RecordingScanContext ctx =
        new RecordingScanContext(ByteSource.wrap(data), name, r.format(), SETTINGS, scannerName);
    try {
      scanner.scan(ctx);
    } catch (ScanLimitExceededException e) {
      // recorded by the engine as a limit finding
    } catch (MalformedContentException e) {
      if (e.offset() < -1) {
        throw new IllegalStateException(
            scannerName + " reported a negative offset " + e.offset() + " for " + Hex.dump(data), e);
      }
    } catch (IOException e) {
      throw new IllegalStateException(scannerName + " threw an IOException on in-memory content", e);
    }
  }

  /**
   * Scans the data through the whole engine with every scanner, and checks the result's invariants.
   *
   * @param data the bytes
   * @param name the name hint
   */
  static void engine(byte[] data, String name) {
    FileResult r = Scans.DEFAULT.scanBytes(data, name);
    try {
      Scans.assertSane(r, Hex.dump(data));
    } catch (AssertionError e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
