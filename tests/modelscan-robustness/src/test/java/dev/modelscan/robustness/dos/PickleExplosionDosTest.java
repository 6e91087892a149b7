package dev.modelscan.robustness.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.StandardRules;
import dev.modelscan.core.ModelScan;
import dev.modelscan.robustness.Pickles;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Memo and stack explosions with the default limits (so the defaults themselves are shown to fit a 128 MiB heap), and
 * the opcode limit with a small one. Every input is a few MB at most and built in the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
@RequiresScanner("pickle")
class PickleExplosionDosTest {

  private static final int TWO_MILLION = 2_000_000;

  /** PROTO, then {@code body} repeated, then STOP. */
  private static byte[] repeat(int proto, byte[] first, byte[] body, int times) {
    byte[] out = new byte[2 + first.length + body.length * times + 1];
    out[0] = (byte) 0x80;
    out[1] = (byte) proto;
    System.arraycopy(first, 0, out, 2, first.length);
    for (int i = 0; i < times; i++) {
      System.arraycopy(body, 0, out, 2 + first.length + i * body.length, body.length);
    }
    out[out.length - 1] = '.';
    return out;
  }

  /**
   * A new list memoised (two bytes) two million times: each entry keeps an object, counted as 96 bytes of the memo
   * limit, whose default (5/8 of this 128 MiB heap) it passes at about 870,000 entries.
   */
  @Test
  void memoizeTwoMillionObjectsStopsAtTheMemoLimit() {
    FileResult r =
        Scans.DEFAULT.scanBytes(repeat(4, new byte[] {'N'}, new byte[] {']', (byte) 0x94}, TWO_MILLION), "m.pkl");
    Dos.assertPartialWithFinding(r, "memo explosion");
    assertThat(Dos.has(r, StandardRules.LIMIT_REACHED.id())).as(Dos.describe(r)).isTrue();
  }

  /**
   * MEMOIZE of None (one byte) two million times: each entry is a 4-byte code, 8 MB in all, so the scan completes;
   * before the memo kept codes, this stopped at a limit of 1,000,000 entries.
   */
  @Test
  void memoizeTwoMillionConstantsCompletesInCodes() {
    FileResult r = Scans.DEFAULT.scanBytes(repeat(4, new byte[] {'N'}, new byte[] {(byte) 0x94}, TWO_MILLION), "m.pkl");
    assertThat(r.status()).as(Dos.describe(r)).isEqualTo(dev.modelscan.api.ScanStatus.COMPLETE);
  }

  /**
   * LONG_BINPUT of one list with ever new indices, each 5 bytes: every store of an object counts 96 bytes, so the memo
   * limit, not the heap, stops it.
   */
  @Test
  void longBinputWithNewIndicesStopsAtTheMemoLimit() {
    int n = 1_100_000;
    byte[] out = new byte[3 + 5 * n + 1];
    out[0] = (byte) 0x80;
    out[1] = 2;
    out[2] = ']';
    for (int i = 0; i < n; i++) {
      int p = 3 + 5 * i;
      out[p] = 'r';
      out[p + 1] = (byte) i;
      out[p + 2] = (byte) (i >>> 8);
      out[p + 3] = (byte) (i >>> 16);
      out[p + 4] = 0;
    }
    out[out.length - 1] = '.';
    FileResult r = Scans.DEFAULT.scanBytes(out, "m.pkl");
    Dos.assertPartialWithFinding(r, "LONG_BINPUT memo explosion");
  }

  /** NONE pushed two million times: twice the default stack limit. */
  @Test
  void pushingTwoMillionValuesStopsAtTheStackLimit() {
    FileResult r = Scans.DEFAULT.scanBytes(repeat(2, new byte[0], new byte[] {'N'}, TWO_MILLION), "s.pkl");
    Dos.assertPartialWithFinding(r, "stack explosion");
    assertThat(Dos.has(r, StandardRules.LIMIT_REACHED.id())).as(Dos.describe(r)).isTrue();
  }

  /** MARK two million times: marks count against the stack too. */
  @Test
  void twoMillionMarksStopAtTheStackLimit() {
    FileResult r = Scans.DEFAULT.scanBytes(repeat(2, new byte[0], new byte[] {'('}, TWO_MILLION), "k.pkl");
    Dos.assertPartialWithFinding(r, "mark explosion");
  }

