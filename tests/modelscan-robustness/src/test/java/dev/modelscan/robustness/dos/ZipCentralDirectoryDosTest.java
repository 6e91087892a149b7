package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Samples;
import dev.modelscan.robustness.Scans;
import dev.modelscan.robustness.ZipBytes;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Central directories built to make a zip reader loop, re-read or allocate: bounded, partial, reported. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
@RequiresScanner("zip")
class ZipCentralDirectoryDosTest {

  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
  private static final long HELLO_CRC = 0x3610a686L;

  /** 65,535 central entries (the most a plain EOCD can count), all pointing at the same local header. */
  @Test
  void sixtyFiveThousandEntriesSharingOneLocalHeader() {
    ZipBytes z = new ZipBytes().local("a.txt", 0, HELLO_CRC, 5, 5, new byte[0], HELLO);
    int cd = z.offset();
    for (int i = 0; i < 65_535; i++) {
      z.central(String.format("e%05d.txt", i), 0, HELLO_CRC, 5, 5, 0, new byte[0]);
    }
    z.eocd(65_535, z.offset() - cd, cd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "shared.zip");
    Dos.assertPartialWithFinding(r, "65,535 entries on one local header");
    assertThat(r.members().size()).as("members scanned").isLessThanOrEqualTo(10_001);
  }

  /** The EOCD says the central directory is the EOCD itself. */
  @Test
  void anEocdWhoseCentralDirectoryIsItself() {
    ZipBytes z = new ZipBytes().local("a.txt", 0, HELLO_CRC, 5, 5, new byte[0], HELLO);
    int eocd = z.offset();
    z.eocd(1, 22, eocd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "self.zip");
    Dos.assertPartialWithFinding(r, "EOCD pointing at itself");
  }

  /** The same with 65,535 entries and a size of 4 GiB: nothing may be sized or looped from those counts. */
  @Test
  void anEocdPointingAtItselfWithHugeCounts() {
    ZipBytes z = new ZipBytes().local("a.txt", 0, HELLO_CRC, 5, 5, new byte[0], HELLO);
    int eocd = z.offset();
    z.eocd(65_535, 0xFFFF_FFFFL, eocd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "self.zip");
    Dos.assertPartialWithFinding(r, "EOCD pointing at itself, 65,535 entries, 4 GiB");
  }

  /** A central entry whose local header offset points back into the central directory: a cycle to a reader. */
  @Test
  void aLocalHeaderOffsetPointingIntoTheCentralDirectory() {
    ZipBytes z = new ZipBytes().local("a.txt", 0, HELLO_CRC, 5, 5, new byte[0], HELLO);
    int cd = z.offset();
    z.central("a.txt", 0, HELLO_CRC, 5, 5, 0, new byte[0]);
    z.central("b.txt", 0, HELLO_CRC, 5, 5, cd, new byte[0]);
    z.eocd(2, z.offset() - cd, cd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "cycle.zip");
    Dos.assertPartialWithFinding(r, "local offset into the central directory");
  }

  /**
   * Overlapping entries: the stored data of {@code a.bin} contains the local header and data of {@code data.pkl},
   * which the central directory lists too. A loader reading {@code data.pkl} runs the pickle.
   */
  @Test
  @RequiresScanner({"zip", "pickle"})
  void overlappingEntriesAreBothScannedAndReported() {
    byte[] pickle = Samples.EVIL_PICKLE_P2;
    java.util.zip.CRC32 c = new java.util.zip.CRC32();
    c.update(pickle);
    long pcrc = c.getValue();
    byte[] inner = new ZipBytes().local("data.pkl", 0, pcrc, pickle.length, pickle.length, new byte[0], pickle).bytes();
    c.reset();
    c.update(inner);
    ZipBytes z = new ZipBytes().local("a.bin", 0, c.getValue(), inner.length, inner.length, new byte[0], inner);
    int innerOffset = 30 + "a.bin".length();
    int cd = z.offset();
    z.central("a.bin", 0, c.getValue(), inner.length, inner.length, 0, new byte[0]);
    z.central("data.pkl", 0, pcrc, pickle.length, pickle.length, innerOffset, new byte[0]);
    z.eocd(2, z.offset() - cd, cd);
    FileResult r = Scans.DEFAULT.scanBytes(z.bytes(), "overlap.zip");
    Scans.assertSane(r, "overlapping entries");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).as(Dos.describe(r)).isTrue();
    assertThat(r.findings().size()).as("the overlap itself is reported as well: " + Dos.describe(r))
        .isGreaterThanOrEqualTo(2);
  }
}
