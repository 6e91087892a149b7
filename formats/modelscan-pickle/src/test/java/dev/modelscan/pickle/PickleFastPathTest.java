package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.testkit.ForwardingScanContext;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.testkit.SeededCases;
import dev.modelscan.pickle.settings.PickleSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The machine's fast path (common opcodes with its state in locals) must have exactly the effects of the general
 * loop: the same findings, statuses, partial reasons and formats, including where a limit, the buffer's end or a
 * broken stream cuts a run short. Every case scans the same bytes with and without the fast path.
 */
class PickleFastPathTest {

  /** Scans {@code content} both ways, asserts the results are equal, and returns the fast one. */
  private static RecordingScanContext assertSameBothWays(byte[] content, ScanSettings settings) {
    Scan fast = scan(true, content, settings);
    Scan reference = scan(false, content, settings);
    // Where each run ended and in which state: differences that change no finding show here first.
    assertThat(fast.runs).as("runs").isEqualTo(reference.runs);
    assertThat(fast.ctx.findings()).as("findings").isEqualTo(reference.ctx.findings());
    assertThat(fast.ctx.partialReasons()).as("partial reasons").isEqualTo(reference.ctx.partialReasons());
    assertThat(fast.ctx.status()).as("status").isEqualTo(reference.ctx.status());
    assertThat(fast.ctx.format()).as("format").isEqualTo(reference.ctx.format());
    // The deadline is checked every 4096 opcodes; a fast path that ran past a check point would skip it.
    assertThat(fast.deadlineChecks[0]).as("deadline checks").isEqualTo(reference.deadlineChecks[0]);
    return fast.ctx;
  }

  /** A scan's recording, the end state of each of its runs, and how often it checked the deadline. */
  private record Scan(RecordingScanContext ctx, List<String> runs, int[] deadlineChecks) {}

  /** What PickleScanner.scan does, with the fast path on or off and the machine's runs logged. */
  private static Scan scan(boolean fastPath, byte[] content, ScanSettings settings) {
    RecordingScanContext ctx =
        new RecordingScanContext(ByteSource.wrap(content), "content.bin", "pickle", settings, "pickle");
    int[] checks = new int[1];
    ScanContext counting =
        new ForwardingScanContext(ctx) {
          @Override
          public void checkDeadline() {
            checks[0]++;
            super.checkDeadline();
          }
        };
    List<String> runs = new ArrayList<>();
    PickleAnalysis analysis = PickleAnalysis.forScan(counting, fastPath);
    analysis.logRuns(runs);
    analysis.scanStreams(0, content.length, true);
    if (analysis.refinedFormat() != null) {
      counting.refineFormat(analysis.refinedFormat());
    }
    return new Scan(ctx, runs, checks);
  }