  /** Empty lists appended into each other 2^20 times: a value nested a million deep. */
  @Test
  void aMillionDeepNestedListIsHandledWithoutRecursion() {
    int n = 1 << 20;
    byte[] body = {']'};
    byte[] out = repeat(2, new byte[0], body, n);
    byte[] appends = new byte[n - 1];
    Arrays.fill(appends, (byte) 'a');
    byte[] all = Pickles.insert(out, out.length - 1, appends);
    FileResult r = Scans.DEFAULT.scanBytes(all, "deep.pkl");
    Scans.assertSane(r, "list nested 2^20 deep");
  }

  /** A call whose argument is a tuple nested 100,000 deep: found, and rendering the argument does not overflow. */
  @Test
  void aCallWithADeeplyNestedArgumentIsFoundWithoutStackOverflow() {
    int n = 100_000;
    byte[] marks = new byte[n];
    Arrays.fill(marks, (byte) '(');
    byte[] tuples = new byte[n];
    Arrays.fill(tuples, (byte) 't');
    byte[] head = Pickles.ascii("\u0080\u0002cos\nsystem\n");
    byte[] tail = {(byte) 0x85, 'R', '.'};
    byte[] all = Pickles.insert(Pickles.insert(Pickles.insert(head, head.length, marks), head.length + n, tuples),
        head.length + 2 * n, tail);
    FileResult r = Scans.DEFAULT.scanBytes(all, "deeparg.pkl");
    Scans.assertSane(r, "os.system with an argument nested 100,000 deep");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).as(Dos.describe(r)).isTrue();
  }

  /** NONE, POP forever (well, 500,000 times) under an opcode limit of 10,000. */
  @Test
  void theOpcodeLimitStopsAnEndlessOpcodeStream() {
    ModelScan scan =
        ModelScan.builder()
            .registry(Scans.REGISTRY)
            .parallelism(1)
            .settings(
                ScanSettings.builder()
                    .extension(dev.modelscan.pickle.settings.PickleSettings.class, dev.modelscan.pickle.settings.PickleSettings.builder().maxPickleOpcodes(10_000).build())
                    .build())
            .build();
    FileResult r = scan.scanBytes(repeat(2, new byte[0], new byte[] {'N', '0'}, 500_000), "loop.pkl");
    Dos.assertPartialWithFinding(r, "opcode stream");
    assertThat(r.statusReason()).contains("maxPickleOpcodes");
  }

  /** NONE, STOP, then four MiB of {@code byte} and (when {@code newline}) a newline. */
  private static byte[] junkAfterAPickle(char junk, boolean newline) {
    byte[] b = new byte[2 + (4 << 20) + (newline ? 1 : 0)];
    Arrays.fill(b, (byte) junk);
    b[0] = 'N';
    b[1] = '.';
    if (newline) {
      b[b.length - 1] = '\n';
    }
    return b;
  }

  /**
   * Four MiB of UNICODE opcodes with no newline after a pickle: every byte starts a trial that reads a line, and
   * reading the rest of the file from each one would keep the scan busy for hours. The search is linear and complete.
   */
  @Test
  void fourMebibytesOfJunkWithoutANewlineAreSearchedCompletely() {
    FileResult r = Scans.DEFAULT.scanBytes(junkAfterAPickle('V', false), "junk.pkl");
    assertThat(r.status()).as(Dos.describe(r)).isEqualTo(dev.modelscan.api.ScanStatus.COMPLETE);
    assertThat(Dos.has(r, "PICKLE-TRAILING-DATA")).as(Dos.describe(r)).isTrue();
  }

  /** The same junk ended by a newline: the line bytes the trials read count as opcodes and the limit ends it. */
  @Test
  void fourMebibytesOfOneJunkLineStopAtTheOpcodeLimit() {
    FileResult r = Scans.DEFAULT.scanBytes(junkAfterAPickle('V', true), "junk.pkl");
    Dos.assertPartialWithFinding(r, "a line of junk");
    assertThat(r.statusReason()).contains("maxPickleOpcodes");
  }
}
