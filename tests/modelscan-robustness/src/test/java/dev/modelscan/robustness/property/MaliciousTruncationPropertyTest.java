package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Mutation;
import dev.modelscan.robustness.Pickles;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Samples;
import dev.modelscan.robustness.Scans;
import dev.modelscan.testkit.SeededCases;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Truncating or corrupting a malicious file after its payload never yields a complete, clean result. A loader that
 * runs a pickle executes the call as soon as it reads the REDUCE (or INST/OBJ) opcode, whatever follows; so "after
 * the payload" is every offset past the end of the call sequence, and the prefix up to there must always be judged.
 */
class MaliciousTruncationPropertyTest {

  /** A malicious pickle: benign prefix value, a call, benign suffix; and where the call's last opcode ends. */
  record Evil(byte[] bytes, int payloadEnd, String description) {
    @Override
    public String toString() {
      return description + " payloadEnd=" + payloadEnd + " " + Hex.dump(bytes);
    }
  }

  /**
   * PROTO 2, optionally MARK + a benign value (so the call is nested inside an unfinished structure), the call, then
   * a benign value and STOP. The payload ends right after the call's last opcode.
   */
  static Evil evil(Random r) {
    Pickles.Call call = Pickles.calls(r.nextInt(Pickles.callableCount())).get(r.nextInt(5));
    byte[] prefix = r.nextBoolean() ? new byte[] {(byte) 0x80, 2} : new byte[] {(byte) 0x80, 2, '('};
    byte[] tail = Pickles.benign(r).bytes();
    tail = Arrays.copyOfRange(tail, 2, tail.length); // drop its PROTO
    byte[] head = Pickles.insert(prefix, prefix.length, call.bytes());
    return new Evil(Pickles.insert(head, head.length, tail), head.length, call.toString());
  }

  static LongStream truncationCases() {
    return SeededCases.seeds("truncationAfterThePayloadIsNeverCompleteAndClean", 300);
  }

  static LongStream corruptionCases() {
    return SeededCases.seeds("corruptionAfterThePayloadIsNeverCompleteAndClean", 300);
  }

  static LongStream zipCases() {
    return SeededCases.seeds("aTruncatedTorchZipAfterThePicklesDataIsNeverCompleteAndClean", 150);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("truncationCases")
  @RequiresScanner("pickle")
  void truncationAfterThePayloadIsNeverCompleteAndClean(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Evil evil = evil(new Random(seed));
          int cut = g.intBetween(Integer.MIN_VALUE, Integer.MAX_VALUE);
          int len = evil.payloadEnd() + Math.floorMod(cut, evil.bytes().length - evil.payloadEnd() + 1);
          byte[] input = Arrays.copyOf(evil.bytes(), len);
          FileResult r = Scans.DEFAULT.scanBytes(input, "model.pkl");
          assertThat(Scans.completeAndClean(r))
              .as("%s cut at %d: %s %s", evil, len, r.status(), r.findings())
              .isFalse();
        });
  }

  /** Mutations are applied to the suffix after the payload only; the payload itself stays as a loader reads it. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("corruptionCases")
  @RequiresScanner("pickle")
  void corruptionAfterThePayloadIsNeverCompleteAndClean(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Evil evil = evil(new Random(seed));
          int n = g.sizeBetween(1, 3);
          List<Mutation> mutations = new java.util.ArrayList<>();
          for (int i = 0; i < n; i++) {
            mutations.add(Mutation.any(g));
          }
          byte[] head = Arrays.copyOf(evil.bytes(), evil.payloadEnd());
          byte[] rest = Arrays.copyOfRange(evil.bytes(), evil.payloadEnd(), evil.bytes().length);
          byte[] tail = Mutation.applyAll(rest, mutations);
          byte[] input = Pickles.insert(head, head.length, tail);
          FileResult r = Scans.DEFAULT.scanBytes(input, "model.pkl");
          assertThat(Scans.completeAndClean(r))
              .as("%s with %s after the payload: %s %s", evil, mutations, r.status(), r.findings())
              .isFalse();
        });
  }

  /**
   * The same pickle as {@code archive/data.pkl} of a PyTorch zip, the zip truncated anywhere after that member's
   * data: the central directory is gone, but a loader that salvages local headers (and the scanner must assume one
   * does) still reaches the pickle.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("zipCases")
  @RequiresScanner({"pickle", "zip"})
  void aTruncatedTorchZipAfterThePicklesDataIsNeverCompleteAndClean(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Evil evil = evil(new Random(seed));
          int cut = g.intBetween(Integer.MIN_VALUE, Integer.MAX_VALUE);
          byte[] zip = Samples.torchZip(evil.bytes());
          // Stored member: its data starts after the local header (30 bytes + name) and is the pickle verbatim.
          int dataEnd = indexOf(zip, evil.bytes()) + evil.bytes().length;
          assertThat(dataEnd).isGreaterThan(evil.bytes().length);
          int len = dataEnd + Math.floorMod(cut, zip.length - dataEnd + 1);
          FileResult r = Scans.DEFAULT.scanBytes(Arrays.copyOf(zip, len), "model.pt");
          assertThat(Scans.completeAndClean(r))
              .as("%s in a zip cut at %d: %s %s", evil, len, r.status(), r.findings())
              .isFalse();
        });
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
