package dev.modelscan.robustness.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.FileResult;
import dev.modelscan.api.Severity;
import dev.modelscan.robustness.Hex;
import dev.modelscan.robustness.Pickles;
import dev.modelscan.robustness.RequiresScanner;
import dev.modelscan.robustness.Scans;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

  @Provide
  Arbitrary<Pickles.Program> benignPickles() {
    return Arbitraries.randomValue(Pickles::benign);
  }

  @Provide
  Arbitrary<Case> cases() {
    return benignPickles()
        .flatMap(
            p ->
                Arbitraries.of(p.opcodeStarts())
                    .flatMap(
                        at ->
                            Arbitraries.integers()
                                .between(0, Pickles.callableCount() - 1)
                                .flatMap(
                                    which ->
                                        Arbitraries.of(Pickles.calls(which))
                                            .flatMap(
                                                call ->
                                                    Arbitraries.of(true, false)
                                                        .map(bal -> new Case(p, at, call, bal))))));
  }

  @Property(tries = 400)
  void aDangerousCallAtAnyOpcodeBoundaryIsFoundAtHighOrAbove(@ForAll("cases") Case c) {
    byte[] input = c.bytes();
    FileResult r = Scans.DEFAULT.scanBytes(input, "model.pkl");
    assertThat(r.hasFindingAtLeast(Severity.HIGH))
        .as("no HIGH finding for %s; got %s %s", c, r.status(), r.findings())
        .isTrue();
  }

  /** The same under a name that says nothing: dispatch is by content. */
  @Property(tries = 100)
  void theFindingDoesNotDependOnTheName(@ForAll("cases") Case c) {
    FileResult r = Scans.DEFAULT.scanBytes(c.bytes(), "weights.bin");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).as("no HIGH finding for %s", c).isTrue();
  }

  /**
   * The generator really is benign: without the insertion the pickle is complete and has nothing at HIGH, so the
   * property above is about the inserted call and not about noise from the generator.
   */
  @Property(tries = 200)
  void theBenignPicklesAreCompleteAndHaveNoHighFinding(@ForAll("benignPickles") Pickles.Program p) {
    FileResult r = Scans.DEFAULT.scanBytes(p.bytes(), "model.pkl");
    assertThat(r.hasFindingAtLeast(Severity.HIGH)).as("%s: %s", Hex.dump(p.bytes()), r.findings()).isFalse();
    assertThat(r.status()).as("%s: %s", Hex.dump(p.bytes()), r.statusReason()).isEqualTo(
        dev.modelscan.api.ScanStatus.COMPLETE);
  }

  /** Sanity of the generator itself: every recorded boundary is where an opcode really starts. */
  @Property(tries = 50)
  void boundariesAreOpcodeStarts(@ForAll("benignPickles") Pickles.Program p) {
    List<Integer> starts = p.opcodeStarts();
    assertThat(starts.get(0)).isZero();
    assertThat(p.bytes()[p.stopOffset()]).isEqualTo((byte) '.');
    assertThat(p.stopOffset()).isEqualTo(p.bytes().length - 1);
    assertThat(starts).isSorted().doesNotHaveDuplicates();
  }
}
