package dev.modelscan.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelscan.api.ScanLimits;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.api.ScanStatus;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.testkit.ForwardingScanContext;
import dev.modelscan.testkit.RecordingScanContext;
import dev.modelscan.pickle.settings.PickleSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compact representation of memo entries (4-byte codes: shared constants, string offsets, literal values
 * re-parsed from their bytes; see {@code PickleMachine.memoPut}) must have exactly the effects of the full one, where
 * every entry is an object: the same findings, statuses, partial reasons, formats, nested members, run end states
 * (including the bytes the memo limit counts) and deadline checks, on random programs made to memoise values and read
 * them back into imports, calls, BUILDs, persistent ids and joblib arrays, and on every fixture of the repository.
 */
class PickleCompactValuesTest {

  /** A scan's observable outcome, in one comparable string per aspect. */
  private record Outcome(
      List<String> runs,
      List<String> findings,
      List<String> partial,
      ScanStatus status,
      String format,
      List<String> members,
      int deadlineChecks,
      String exception,
      long[] compactCounts) {}

  private static Outcome scan(
      boolean fastPath, boolean compact, boolean check, byte[] content, ScanSettings settings) {
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
    String exception = null;
    long[] counts = {0, 0, 0};
    try {
      PickleAnalysis analysis = PickleAnalysis.forScan(counting, fastPath, compact);
      analysis.logRuns(runs);
      if (check) {
        // every compact read is also checked against the value that was stored (an AssertionError otherwise)
        analysis.checkCompactValues();
      }
      analysis.scanStreams(0, content.length, true);
      if (analysis.refinedFormat() != null) {
        counting.refineFormat(analysis.refinedFormat());
      }
      long[] compactCounts = analysis.compactCounts();
      counts = new long[] {compactCounts[0], compactCounts[1], analysis.batchOpcodes()};
    } catch (RuntimeException e) {
      exception = e.getClass().getName() + ": " + e.getMessage();
    }
    return new Outcome(
        runs,
        ctx.findings().stream().map(Object::toString).collect(Collectors.toList()),
        ctx.partialReasons(),
        ctx.status(),
        ctx.format(),
        ctx.members().stream()
            .map(m -> m.name() + " " + m.kind() + " " + Arrays.hashCode(m.content()) + "/" + m.content().length)
            .collect(Collectors.toList()),
        checks[0],
        exception,
        counts);
  }

  /** Scans with the full representation and the general loop, then every other way, and compares. */
  private static Outcome assertSameEveryWay(String what, byte[] content, ScanSettings settings) {
    Outcome reference = scan(false, false, false, content, settings);
    Outcome compactOne = null;
    // {fast path, compact, checked against the stored values}; the fast path takes compact stores and reads only
    // when they are not checked, so it runs both ways
    boolean[][] ways = {{true, false, false}, {false, true, true}, {true, true, true}, {true, true, false}};
    for (boolean[] way : ways) {
      Outcome o = scan(way[0], way[1], way[2], content, settings);
      if (way[1] && !way[2]) {
        compactOne = o;
      }
      String as = what + " (fast path " + way[0] + ", compact " + way[1] + ", checked " + way[2] + ")";
      assertThat(o.exception()).as(as + ": exception").isEqualTo(reference.exception());
      assertThat(o.runs()).as(as + ": runs").isEqualTo(reference.runs());
      assertThat(o.findings()).as(as + ": findings").isEqualTo(reference.findings());
      assertThat(o.partial()).as(as + ": partial reasons").isEqualTo(reference.partial());
      assertThat(o.status()).as(as + ": status").isEqualTo(reference.status());
      assertThat(o.format()).as(as + ": format").isEqualTo(reference.format());
      assertThat(o.members()).as(as + ": members").isEqualTo(reference.members());
      assertThat(o.deadlineChecks()).as(as + ": deadline checks").isEqualTo(reference.deadlineChecks());
    }
    return compactOne;
  }

