package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.testkit.RecordingScanContext;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Values the machine keeps pending on its stack (ints outside the shared range, string and bytes arguments) and
 * tuples it shares must read exactly like the values they stand for wherever they are kept: in the memo, in tuples,
 * as call arguments and as STACK_GLOBAL operands.
 */
class PickleMachineValuesTest {

  /** A joblib NumpyArrayWrapper of dtype u1 whose shape tuple is written by {@code shape}. */
  static Ops wrapper(Ops o, Runnable shape) {
    o.proto(4).su("joblib.numpy_pickle").su("NumpyArrayWrapper").raw(0x93).raw(')').raw(0x81);
    o.raw('}').raw('(').su("shape");
    shape.run();
    o.su("dtype").su("numpy").su("dtype").raw(0x93).su("u1").raw(0x89, 0x88, 0x87).raw('R');
    o.raw('(').raw('K', 3).su("|").text("NNN").raw('J', 0xff, 0xff, 0xff, 0xff).raw('J', 0xff, 0xff, 0xff, 0xff)
        .raw('K', 0).raw('t').raw('b');
    o.su("numpy_array_alignment_bytes").raw('K', 16);
    return o.raw('u').raw('b');
  }

  private static byte[] ffs(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0xff);
    return b;
  }

  @Test
  void largeIntsKeepTheirValueThroughTheMemoDupAndTuples() {
    // shape (1500, 2): 1500 is a BININT outside the shared small ints, memoised, popped, fetched back and
    // duplicated; a wrong value would misplace the array bytes (0xff, an invalid opcode) and break the stream
    Ops o = new Ops();
    wrapper(o, () -> o.raw('J', 1500 & 0xff, 1500 >> 8, 0, 0).raw('q', 0).raw('0').raw('h', 0).raw('2').raw('0')
        .raw('K', 2).raw(0x86));
    byte[] b = o.raw(0).raw(ffs(3000)).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.format()).isEqualTo("joblib");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void largeIntsInAMarkedTupleKeepTheirValue() {
    // shape (70000,) through MARK ... TUPLE, and a LONG1 of 3 bytes
    Ops o = new Ops();
    wrapper(o, () -> o.raw('(').raw(0x8a, 3, 0x70, 0x11, 0x01).raw('t'));
    byte[] b = o.raw(0).raw(ffs(70000)).text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void sharedSmallTuplesDoNotMixUpTheirItems() {
    // the same small-int tuple shape twice, then a different one: each array must be sized by its own shape
    Ops o = new Ops();
    wrapper(o, () -> o.raw('K', 4).raw('K', 2).raw(0x86));
    o.raw(0).raw(ffs(8)).raw('0');
    Ops second = new Ops();
    wrapper(second, () -> second.raw('K', 4).raw('K', 2).raw(0x86));
    o.raw(Arrays.copyOfRange(second.bytes(), 2, second.bytes().length)).raw(0).raw(ffs(8)).raw('0');
    Ops third = new Ops();
    wrapper(third, () -> third.raw('K', 2).raw('K', 5).raw(0x86));
    o.raw(Arrays.copyOfRange(third.bytes(), 2, third.bytes().length)).raw(0).raw(ffs(10));
    byte[] b = o.text(".").bytes();
    RecordingScanContext ctx = Fixtures.pickleBytes(b, ScanSettings.defaults());
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void pendingStringsAreStackGlobalOperandsAndPendingBytesAreNestedPayloads() {
    // module and name as BINUNICODE and SHORT_BINSTRING (pending until STACK_GLOBAL reads them); the payload of
    // pickle.loads as BINBYTES inside a TUPLE1 (pending until the tuple is built)
    byte[] inner =
        new Ops().proto(2).global("os", "system").raw('U', 10).text("echo pwned").raw(0x85).text("R.").bytes();
    Ops o = new Ops().proto(4);
    o.raw('X', 6, 0, 0, 0).text("pickle").raw('U', 5).text("loads").raw(0x93);
    o.raw('B', inner.length, 0, 0, 0).raw(inner).raw(0x85).raw('R').text(".");
    RecordingScanContext ctx = Fixtures.pickleBytes(o.bytes(), ScanSettings.defaults());
    assertThat(Fixtures.operators(ctx)).contains("pickle.loads");
    assertThat(ctx.members()).singleElement().satisfies(m -> assertThat(m.content()).isEqualTo(inner));
  }
}