  private static ScanSettings limits(int stack, int memo, long opcodes) {
    return ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleStackSize(stack).maxPickleMemoSize(memo).maxPickleOpcodes(opcodes).build()).build();
  }

  /** How many opcodes the fast path ran on {@code content}. */
  private static long fastOpcodes(byte[] content) {
    RecordingScanContext ctx =
        new RecordingScanContext(ByteSource.wrap(content), "content.bin", "pickle", ScanSettings.defaults(), "pickle");
    PickleAnalysis analysis = PickleAnalysis.forScan(ctx, true);
    analysis.scanStreams(0, content.length, true);
    return analysis.fastPathOpcodes();
  }

  static LongStream randomPrograms() {
    return SeededCases.seeds("randomProgramsScanTheSameBothWays", 200);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("randomPrograms")
  void randomProgramsScanTheSameBothWays(long seed) {
    SeededCases.check(
        seed,
        g -> {
          byte[] program = Programs.random(new Random(seed), g.intBetween(1, 1500));
          assertSameBothWays(program, limits(g.intBetween(1, 400), g.intBetween(1, 300), g.intBetween(1, 20_000)));
          assertSameBothWays(program, ScanSettings.defaults());
        });
  }

  @Test
  void everyShortProgramAroundMarksRunsTheSameBothWays() {
    // Every program of up to five steps over marks, pops, memo traffic and tuples, after two ints (so that there is
    // something below the first mark to get wrong): the stack, mark and memo bounds of the fast path at every edge
    byte[][] steps = {
      {'K', 1}, {'('}, {'t'}, {'0'}, {(byte) 0x94}, {(byte) 0x85}, {(byte) 0x86}, {'h', 0}, {'1'}, {'e'}
    };
    int[] digits = new int[5];
    for (int length = 0; length <= 5; length++) {
      int count = (int) Math.pow(steps.length, length);
      for (int code = 0; code < count; code++) {
        Ops o = new Ops().proto(4).raw(']').raw('K', 7).raw(0x94).raw('K', 8);
        int c = code;
        for (int i = 0; i < length; i++) {
          digits[i] = c % steps.length;
          c /= steps.length;
          o.raw(steps[digits[i]]);
        }
        // A stacked pickle after it: the fast path leaves the last 9 bytes of the content to the general loop
        o.text(".").proto(4).text("N0N0N0N0N.");
        assertSameBothWays(o.bytes(), ScanSettings.defaults());
      }
    }
  }

  @Test
  void theFastPathRunsMostOfAnOpcodeDenseStream() {
    // Without this, the comparisons above would pass with the fast path never taken.
    byte[] dense = Programs.dense(new Random(7), 300_000);
    long opcodes = Programs.countOpcodes(dense);
    assertThat(fastOpcodes(dense)).isGreaterThan(opcodes * 9 / 10);
    RecordingScanContext ctx = assertSameBothWays(dense, ScanSettings.defaults());
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(ctx.findings()).isEmpty();
  }

  @Test
  void aDenseStreamAcrossManyBufferRefillsEndsInTheSameImportBothWays() {
    // 300 KB of fast-path opcodes crosses the 64 KiB read buffer several times, with strings cut by its edge; the
    // call at the end must still be found
    Ops o = new Ops().raw(Programs.dense(new Random(11), 300_000));
    o.raw('0').su("os").su("system").raw(0x93).su("echo hi").raw(0x85).raw('R').raw('.');
    RecordingScanContext ctx = assertSameBothWays(o.bytes(), ScanSettings.defaults());
    assertThat(ctx.findings()).isNotEmpty();
  }

  @Test
  void stringsThatStraddleTheBufferEdgeAreReadBothWays() {
    for (int shift = 0; shift < 12; shift++) {
      // 64 KiB of padding strings, then the import's module and name placed to cross the buffer's end
      Ops o = new Ops().proto(4).raw('(');
      for (int i = 0; i < 65_536 / 200 - 1; i++) {
        o.raw(0x8c, 198).raw(new byte[198]);
      }
      o.raw(0x8c, shift).raw(new byte[shift]).raw('1');
      o.su("builtins").su("eval").raw(0x93).su("1+1").raw(0x85).raw('R').raw('.');
      RecordingScanContext ctx = assertSameBothWays(o.bytes(), ScanSettings.defaults());
      assertThat(ctx.findings()).as("shift %d", shift).isNotEmpty();
    }
  }

  @Test
  void theOpcodeLimitHitsAtTheSameOpcodeBothWays() {
    // Runs of 4096 opcodes end at the deadline check; a limit just below, at and above the length of the stream
    byte[] dense = Programs.dense(new Random(3), 60_000);
    long opcodes = Programs.countOpcodes(dense);
    for (long limit : new long[] {1, 2, 4095, 4096, 4097, 8192, opcodes - 1, opcodes, opcodes + 1}) {
      RecordingScanContext ctx = assertSameBothWays(dense, limits(1_000_000, 1_000_000, limit));
      assertThat(ctx.status()).as("limit %d of %d", limit, opcodes)
          .isEqualTo(limit >= opcodes ? ScanStatus.COMPLETE : ScanStatus.PARTIAL);
    }
  }

  @Test
  void theStackLimitHitsAtTheSameDepthBothWays() {
    for (int depth : new int[] {10, 63, 64, 65, 127, 128, 129, 1000, 1024, 1025, 5000}) {
      Ops o = new Ops().proto(4).raw(']');
      o.raw('(');
      for (int i = 0; i < depth; i++) {
        o.raw('K', i & 0xff);
      }
      byte[] b = o.raw('e').raw('.').bytes();
      for (int max : new int[] {depth - 1, depth, depth + 1, depth + 2}) {
        assertSameBothWays(b, limits(max, 1_000_000, 1_000_000));
      }
    }
  }

  @Test
  void theMemoLimitHitsAtTheSameEntryBothWays() {
    for (int entries : new int[] {1, 64, 65, 1000}) {
      Ops o = new Ops().proto(4).raw(']').raw('(');
      for (int i = 0; i < entries; i++) {
        o.raw(0x88, 0x94); // NEWTRUE, MEMOIZE
      }
      byte[] b = o.raw('e').raw('.').bytes();
      // The memo limit counts bytes: each memoised constant costs its 4-byte code
      int bytes = entries * PickleMachine.COMPACT_COST;
      for (int max : new int[] {bytes - 4, bytes - 1, bytes, bytes + 1, bytes + 4}) {
        if (max < 1) {
          continue;
        }
        RecordingScanContext ctx = assertSameBothWays(b, limits(1_000_000, max, 1_000_000));
        assertThat(ctx.status()).as("%d entries, memo limit %d bytes", entries, max)
            .isEqualTo(bytes <= max ? ScanStatus.COMPLETE : ScanStatus.PARTIAL);
      }
    }
  }

  @Test
  void memoisedValuesOfEveryKindReadBackTheSame() {
    // A string, a list and a shared int memoised by MEMOIZE, BINPUT and LONG_BINPUT (also at a sparse index), read
    // back by BINGET and LONG_BINGET, and used as the operands of an import
    Ops o = new Ops().proto(4);
    o.su("os").raw(0x94).raw('0'); // memo 0: "os" (a pending string, so the general path stores it)
    o.raw(']').raw('q', 1).raw('0'); // memo 1: a list
    o.raw('K', 7).raw('r', 0x70, 0x11, 0x01, 0x00).raw('0'); // memo 70000: 7
    o.su("system").raw('r', 2, 0, 0, 0).raw('0');
    o.raw('h', 0).raw('j', 2, 0, 0, 0).raw(0x93); // os.system
    o.raw('j', 0x70, 0x11, 0x01, 0x00).raw('h', 1).raw(0x86).raw('R').raw('.');
    RecordingScanContext ctx = assertSameBothWays(o.bytes(), ScanSettings.defaults());
    assertThat(ctx.findings()).isNotEmpty();
  }

  @Test
  void sharedValuesFetchedFromTheMemoKeepTheirValue() {
    // A joblib array of u1 whose shape (200, 3) comes from BINGET of memo 3 (stored by BINPUT) and LONG_BINGET of
    // memo 1 (MEMOIZE, the second entry), both shared small ints: a wrong value would misplace the 600 array bytes
    // (0xff, not an opcode) and break the stream
    Ops o = new Ops();
    PickleMachineValuesTest.wrapper(
        o,
        () -> o.raw('K', 200).raw('q', 3).raw('0').raw('K', 3).raw(0x94).raw('0')
            .raw('h', 3).raw('j', 1, 0, 0, 0).raw(0x86));
    byte[] array = new byte[600];
    java.util.Arrays.fill(array, (byte) 0xff);
    byte[] b = o.raw(0).raw(array).text(".").bytes();
    RecordingScanContext ctx = assertSameBothWays(b, ScanSettings.defaults());
    assertThat(ctx.format()).isEqualTo("joblib");
    assertThat(ctx.findings()).isEmpty();
    assertThat(ctx.status()).isEqualTo(ScanStatus.COMPLETE);
  }

  @Test
  void streamsThatBreakInsideTheFastPathBreakAtTheSameOffset() {
    byte[] dense = Programs.dense(new Random(5), 20_000);
    for (int cut : new int[] {3, 100, 4097, 10_000, 19_999}) {
      byte[] truncated = java.util.Arrays.copyOf(dense, cut);
      assertSameBothWays(truncated, ScanSettings.defaults());
      byte[] invalid = dense.clone();
      invalid[cut] = (byte) 0xff; // not an opcode
      assertSameBothWays(invalid, ScanSettings.defaults());
    }
  }

  /** Pickle programs written opcode by opcode. */
  static final class Programs {
    private Programs() {}

    private static final String[] NAMES = {"os", "system", "builtins", "eval", "numpy", "dtype", "__reduce__", ""};

    /**
     * A random program: mostly opcodes of the fast path with valid arguments, mixed with container, call, frame and
     * stop opcodes, so that runs start and end everywhere, and a rare random byte.
     */
    static byte[] random(Random r, int instructions) {
      Ops o = new Ops();
      if (r.nextInt(4) > 0) {
        o.proto(2 + r.nextInt(4));
      }
      for (int i = 0; i < instructions; i++) {
        int k = r.nextInt(60);
        switch (k) {
          case 0, 1, 2 -> o.raw('K', r.nextInt(256));
          case 3 -> o.raw('M', r.nextInt(256), r.nextInt(256));
          case 4, 5 -> int32(o.raw('J'), r.nextBoolean() ? r.nextInt(2000) - 200 : r.nextInt());
          case 6 -> o.raw('G').raw(new byte[8]);
          case 7 -> o.raw('N');
          case 8 -> o.raw(0x88);
          case 9 -> o.raw(0x89);
          case 10 -> o.raw(')');
          case 11 -> o.raw(0x8f);
          case 12 -> o.raw(']');
          case 13 -> o.raw('}');
          case 14, 15, 16 -> o.su(NAMES[r.nextInt(NAMES.length)]);
          case 17 -> shortArg(o, 'U', r);
          case 18 -> shortArg(o, 'C', r);
          case 19 -> longArg(o, 'X', r);
          case 20 -> longArg(o, 'B', r);
          case 21, 22 -> o.raw('(');
          case 23 -> o.raw('0');
          case 24 -> o.raw('1');
          case 25 -> o.raw('2');
          case 26, 27 -> o.raw('h', r.nextInt(r.nextBoolean() ? 8 : 256));
          case 28 -> int32(o.raw('j'), r.nextInt(r.nextBoolean() ? 8 : 70_000));
          case 29, 30 -> o.raw(0x94);
          case 31 -> o.raw('q', r.nextInt(r.nextBoolean() ? 8 : 256));
          case 32 -> int32(o.raw('r'), r.nextInt(4) == 0 ? 0x7fffffff : r.nextInt(70_000));
          case 33, 34 -> o.raw(0x85 + r.nextInt(3));
          case 35 -> o.raw('t');
          case 36 -> o.raw('l');
          case 37 -> o.raw('d');
          case 38 -> o.raw('a');
          case 39 -> o.raw('e');
          case 40 -> o.raw('s');
          case 41 -> o.raw('u');
          case 42 -> o.raw(0x90);
          case 43 -> o.raw(0x91);
          case 44 -> o.raw(0x93);
          case 45 -> o.raw('R');
          case 46 -> o.raw('b');
          case 47 -> o.raw(0x81);
          case 48 -> o.raw(0x95).raw(int64(r.nextInt(4) == 0 ? -1 : r.nextInt(500)));
          case 49 -> o.raw('.');
          case 50 -> o.global(r.nextBoolean() ? "os" : "collections", r.nextBoolean() ? "system" : "OrderedDict");
          case 51 -> o.raw(r.nextInt(256));
          default -> o.raw('K', r.nextInt(4));
        }
      }
      if (r.nextInt(8) > 0) {
        o.raw('.');
      }
      return o.bytes();
    }

    /** A stream like a large model's state: a list extended by runs of small values, strings and memo traffic. */
    static byte[] dense(Random r, int size) {
      Ops o = new Ops().proto(4).raw(']').raw(0x94);
      int memo = 1;
      int length = 3;
      while (length < size) {
        Ops run = new Ops().raw('(');
        for (int i = 0; i < 300; i++) {
          switch (r.nextInt(8)) {
            case 0 -> run.raw('K', r.nextInt(256));
            case 1 -> int32(run.raw('J'), r.nextInt());
            case 2 -> run.raw('G').raw(new byte[8]);
            case 3 -> run.raw('N');
            case 4 -> run.su("abcdefghijkl".substring(r.nextInt(12)));
            case 5 -> {
              run.raw(0x88, 0x94);
              memo++;
            }
            case 6 -> run.raw('h', r.nextInt(Math.min(memo, 256)));
            default -> run.raw('K', 1, 'K', 2, 0x86);
          }
        }
        byte[] b = run.raw('e').bytes();
        o.raw(b);
        length += b.length;
      }
      return o.raw('.').bytes();
    }

    /** Opcodes in a stream written by {@link #dense}, counted by walking it (arguments are skipped). */
    static long countOpcodes(byte[] b) {
      long n = 0;
      int p = 0;
      while (p < b.length) {
        int op = b[p] & 0xff;
        n++;
        p += switch (op) {
          case 0x80, 'K', 'h' -> 2;
          case 'J' -> 5;
          case 'G' -> 9;
          case 0x8c -> 2 + (b[p + 1] & 0xff);
          default -> 1;
        };
      }
      return n;
    }

    private static void shortArg(Ops o, char op, Random r) {
      int n = r.nextInt(40);
      o.raw(op, n).raw(text(n, r));
    }

    private static void longArg(Ops o, char op, Random r) {
      int n = r.nextInt(20) == 0 ? 300 + r.nextInt(70_000) : r.nextInt(40);
      int32(o.raw(op), n).raw(text(n, r));
    }

    /**
     * Payload bytes that are no opcode: after a break every later byte is tried as the start of a hidden pickle, and
     * payloads of opcode letters would make that search, not the machine, the cost of this test.
     */
    private static byte[] text(int n, Random r) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) PAYLOAD.charAt(r.nextInt(PAYLOAD.length()));
      }
      return b;
    }

    private static final String PAYLOAD = "fkmnvwxyz";

    private static Ops int32(Ops o, int v) {
      return o.raw(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    }

    private static byte[] int64(long v) {
      byte[] b = new byte[8];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (v >>> (8 * i));
      }
      return b;
    }
  }
}