  private static ScanSettings limits(int stack, int memo, long opcodes) {
    return ScanSettings.builder().extension(PickleSettings.class, PickleSettings.builder().maxPickleStackSize(stack).maxPickleMemoSize(memo).maxPickleOpcodes(opcodes).build()).build();
  }

  static Stream<Long> seeds() {
    return LongStream.range(0, 250).boxed();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void memoHeavyRandomProgramsScanTheSameEveryWay(long seed) {
    Random r = new Random(seed);
    byte[] program = MemoPrograms.random(r, 1 + r.nextInt(400));
    String what = "seed " + seed + " (MemoPrograms.random)";
    assertSameEveryWay(what, program, ScanSettings.defaults());
    // Limits near what such a program uses, so that the memo, stack and opcode limits hit at every kind of opcode
    assertSameEveryWay(what + " with limits", program, limits(1 + r.nextInt(300), 1 + r.nextInt(1200),
        1 + r.nextInt(3000)));
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void generalRandomProgramsScanTheSameEveryWay(long seed) {
    Random r = new Random(seed);
    byte[] program = PickleFastPathTest.Programs.random(r, 1 + r.nextInt(1500));
    String what = "seed " + seed + " (PickleFastPathTest.Programs.random)";
    assertSameEveryWay(what, program, ScanSettings.defaults());
    assertSameEveryWay(what + " with limits", program, limits(1 + r.nextInt(400), 1 + r.nextInt(1200),
        1 + r.nextInt(20_000)));
  }

  static Stream<Long> largeSeeds() {
    return LongStream.range(0, 12).boxed();
  }

  /**
   * Long streams of the two shapes pickle.dump writes most (a list of memoised record tuples, a dict of memoised str
   * keys), in frames, so that runs cross memo pages and blocks, buffer refills, frame ends and deadline check
   * points; with limits that hit in the middle of a record or an entry. The fast loop makes such a record from one
   * scan of its bytes and memoises a string with the opcode before it: the comparison shows both change nothing.
   */
  @ParameterizedTest
  @MethodSource("largeSeeds")
  void longRecordAndVocabularyStreamsScanTheSameEveryWay(long seed) {
    Random r = new Random(seed);
    Ops o = new Ops().proto(4).raw(seed % 2 == 0 ? ']' : '}').raw(0x94);
    int entries = 2000 + r.nextInt(9000);
    Ops frame = new Ops();
    for (int i = 0; i < entries; ) {
      frame.raw('(');
      for (int end = Math.min(entries, i + 1 + r.nextInt(1000)); i < end; i++) {
        if (seed % 2 == 0) {
          if (r.nextInt(50) == 0) {
            MemoPrograms.record(frame, r);
          } else {
            frame.raw('(', 'K', i & 0xff).su("k" + i % 5000).raw(0x94);
            MemoPrograms.literal(frame, r);
            frame.raw('N', 0x88, 't', 0x94);
          }
        } else {
          frame.su(String.format("w%07d", i)).raw(0x94);
          MemoPrograms.literal(frame, r);
        }
        if (frame.bytes().length > 4000 + r.nextInt(4000)) {
          o.raw(0x95).raw(MemoPrograms.int64(frame.bytes().length)).raw(frame.bytes());
          frame = new Ops();
        }
      }
      frame.raw(seed % 2 == 0 ? 'e' : 'u');
    }
    o.raw(frame.raw('.').bytes());
    byte[] program = o.bytes();
    String what = "seed " + seed + " (long " + (seed % 2 == 0 ? "records" : "vocabulary") + ")";
    assertSameEveryWay(what, program, ScanSettings.defaults());
    assertSameEveryWay(what + " with limits", program, limits(2000, 1000 + r.nextInt(60_000),
        1000 + r.nextInt(60_000)));
  }

  static Stream<Long> batchSeeds() {
    return LongStream.range(0, 60).boxed();
  }

  /**
   * Lists and dicts filled by APPENDS and SETITEMS batches, which the fast loop runs whole once the container only
   * counts (PickleMachine.batch): batches of 0, 1 and up to 1,600 items, memoised and plain keys, now and then an
   * item that is no literal (a memo read, a nested MARK, a list, a long string, a BINPUT), an odd number of items,
   * the closing opcode of the other container, frames; with limits that cut batches at a deadline check point, at
   * the opcode, memo or stack limit, and at the buffer's or a frame's end.
   */
  @ParameterizedTest
  @MethodSource("batchSeeds")
  void appendsAndSetitemsBatchesScanTheSameEveryWay(long seed) {
    Random r = new Random(seed);
    byte[] program = MemoPrograms.batches(r);
    String what = "seed " + seed + " (MemoPrograms.batches)";
    assertSameEveryWay(what, program, ScanSettings.defaults());
    assertSameEveryWay(what + " with limits", program, limits(30 + r.nextInt(3000), 100 + r.nextInt(40_000),
        500 + r.nextInt(30_000)));
  }

  @Test
  void aVocabularyRunsInWholeBatches() {
    // pickle.dump({'w%07d' % i: i ...}, protocol=4): after the first batch the dict only counts, and the batches run
    // whole, also those that pass a deadline check point (checked before they run)
    Ops o = new Ops().proto(4).raw('}').raw(0x94);
    int entries = 30_000;
    for (int i = 0; i < entries; i += 1000) {
      o.raw('(');
      // a first batch of 100 (not counted), then batches of 1,000 pairs: deeper than the first
      for (int k = i == 0 ? 900 : i; k < i + 1000; k++) {
        o.su(String.format("w%07d", k)).raw(0x94).raw('M', k & 0xff, (k >> 8) & 0xff);
      }
      o.raw('u');
    }
    byte[] b = o.raw('.').bytes();
    Outcome out = assertSameEveryWay("vocabulary", b, ScanSettings.defaults());
    assertThat(out.status()).isEqualTo(ScanStatus.COMPLETE);
    int pairs = entries - 900;
    long opcodes = 3 + 3L * pairs + 2 * (entries / 1000) + 1;
    // Not the first batch (the dict remembers its first 64 pairs), nor the parts of those cut by the buffer's end or
    // a new memo page, which are pushed
    assertThat(out.compactCounts()[2]).as("batch opcodes of %d", opcodes).isGreaterThan(opcodes * 7 / 10);
    assertThat(out.compactCounts()[0]).as("compact stores").isEqualTo(pairs);
    // The stack limit inside a batch: the opcode-by-opcode path pushes its items first, a batch run whole must not
    // pass that point either
    for (int stack : new int[] {1000, 1999, 2000, 2001, 2002}) {
      Outcome limited = assertSameEveryWay("vocabulary, stack limit " + stack, b, limits(stack, 1_000_000,
          1_000_000));
      assertThat(limited.status()).as("stack limit %d", stack)
          .isEqualTo(stack < 2000 ? ScanStatus.PARTIAL : ScanStatus.COMPLETE);
    }
    // The opcode limit inside a batch, at its closing opcode and just after it
    // (the third batch's SETITEMS is opcode 3 + 302 + 3002 + 3002 = 6309)
    for (long limit : new long[] {4096, 5000, 6308, 6309, 6310}) {
      Outcome limited = assertSameEveryWay("vocabulary, opcode limit " + limit, b, limits(1_000_000, 1_000_000,
          limit));
      assertThat(limited.status()).isEqualTo(ScanStatus.PARTIAL);
    }
    // The batch of keys 4000..4999 (memo entries 3101..4100, opcodes 9312..12314) needs memo page 1 at entry 4096
    // (its 996th key: opcodes 12298 and 12299), after the check point at opcode 12288; the next batch (from byte
    // 57414, opcode 12315) does not fit in the first 64 KiB window, so it is cut there
    for (long limit : new long[] {12287, 12288, 12289, 12297, 12298, 12299, 12300, 12314, 12315, 12316, 12317}) {
      Outcome limited = assertSameEveryWay("vocabulary, opcode limit " + limit, b, limits(1_000_000, 1_000_000,
          limit));
      assertThat(limited.status()).isEqualTo(ScanStatus.PARTIAL);
    }
    // The memo limit at the new page's first entry (the dict's entry costs OBJECT_COST, each key COMPACT_COST) and
    // at the first keys of the batch the window's end cuts
    for (int entry : new int[] {4095, 4096, 4097, 4100, 4101, 4102, 4103}) {
      int bytes = PickleMachine.OBJECT_COST + entry * PickleMachine.COMPACT_COST;
      for (int memo : new int[] {bytes - 1, bytes}) {
        Outcome limited = assertSameEveryWay("vocabulary, memo limit " + memo, b, limits(1_000_000, memo,
            1_000_000));
        assertThat(limited.status()).isEqualTo(ScanStatus.PARTIAL);
      }
    }
  }

  static Stream<Long> vocabularySeeds() {
    return LongStream.range(0, 24).boxed();
  }

  @ParameterizedTest
  @MethodSource("vocabularySeeds")
  void randomVocabulariesScanTheSameEveryWay(long seed) {
    // Dicts and lists of memoised strings and ints in batches of random sizes, past several 64 KiB windows and memo
    // pages, so that batches meet the buffer's end, a new page and the deadline check points anywhere, with a stack,
    // memo or opcode limit drawn to hit there or not at all
    Random r = new Random(seed);
    boolean dict = r.nextBoolean();
    Ops o = new Ops().proto(2 + r.nextInt(3)).raw(dict ? '}' : ']').raw(0x94);
    int keys = 0;
    int maxLength = 1 + r.nextInt(40);
    int size = 150_000 + r.nextInt(300_000);
    while (o.bytes().length < size) {
      o.raw('(');
      int n = r.nextInt(8) == 0 ? 1 + r.nextInt(20) : 200 + r.nextInt(2500);
      for (int k = 0; k < n; k++) {
        o.su("k".repeat(1 + r.nextInt(maxLength)));
        if (r.nextInt(50) > 0) {
          o.raw(0x94);
          keys++;
        }
        if (dict) {
          int v = r.nextInt(70_000);
          switch (r.nextInt(4)) {
            case 0 -> o.raw('K', v & 0xff);
            case 1 -> o.raw('M', v & 0xff, (v >> 8) & 0xff);
            case 2 -> o.raw('J', v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, 0);
            default -> o.raw('N');
          }
        }
      }
      o.raw(dict ? 'u' : 'e');
    }
    byte[] b = o.raw('.').bytes();
    long opcodes = 3L * keys + 1000;
    ScanSettings[] settings = {
      ScanSettings.defaults(),
      limits(1_000_000, PickleMachine.OBJECT_COST + r.nextInt(keys + 1) * PickleMachine.COMPACT_COST
          - r.nextInt(2), 1_000_000),
      limits(1_000_000, 100_000_000, 1 + (long) r.nextInt((int) opcodes)),
      limits(100 + r.nextInt(6000), 100_000_000, 100_000_000),
    };
    for (int i = 0; i < settings.length; i++) {
      assertSameEveryWay("random vocabulary " + seed + ", settings " + i, b, settings[i]);
    }
  }

  @Test
  void everyFixtureOfTheRepositoryScansTheSameEveryWay() throws IOException {
    // The working directory is formats/modelscan-pickle: the repository root is two levels up.
    Path root = Path.of("../..").toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
              .filter(p -> p.toString().contains("/src/test/resources/") || p.toString().contains("/samples/")
                  || p.toString().contains("/src/it/"))
              .filter(p -> p.toFile().length() < 8 << 20)
              .sorted()
              .collect(Collectors.toList());
    }
    int pickles = 0;
    for (Path p : files) {
      byte[] b = Files.readAllBytes(p);
      if (b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
        for (var member : zipMembers(b)) {
          assertSameEveryWay(root.relativize(p) + "!" + member.getKey(), member.getValue(), ScanSettings.defaults());
          pickles++;
        }
      } else {
        assertSameEveryWay(root.relativize(p).toString(), b, ScanSettings.defaults());
        pickles++;
      }
    }
    // The walk found the fixtures at all (76 pickle fixtures in this module alone)
    assertThat(pickles).isGreaterThan(200);
  }

  private static List<java.util.Map.Entry<String, byte[]>> zipMembers(byte[] zip) {
    List<java.util.Map.Entry<String, byte[]>> out = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null && out.size() < 64) {
        byte[] b = in.readNBytes(4 << 20);
        out.add(java.util.Map.entry(e.getName(), b));
      }
    } catch (IOException | RuntimeException e) {
      // a fixture that is a broken zip on purpose: its members up to the break are compared
    }
    return out;
  }

  @Test
  void theRecordShapeOfLargePicklesIsKeptAsCodes() {
    // Protocol 4's list of (int, str, int, None, True) records, as pickle.dump writes it: every string and every
    // tuple is memoised. 2,000 records: a compact code each (4 bytes), one object for the list.
    Ops o = new Ops().proto(4).raw(']').raw(0x94).raw('(');
    int records = 2000;
    for (int i = 0; i < records; i++) {
      o.raw('(').raw('K', i % 250).su("k" + (i % 50)).raw(0x94).raw('M', i & 0xff, (i >> 8) & 0xff)
          .raw('N', 0x88, 't', 0x94);
    }
    byte[] b = o.raw('e').raw('.').bytes();
    Outcome out = assertSameEveryWay("records", b, ScanSettings.defaults());
    assertThat(out.status()).isEqualTo(ScanStatus.COMPLETE);
    assertThat(out.compactCounts()[0]).as("compact stores").isEqualTo(2L * records);
    int bytes = PickleMachine.OBJECT_COST + 2 * records * PickleMachine.COMPACT_COST;
    assertThat(out.runs()).singleElement().asString().contains("memoBytes=" + bytes);
    // One byte less and the last store hits the limit, in every representation
    Outcome limited = assertSameEveryWay("records, limit", b, limits(1_000_000, bytes - 1, 1_000_000));
    assertThat(limited.status()).isEqualTo(ScanStatus.PARTIAL);
  }

  @Test
  void aMemoisedTupleAndStringReadBackAsImportOperandsAndNestedPayloads() {
    // ("os", "system") memoised as a literal tuple, its strings read back by GET for STACK_GLOBAL; a bytes payload
    // memoised inside a tuple and handed to pickle.loads through GET: the import and the nested member must be the
    // same whether the memo kept codes or objects.
    Ops o = new Ops().proto(4);
    o.raw('(').su("os").raw(0x94).su("system").raw(0x94).raw('t').raw(0x94).raw('0'); // memo 0, 1, 2
    o.raw('h', 0).raw('h', 1).raw(0x93).raw(0x94); // os.system, memo 3
    o.raw('C', 4).text("echo").raw(0x85).raw(0x94).raw('R').raw('0'); // os.system(("echo",))
    o.global("pickle", "loads").raw('C', 2).text("N.").raw(0x94).raw(0x85).raw('q', 9).raw('0'); // memo 9
    o.raw('h', 9).raw('R').raw('.');
    Outcome out = assertSameEveryWay("operands", o.bytes(), ScanSettings.defaults());
    assertThat(out.findings()).anyMatch(f -> f.contains("system"));
    assertThat(out.members()).hasSize(1);
    assertThat(out.compactCounts()[1]).as("compact reads").isGreaterThanOrEqualTo(2);
  }

  /** Programs that memoise literal values and read them back where their content matters. */
  static final class MemoPrograms {
    private MemoPrograms() {}

    private static final String[] NAMES = {
      "os", "system", "builtins", "eval", "pickle", "loads", "numpy", "dtype", "__setstate__", "storage", "shape", ""
    };

    static byte[] random(Random r, int steps) {
      Ops o = new Ops();
      if (r.nextInt(6) > 0) {
        o.proto(2 + r.nextInt(4));
      }
      int memo = 0;
      for (int i = 0; i < steps; i++) {
        int k = r.nextInt(50);
        switch (k) {
          case 0, 1 -> o.raw('K', r.nextInt(256));
          case 2 -> o.raw('M', r.nextInt(256), r.nextInt(256));
          case 3 -> int32(o.raw('J'), r.nextBoolean() ? r.nextInt(4000) - 2000 : r.nextInt());
          case 4 -> o.raw('G').raw(new byte[8]);
          case 5 -> o.raw(r.nextBoolean() ? 'N' : 0x88 + r.nextInt(2));
          case 6 -> o.raw(')');
          case 7, 8, 9 -> o.su(NAMES[r.nextInt(NAMES.length)]);
          case 10 -> {
            int n = r.nextInt(4) == 0 ? 200 + r.nextInt(100) : r.nextInt(12);
            int32(o.raw(r.nextBoolean() ? 'X' : 'B'), n).raw(payload(n, r));
          }
          case 11 -> {
            int n = r.nextInt(6);
            o.raw(r.nextBoolean() ? 'U' : 'C', n).raw(payload(n, r));
          }
          case 12, 13 -> o.raw('(');
          case 14, 15 -> o.raw('t');
          case 16, 17 -> o.raw(0x85 + r.nextInt(3));
          case 18, 19, 20 -> {
            o.raw(0x94);
            memo++;
          }
          case 21 -> o.raw('q', r.nextInt(Math.max(1, Math.min(memo + 2, 256))));
          case 22 -> int32(o.raw('r'), r.nextInt(8) == 0 ? 70_000 + r.nextInt(3) * 4096 : r.nextInt(memo + 2));
          case 23, 24, 25 -> o.raw('h', r.nextInt(Math.max(1, Math.min(memo + 1, 256))));
          case 26 -> int32(o.raw('j'), r.nextInt(8) == 0 ? 70_000 : r.nextInt(memo + 1));
          case 27 -> o.raw(0x93); // STACK_GLOBAL of whatever is on top
          case 28 -> o.raw('R');
          case 29 -> o.raw('b');
          case 30 -> o.raw('Q');
          case 31 -> o.raw('0');
          case 32 -> o.raw('2');
          case 33 -> o.raw(0x95).raw(int64(r.nextInt(300)));
          case 34 -> o.global(r.nextBoolean() ? "pickle" : "os", r.nextBoolean() ? "loads" : "system");
          case 35 -> o.global("joblib.numpy_pickle", "NumpyArrayWrapper");
          case 36 -> o.raw('}');
          case 37 -> o.raw(']');
          case 38 -> o.raw('s');
          case 39 -> o.raw('u');
          case 40 -> o.raw('e');
          case 41 -> o.raw(0x81);
          case 42 -> o.text("S'" + NAMES[r.nextInt(NAMES.length)] + "'\n");
          case 43 -> o.text("I" + (r.nextInt(3000) - 5) + "\n");
          case 44 -> o.raw('.');
          case 45 -> {
            // A literal record as pickle.dump writes one, memoised, then read back a little later
            o.raw('(').raw('K', r.nextInt(256)).su(NAMES[r.nextInt(NAMES.length)]).raw(0x94).raw('N', 't', 0x94);
            memo += 2;
          }
          case 46, 47 -> memo += record(o, r);
          case 48 -> {
            // A vocabulary entry: a memoised key, then its value
            o.su(NAMES[r.nextInt(NAMES.length)]).raw(0x94);
            memo++;
            literal(o, r);
          }
          default -> {
            // A run of records as a list's APPENDS batch holds them
            o.raw('(');
            for (int n = r.nextInt(12); n > 0; n--) {
              memo += record(o, r);
            }
            o.raw('e');
          }
        }
      }
      if (r.nextInt(6) > 0) {
        o.raw('.');
      }
      return o.bytes();
    }

    /** A list or dict filled by batches (see appendsAndSetitemsBatchesScanTheSameEveryWay). */
    static byte[] batches(Random r) {
      Ops o = new Ops().proto(4);
      boolean dict = r.nextBoolean();
      o.raw(dict ? '}' : ']').raw(0x94);
      int memo = 1;
      Ops frame = new Ops();
      for (int batches = 1 + r.nextInt(10); batches > 0; batches--) {
        int pairs = switch (r.nextInt(8)) {
          case 0 -> 0;
          case 1 -> 1;
          case 2 -> 2 + r.nextInt(70);
          default -> 64 + r.nextInt(1500);
        };
        frame.raw('(');
        for (int i = 0; i < pairs; i++) {
          switch (r.nextInt(200)) {
            case 0 -> frame.raw('h', r.nextInt(Math.min(memo, 256))); // a memo read
            case 1 -> frame.raw('(').raw('K', 1).su("t").raw(0x94).raw('t'); // a nested MARK
            case 2 -> frame.raw(']'); // a mutable container
            case 3 -> {
              int n = r.nextInt(300);
              int32(frame.raw('X'), n).raw(payload(n, r));
            }
            case 4 -> frame.su("k").raw('q', r.nextInt(256)); // a BINPUT, maybe far ahead
            case 5, 6, 7, 8 -> {
              int n = r.nextInt(5);
              frame.raw(r.nextBoolean() ? 'U' : 'C', n).raw(payload(n, r)).raw(0x94);
              memo++;
            }
            default -> {
              frame.su(String.format("w%07d", r.nextInt(10_000_000)));
              if (r.nextInt(6) > 0) {
                frame.raw(0x94);
                memo++;
              }
            }
          }
          if (dict || r.nextBoolean()) {
            literal(frame, r);
          }
          if (frame.bytes().length > 3000 + r.nextInt(20_000)) {
            o.raw(0x95).raw(int64(frame.bytes().length)).raw(frame.bytes());
            frame = new Ops();
          }
        }
        if (dict && r.nextInt(30) == 0) {
          literal(frame, r); // an odd number of items: SETITEMS breaks
        }
        frame.raw(r.nextInt(40) == 0 ? (dict ? 'e' : 'u') : (dict ? 'u' : 'e'));
      }
      return o.raw(frame.raw('.').bytes()).bytes();
    }

    /**
     * A tuple of records as CPython writes them (MARK, literal items with memoised strings, TUPLE, MEMOIZE), the
     * shape the fast loop makes from one scan of its bytes; now and then with an item that is no literal (a memo
     * read, a nested MARK, a list) or too few items, which that scan must leave to the opcode-by-opcode path.
     *
     * @return how many MEMOIZE it wrote
     */
    static int record(Ops o, Random r) {
      int memos = 0;
      o.raw('(');
      for (int n = 2 + r.nextInt(6); n > 0; n--) {
        switch (r.nextInt(12)) {
          case 0 -> o.raw('h', 0);
          case 1 -> o.raw(r.nextBoolean() ? '(' : ']');
          case 2, 3, 4 -> {
            o.su(NAMES[r.nextInt(NAMES.length)]);
            if (r.nextInt(4) > 0) {
              o.raw(0x94);
              memos++;
            }
          }
          case 5 -> {
            int k = r.nextInt(6);
            o.raw(r.nextBoolean() ? 'U' : 'C', k).raw(payload(k, r));
            if (r.nextBoolean()) {
              o.raw(0x94);
              memos++;
            }
          }
          default -> literal(o, r);
        }
      }
      o.raw('t');
      if (r.nextInt(4) > 0) {
        o.raw(0x94);
        memos++;
      }
      return memos;
    }

    /** One literal push that a compact memo range may hold. */
    static void literal(Ops o, Random r) {
      switch (r.nextInt(8)) {
        case 0 -> o.raw('K', r.nextInt(256));
        case 1 -> o.raw('M', r.nextInt(256), r.nextInt(256));
        case 2 -> int32(o.raw('J'), r.nextBoolean() ? r.nextInt(4000) - 2000 : r.nextInt());
        case 3 -> o.raw('G').raw(new byte[8]);
        case 4 -> o.raw(')');
        case 5 -> o.raw(0x89);
        case 6 -> o.raw(0x88);
        default -> o.raw('N');
      }
    }

    private static byte[] payload(int n, Random r) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) "fkmnvwxyz".charAt(r.nextInt(9));
      }
      return b;
    }

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
