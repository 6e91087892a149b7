package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Pickles;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import dev.modelscan.testkit.SeededCases;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inserting a dangerous call at any opcode boundary of any benign pickle yields a finding at HIGH or above. This is
 * the property the bypasses of other scanners break: a call hidden inside a container build-up, after a memo put,
 * between MARK and its closing opcode, or in the STACK_GLOBAL, memo, INST or OBJ form instead of GLOBAL+REDUCE.
 */
@RequiresScanner("pickle")
class DangerousCallInsertionPropertyTest {

  /** A benign pickle, a boundary in it, and the call to insert there. */
  record Case(Pickles.Program benign, int boundary, Pickles.Call call, boolean balanced) {
    byte[] bytes() {
      byte[] insert = call.bytes();
      if (balanced) {
        // POP after the call keeps the stack as the benign pickle expects it, so nothing else looks odd.
        insert = Pickles.insert(insert, insert.length, new byte[] {'0'});
      }
      return Pickles.insert(benign.bytes(), boundary, insert);
    }

    @Override
    public String toString() {
      return call + (balanced ? " + POP" : "") + " at " + boundary + " of " + benign;
    }
  }

  /** A benign pickle drawn from the seed. */
  static Pickles.Program benign(long seed) {
    return Pickles.benign(new Random(seed));
  }

  /** A benign pickle, one of its opcode boundaries, one form of one dangerous call, with or without a POP. */
  static Case draw(long seed) {
    Random r = new Random(seed);
    Pickles.Program p = Pickles.benign(r);
    List<Integer> starts = p.opcodeStarts();
    int at = starts.get(r.nextInt(starts.size()));
    List<Pickles.Call> forms = Pickles.calls(r.nextInt(Pickles.callableCount()));
    return new Case(p, at, forms.get(r.nextInt(forms.size())), r.nextBoolean());
  }

  static LongStream insertionCases() {
    return SeededCases.seeds("aDangerousCallAtAnyOpcodeBoundaryIsFoundAtHighOrAbove", 400);
  }

  static LongStream nameCases() {
    return SeededCases.seeds("theFindingDoesNotDependOnTheName", 100);
  }

  static LongStream benignCases() {
    return SeededCases.seeds("theBenignPicklesAreCompleteAndHaveNoHighFinding", 200);
  }

  static LongStream boundaryCases() {
    return SeededCases.seeds("boundariesAreOpcodeStarts", 50);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("insertionCases")
  void aDangerousCallAtAnyOpcodeBoundaryIsFoundAtHighOrAbove(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Case c = draw(seed);
          FileResult r = Scans.DEFAULT.scanBytes(c.bytes(), "model.pkl");
          assertThat(r.hasFindingAtLeast(Severity.HIGH))
              .as("no HIGH finding for %s; got %s %s", c, r.status(), r.findings())
              .isTrue();
        });
  }

  /** The same under a name that says nothing: dispatch is by content. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("nameCases")
  void theFindingDoesNotDependOnTheName(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Case c = draw(seed);
          FileResult r = Scans.DEFAULT.scanBytes(c.bytes(), "weights.bin");
          assertThat(r.hasFindingAtLeast(Severity.HIGH)).as("no HIGH finding for %s", c).isTrue();
        });
  }

  /**
   * The generator really is benign: without the insertion the pickle is complete and has nothing at HIGH, so the
   * property above is about the inserted call and not about noise from the generator.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("benignCases")
  void theBenignPicklesAreCompleteAndHaveNoHighFinding(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Pickles.Program p = benign(seed);
          FileResult r = Scans.DEFAULT.scanBytes(p.bytes(), "model.pkl");
          assertThat(r.hasFindingAtLeast(Severity.HIGH)).as("%s: %s", Hex.dump(p.bytes()), r.findings()).isFalse();
          assertThat(r.status())
              .as("%s: %s", Hex.dump(p.bytes()), r.statusReason())
              .isEqualTo(dev.modelscan.api.ScanStatus.COMPLETE);
        });
  }

  /** Sanity of the generator itself: every recorded boundary is where an opcode really starts. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("boundaryCases")
  void boundariesAreOpcodeStarts(long seed) {
    SeededCases.check(
        seed,
        g -> {
          Pickles.Program p = benign(seed);
          List<Integer> starts = p.opcodeStarts();
          assertThat(starts.get(0)).isZero();
          assertThat(p.bytes()[p.stopOffset()]).isEqualTo((byte) '.');
          assertThat(p.stopOffset()).isEqualTo(p.bytes().length - 1);
          assertThat(starts).isSorted().doesNotHaveDuplicates();
        });
  }
}
