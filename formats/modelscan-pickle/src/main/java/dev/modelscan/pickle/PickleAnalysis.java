package dev.modelscan.pickle;

import dev.modelscan.api.Finding;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.Rule;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.ScanMode;
import dev.modelscan.api.ScanSettings;
import dev.modelscan.pickle.settings.PickleLimit;
import dev.modelscan.pickle.settings.PickleSettings;
import dev.modelscan.api.Severity;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.spi.MemberKind;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The analysis of the pickle streams in one piece of content: drives a {@link PickleMachine} over stacked pickles,
 * junk and known layouts (PyTorch legacy, joblib arrays, NumPy object arrays), judges imports with the {@link
 * GlobalsPolicy}, and turns what it sees into findings on the {@link ScanContext}. One instance per scan; not
 * thread-safe.
 */
final class PickleAnalysis implements PickleEvents {

  /**
   * Distinct imports one stream may make: each costs a record, so they take a share of the memo's byte budget, and
   * the limit message names the setting that changes it ({@link PickleSettings#MEMO_BYTES_PER_IMPORT}).
   */
  int maxImports() {
    return Math.max(1, maxMemo / PickleSettings.MEMO_BYTES_PER_IMPORT);
  }

  /** Distinct findings of one content; more are not reported and the result is partial. */
  static final int MAX_FINDINGS = 10_000;

  /** How often the deadline is checked, in opcodes (a power of two minus one, used as a mask). */
  static final long DEADLINE_MASK = 0xFFF;

  private static final Pattern DOTTED_IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  private static final Map<String, Integer> STORAGE_ELEMENT_SIZES = storageSizes();

  /**
   * Dunder attributes that hold data (dill and cloudpickle set them when rebuilding functions and classes); any other
   * dunder in BUILD state is a hook Python calls implicitly (__setstate__, __reduce__, __getattr__, ...).
   */
  private static final Set<String> PLAIN_DUNDERS =
      Set.of(
          "__annotations__",
          "__kwdefaults__",
          "__qualname__",
          "__doc__",
          "__module__",
          "__name__",
          "__defaults__",
          "__slots__",
          "__weakref__",
          "__dict__",
          "__version__");

  private final ScanContext ctx;
  private final ScanSettings settings;
  /** The pickle scanners' own settings: the machine's limits and the allow and deny lists. */
  private final PickleSettings pickle;
  private final ByteSource src;
  private final GlobalsPolicy policy;
  private final int maxStack;
  private final int maxMemo;
  private final int maxLine;
  private final int maxNesting;
  private long opcodeBudget;
  private final long opcodeLimit;
  private long opcodes;

  private final Set<String> reported = new HashSet<>();
  private boolean findingsCapped;
  private Map<String, Finding> trialBuffer;
  private final Map<String, Finding> trialMap = new LinkedHashMap<>();

  private boolean joblib;
  private boolean dill;
  private boolean cloudpickle;
  private boolean trailingReported;
  private boolean torchLegacy;
  private boolean stackedReported;
  private final Map<String, String> storageTypes = new HashMap<>();

  private final PickleMachine machine;

  /** Whether machines run the common opcodes through their fast path; off only for the tests that compare the two. */
  private final boolean fastPath;

  /**
   * Whether machines keep memo entries in their compact representation (codes in primitive arrays; see {@code
   * PickleMachine.memoPut}); off only for the tests that compare it with the full one (every value an object).
   */
  private final boolean compactValues;

  private PickleAnalysis(
      ScanContext ctx, ScanSettings settings, ByteSource src, int bufferSize, boolean fastPath) {
    this(ctx, settings, src, bufferSize, fastPath, true);
  }

  private PickleAnalysis(
      ScanContext ctx,
      ScanSettings settings,
      ByteSource src,
      int bufferSize,
      boolean fastPath,
      boolean compactValues) {
    this.ctx = ctx;
    this.fastPath = fastPath;
    this.compactValues = compactValues;
    this.settings = settings;
    this.pickle = PickleSettings.of(settings);
    this.src = src;
    this.policy = GlobalsPolicy.builtin();
    this.maxStack = pickle.maxPickleStackSize();
    this.maxMemo = pickle.maxPickleMemoSize();
    this.maxLine = settings.limits().maxStringBytes();
    this.maxNesting = settings.limits().maxNestingDepth();
    this.opcodeLimit = pickle.maxPickleOpcodes();
    this.opcodeBudget = opcodeLimit;

    this.machine = new PickleMachine(this, machineLimits(), src, bufferSize, 0);
  }

  /**
   * An analysis that reports to {@code ctx}.
   *
   * @param ctx the scan context; its source is analysed
   * @return the analysis
   */
  static PickleAnalysis forScan(ScanContext ctx) {
    return forScan(ctx, true);
  }

  /**
   * An analysis that reports to {@code ctx}, with or without the machines' fast path (see {@code
   * PickleMachine.fastRun}): without it every opcode takes the general loop, which is the reference the fast path
   * must agree with.
   *
   * @param ctx the scan context; its source is analysed
   * @param fastPath whether the fast path runs
   * @return the analysis
   */
  static PickleAnalysis forScan(ScanContext ctx, boolean fastPath) {
    return new PickleAnalysis(ctx, ctx.settings(), ctx.source(), 64 * 1024, fastPath);
  }

  /**
   * An analysis for the tests that compare the compact and the full representation of values.
   *
   * @param ctx the scan context; its source is analysed
   * @param fastPath whether the fast path runs
   * @param compactValues whether memo entries are kept as compact codes (the default) or all as objects
   * @return the analysis
   */
  static PickleAnalysis forScan(ScanContext ctx, boolean fastPath, boolean compactValues) {
    return new PickleAnalysis(ctx, ctx.settings(), ctx.source(), 64 * 1024, fastPath, compactValues);
  }

  /**
   * For tests: makes the top-level machine check every compact memo read against the value stored (see {@code
   * PickleMachine.shadow}), and returns its counts of compact stores and reads through {@code counts}.
   */
  void checkCompactValues() {
    machine.shadow = new HashMap<>();
  }

  /** Compact memo stores and reads of the top-level machine so far (for tests). */
  long[] compactCounts() {
    return new long[] {machine.compactStores, machine.compactReads};
  }

  /** Makes the top-level machine log the end state of every run into {@code sink} (for tests). */
  void logRuns(java.util.List<String> sink) {
    machine.runLog = sink;
  }

  /** Opcodes the top-level machine ran in whole APPENDS and SETITEMS batches of its fast path so far (for tests). */
  long batchOpcodes() {
    return machine.batchOpcodes;
  }

  /** Opcodes the top-level machine ran through its fast path so far (for tests). */
  long fastPathOpcodes() {
    return machine.fastOpcodes;
  }

  // ----------------------------------------------------------------------------------------------- recognition

  /**
   * Recognises pickle content by a bounded trial run over the head: protocols 0 and 1 have no magic bytes, so a
   * plausible opcode sequence is the only evidence. Never throws; reports nothing.
   *
   * @param head the first bytes of the content, read in place (never copied)
   * @param headLength how many of them are valid
   * @param complete whether the head is the whole content
   * @return the claim
   */
  static Recognition sniff(java.nio.ByteBuffer head, int headLength, boolean complete, long size) {
    if (headLength < 2 || !plausibleFirstOpcode(head.get(0) & 0xFF)) {
      return Recognition.none();
    }
    ByteSource src = new HeadSource(head, headLength, complete ? headLength : size);
    PickleAnalysis a = new PickleAnalysis(null, SNIFF_SETTINGS, src, 8192, true);
    boolean proto = (head.get(0) & 0xFF) == 0x80 && (head.get(1) & 0xFF) <= 5;
    int outcome;
    try {
      outcome = a.machine.run(0, src.size());
    } catch (RuntimeException e) {
      return Recognition.none(); // a limit in the head: not evidence either way
    }
    long n = a.opcodes;
    PickleMachine m = a.machine;
    if (outcome == PickleMachine.STOPPED) {
      if (proto) {
        return Recognition.of("pickle", Recognition.CERTAIN);
      }
      return Recognition.of("pickle", n >= 3 ? Recognition.STRONG : Recognition.PROBABLE);
    }
    if (m.truncated() && !m.pastEnd()) {
      // The head parsed without an error up to its end, with every declared length inside the file.
      if (proto) {
        return Recognition.of("pickle", n >= 8 ? Recognition.STRONG : Recognition.PROBABLE);
      }
      // Without PROTO, a few opcodes are weak evidence, so short prefixes need 16 of them; but a prefix that is cut
      // by the window inside a line that CPython would still accept (a protocol-0 pickle whose first
      // string or GLOBAL line is longer than the head) is a valid pickle prefix up to the window's end. Declining
      // it would let the text scanner claim a pickle that runs code (issue 16 item 2): recognition never depends on
      // where the window ends.
      return n >= 16 || m.openLinePlausible() ? Recognition.of("pickle", Recognition.PROBABLE) : Recognition.none();
    }
    if (m.truncated() && proto && n >= 8) {
      return Recognition.of("pickle", Recognition.PROBABLE); // a truncated pickle
    }
    if (a.sawImport && (proto || n >= 3)) {
      return Recognition.of("pickle", Recognition.PROBABLE); // a payload, then a break
    }
    return Recognition.none();
  }

  /** Recognition reads the head only: lines and limits stay within it. */
  private static final ScanSettings SNIFF_SETTINGS =
      ScanSettings.builder()
          .limits(
              dev.modelscan.api.ScanLimits.builder()
                  .maxStringBytes(dev.modelscan.api.spi.ContentHead.HEAD_SIZE)
                  .build())
          .extension(
              PickleSettings.class,
              PickleSettings.builder().maxPickleOpcodes(dev.modelscan.api.spi.ContentHead.HEAD_SIZE + 16L).build())
          .build();

  /** The head of a content as a source that reports the content's full size but can read only the head. */
  private static final class HeadSource implements ByteSource {
    private final java.nio.ByteBuffer head;
    private final int length;
    private final long size;

    HeadSource(java.nio.ByteBuffer head, int length, long size) {
      this.head = head;
      this.length = length;
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int len) {
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - position);
      head.get((int) position, buffer, offset, n);
      return n;
    }

    @Override
    public ByteSource slice(long offset, long len) {
      throw new UnsupportedOperationException("recognition reads the head only");
    }
  }

  private boolean sawImport;

  private static boolean plausibleFirstOpcode(int b) {
    switch (b) {
      case 0x80: // PROTO
      case 0x95: // FRAME
      case '(':
      case ')':
      case ']':
      case '}':
      case 'I':
      case 'J':
      case 'K':
      case 'L':
      case 'M':
      case 'N':
      case 'S':
      case 'T':
      case 'U':
      case 'V':
      case 'X':
      case 'c':
      case 'F':
      case 'G':
      case 'B':
      case 'C':
      case 0x82:
      case 0x83:
      case 0x84:
      case 0x88:
      case 0x89:
      case 0x8a:
      case 0x8b:
      case 0x8c:
      case 0x8d:
      case 0x8e:
      case 0x8f:
        return true;
      default:
        return false;
    }
  }

  // ------------------------------------------------------------------------------------------------ the drivers

  /**
   * Scans every pickle stream in {@code [start, end)}: the first one, stacked ones after it, and pickles hidden behind
   * junk. Limits are recorded on the context, never thrown.
   *
   * @param start where the first stream starts
   * @param end where the content ends
   * @param torchLegacyAllowed whether a first pickle holding the PyTorch legacy magic number starts that layout
   */
  void scanStreams(long start, long end, boolean torchLegacyAllowed) {
    try {
      long pos = start;
      int o = machine.run(pos, end);
      long firstEnd = machine.position();
      otherReadings(pos, end);
      machine.seek(firstEnd);
      if (o == PickleMachine.STOPPED && torchLegacyAllowed && machine.result() == PickleMachine.TORCH_MAGIC) {
        torchLegacy = true;
        scanTorchLegacy(machine.position(), end);
      } else if (o == PickleMachine.STOPPED) {
        long first = machine.position();
        Sym count = machine.result();
        if (torchLegacyAllowed && first < end && count.kind == Sym.INT && count.exact && count.intValue >= 0
            && scanTorchTarMember(first, end, count.intValue)) {
          return;
        }
        after(first, end, true);
      } else {
        streamBroke(machine.errorOffset(), machine.error(), machine.truncated());
        after(Math.max(machine.errorOffset(), pos + 1), end, false);
      }
    } catch (ScanLimitExceededException e) {
      ctx.limitReached(e, -1);
    }
  }

  /**
   * Scans what follows a stream: stacked pickles (reported low), or junk (reported once) in which every byte is tried
   * as the start of a pickle, because loaders that skip junk would find what an attacker hid behind it. Findings of a
   * trial that does not reach STOP are kept only when HIGH or worse.
   */
  private void after(long pos, long end, boolean previousStopped) {
    // Every byte of junk starts a trial: lines read again and again count against the opcode budget (see
    // PickleMachine.line).
    machine.chargeLines = true;
    boolean inJunk = !previousStopped;
    while (pos < end) {
      trialBuffer = trialMap;
      int o;
      try {
        o = machine.run(pos, end);
      } finally {
        // keep what a broken trial found if it is serious; everything if the trial reached STOP
        commitTrial(machine.error() == null);
      }
      if (o == PickleMachine.STOPPED) {
        long stopped = machine.position();
        otherReadings(pos, end);
        machine.seek(stopped);
        if (!inJunk && previousStopped && !stackedReported) {
          stackedReported = true;
          emit(
              finding(PickleRules.STACKED_PICKLES)
                  .offset(pos)
                  .message(
                      "Another pickle starts at offset " + pos + " after the previous one's STOP. Loaders that read"
                          + " several pickles from one stream run it too; it was scanned.")
                  .build());
        }
        pos = machine.position();
        inJunk = false;
        previousStopped = true;
        continue;
      }
      if (!inJunk) {
        inJunk = true;
        if (previousStopped) {
          reportTrailing(pos, end);
        }
      }
      pos = machine.skipNonOpcodes(pos + 1, end);
    }
  }

  /** Readings of one stream analysed at most, counting the main one: each is a full run of the stream. */
  static final int MAX_READINGS = 16;

  private final Map<String, Finding> readingMap = new LinkedHashMap<>();

  /**
   * Runs the other readings real loaders can take of the stream the main machine just ran from {@code start}: for
   * every read across a frame's end, the C unpickler's exact-frame reading that drops the rest of the frame
   * (PickleMachine.discardMask, each combination of those decisions in turn), and, when the stream builds a joblib
   * array wrapper, the pickle.load reading that reads no array bytes. Findings of the pickle.load reading that does
   * not reach STOP are kept only when HIGH or worse, as for the junk search. At most MAX_READINGS runs; more leaves
   * the result partial.
   */
  private void otherReadings(long start, long end) {
    if (machine.straddles() == 0 && !machine.sawWrapper()) {
      return;
    }
    java.util.ArrayDeque<long[]> queue = new java.util.ArrayDeque<>(); // {discard mask, joblib arrays, next bit}
    children(queue, 0, 1, 0, machine.straddles());
    if (machine.sawWrapper()) {
      queue.add(new long[] {0, 0, 0});
    }
    int runs = 1;
    while (!queue.isEmpty()) {
      if (runs >= MAX_READINGS) {
        readingsNotExplored("the pickle at offset " + start + " has more than " + MAX_READINGS + " readings (frames"
            + " that end inside opcodes, joblib arrays); not all were analysed");
        return;
      }
      long[] r = queue.poll();
      runs++;
      PickleMachine alt = new PickleMachine(this, machineLimits(), src, 64 * 1024, 0);
      alt.discardMask = r[0];
      alt.joblibArrays = r[1] == 1;
      alt.chargeLines = machine.chargeLines;
      trialBuffer = readingMap;
      try {
        alt.run(start, end);
      } finally {
        // A frame reading is what a loader runs: all it found stands, up to where it broke. The pickle.load reading
        // of a joblib file breaks on its first array as a rule, and may read array bytes as opcodes before that:
        // only what is serious is kept from it unless it reaches STOP.
        commitTrial(alt.error() == null || r[1] == 1);
      }
      children(queue, r[0], r[1], (int) r[2], alt.straddles());
    }
  }

  /** Queues the readings that take the dropping reading at one more frame decision, from bit {@code from} on. */
  private static void children(java.util.ArrayDeque<long[]> queue, long mask, long joblib, int from, int straddles) {
    for (int k = from; k < Math.min(straddles, 63); k++) {
      queue.add(new long[] {mask | 1L << k, joblib, k + 1});
    }
  }

  private void reportTrailing(long pos, long end) {
    if (trailingReported) {
      return;
    }
    trailingReported = true;
    emit(
        finding(PickleRules.TRAILING_DATA)
            .offset(pos)
            .message(
                (end - pos) + " bytes after the end of the pickle at offset " + pos + " are not a pickle stream"
                    + " (they start with " + hexHead(pos, end) + "). pickle.load ignores them; every byte of them was"
                    + " tried as the start of a hidden pickle.")
            .build());
  }

  private byte[] readBytes(long pos, int n) {
    try {
      return src.readBytes(pos, n);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String hexHead(long pos, long end) {
    int n = (int) Math.min(8, end - pos);
    try {
      byte[] b = src.readBytes(pos, n);
      StringBuilder sb = new StringBuilder();
      for (byte x : b) {
        sb.append(String.format("%02x", x & 0xFF));
      }
      return sb.toString();
    } catch (IOException e) {
      return "?";
    }
  }

  private void streamBroke(long at, String why, boolean truncated) {
    String msg =
        "The pickle stream breaks at offset "
            + at
            + ": "
            + why
            + ". A loader raises there, but everything before the break has already run; the findings before it"
            + " stand and the rest of the content was searched for further pickles.";
    emit(finding(PickleRules.MALFORMED).offset(at).message(msg).build());
    ctx.markPartial("pickle stream broken at offset " + at + ": " + why + (truncated ? " (truncated)" : ""));
  }

  /**
   * Scans a PyTorch legacy file ({@code _use_new_zipfile_serialization=False}): five pickles (magic number, protocol
   * version, sys_info, the object, the storage keys), then for every key a u64 element count and the raw storage
   * bytes, which are handed to the context as opaque data (dispatched by content, never read as opcodes here).
   *
   * @param firstEnd where the magic-number pickle ended
   * @param end the end of the content
   */
  private void scanTorchLegacy(long firstEnd, long end) {
    {
      long pos = firstEnd;
      Sym keys = null;
      for (int i = 1; i <= 4; i++) {
        int o = machine.run(pos, end);
        if (o != PickleMachine.STOPPED) {
          streamBroke(machine.errorOffset(), "PyTorch legacy pickle #" + i + ": " + machine.error(), false);
          after(Math.max(machine.errorOffset(), pos + 1), end, false);
          return;
        }
        pos = machine.position();
        if (i == 4) {
          keys = machine.result();
        }
      }
      List<String> order = storageOrder(keys);
      for (String key : order) {
        ctx.checkDeadline();
        String type = storageTypes.get(key);
        Integer size = type == null ? null : STORAGE_ELEMENT_SIZES.get(type.substring(type.lastIndexOf('.') + 1));
        if (size == null) {
          ctx.markPartial(
              "PyTorch legacy storage '" + key + "' has no known element type; the raw data after offset " + pos
                  + " was scanned as unknown content");
          after(pos, end, false);
          return;
        }
        if (end - pos < 8) {
          streamBroke(pos, "PyTorch legacy storage '" + key + "' is missing its size", true);
          return;
        }
        byte[] b = readBytes(pos, 8);
        long numel = 0;
        for (int i = 7; i >= 0; i--) {
          numel = (numel << 8) | (b[i] & 0xFF);
        }
        long nbytes;
        try {
          nbytes = numel < 0 ? -1 : Math.multiplyExact(numel, (long) size);
        } catch (ArithmeticException e) {
          nbytes = -1;
        }
        if (nbytes < 0 || nbytes > end - pos - 8) {
          streamBroke(
              pos,
              "PyTorch legacy storage '" + key + "' declares " + Long.toUnsignedString(numel)
                  + " elements, more than the file holds",
              true);
          return;
        }
        ctx.scanMember("storage/" + key, src.slice(pos + 8, nbytes), MemberKind.OPAQUE_DATA);
        pos += 8 + nbytes;
      }
      if (pos < end) {
        reportTrailing(pos, end);
        after(pos, end, false);
      }
    }
  }

  /**
   * The {@code storages} and {@code tensors} members of PyTorch's legacy tar format: a pickled count, then per entry a
   * pickled tuple followed by raw bytes ({@code storages}: u64 element count and the elements; {@code tensors}: i32
   * ndim, 4 padding bytes, ndim sizes, ndim strides and the storage offset as i64), then for storages a pickled list of
   * views. Returns false, having reported nothing beyond the pickles' own findings, when the content does not follow
   * the layout; the caller then scans it as stacked pickles and junk.
   */
  private boolean scanTorchTarMember(long first, long end, long count) {
    long pos = first;
    Boolean storages = null;
    List<long[]> raw = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      ctx.checkDeadline();
      if (pos >= end || machine.run(pos, end) != PickleMachine.STOPPED) {
        return false;
      }
      pos = machine.position();
      Sym t = machine.result();
      if (t.kind != Sym.TUPLE || t.count != 3 || t.item(2) == null || t.item(2).kind != Sym.GLOBAL) {
        return false;
      }
      String type = t.item(2).ref.verdict.resolved();
      boolean isStorage = type.endsWith("Storage");
      if (!isStorage && !type.endsWith("Tensor")) {
        return false;
      }
      if (storages == null) {
        storages = isStorage;
      } else if (storages != isStorage) {
        return false;
      }
      long size;
      if (isStorage) {
        Integer element = STORAGE_ELEMENT_SIZES.get(type.substring(type.lastIndexOf('.') + 1));
        if (element == null || end - pos < 8) {
          return false;
        }
        long numel = le(readBytes(pos, 8), 8);
        if (numel < 0 || numel > (end - pos - 8) / element) {
          return false;
        }
        size = 8 + numel * element;
      } else {
        if (end - pos < 8) {
          return false;
        }
        long ndim = le(readBytes(pos, 4), 4);
        if (ndim < 0 || ndim > 64) {
          return false;
        }
        size = 8 + 16 * ndim + 8;
      }
      if (size > end - pos) {
        return false;
      }
      raw.add(new long[] {pos, size});
      pos += size;
    }
    if (Boolean.TRUE.equals(storages)) {
      if (pos >= end || machine.run(pos, end) != PickleMachine.STOPPED) {
        return false; // the pickled list of storage views
      }
      pos = machine.position();
    }
    if (pos != end) {
      return false;
    }
    for (long[] r : raw) {
      ctx.scanMember("raw@" + r[0], src.slice(r[0], r[1]), MemberKind.OPAQUE_DATA);
    }
    torchLegacy = true;
    return true;
  }

  private static long le(byte[] b, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return n == 4 ? (int) v : v;
  }

  /** The storage keys in the order the file stores them: the list of pickle #4, or sorted as torch writes them. */
  private List<String> storageOrder(Sym keys) {
    List<String> out = new ArrayList<>();
    if (keys != null && keys.kind == Sym.LIST && keys.items != null && keys.count <= keys.items.length) {
      for (int i = 0; i < keys.count; i++) {
        String k = keys.items[i] == null || keys.items[i].kind != Sym.STR ? null : machine.text(keys.items[i]);
        if (k == null) {
          out.clear();
          break;
        }
        out.add(k);
      }
      if (!out.isEmpty() || keys.count == 0) {
        return out;
      }
    }
    out.addAll(new TreeSet<>(storageTypes.keySet()));
    return out;
  }

  /** The format the content turned out to be, from its layout and imports, or null when plain pickle. */
  String refinedFormat() {
    if (torchLegacy) {
      return "pytorch-legacy";
    }
    if (joblib) {
      return "joblib";
    }
    if (cloudpickle) {
      return "cloudpickle";
    }
    if (dill) {
      return "dill";
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------- hooks of the machine

  /** The limits and modes of this analysis's machines. */
  private MachineLimits machineLimits() {
    return new MachineLimits(maxStack, maxMemo, maxLine, maxNesting, maxImports(), compactValues, fastPath);
  }

  /** Hands the remaining opcode budget to a machine that is about to run. */
  @Override
  public long takeBudget() {
    handedOut = opcodeBudget;
    opcodeBudget = 0;
    return handedOut;
  }

  /** Takes back what a machine did not use; the difference is the number of opcodes it ran. */
  @Override
  public void returnBudget(long left) {
    long rest = Math.max(left, 0);
    opcodes += handedOut - rest;
    opcodeBudget = rest;
    handedOut = 0;
  }

  /**
   * Called by a machine every {@code DEADLINE_MASK + 1} opcodes and when its budget runs out: checks the deadline and
   * the opcode limit.
   */
  @Override
  public void countOpcodes(PickleMachine m, long at) {
    if (m.budget < 0) {
      throw pickle.exceeded(PickleLimit.OPCODES, -1, "pickle opcodes at offset " + at);
    }
    if (ctx != null) {
      ctx.checkDeadline();
    }
  }

  private long handedOut;

  @Override
  public boolean plausibleName(String module, String name) {
    // In recognition, text that merely starts with 'c' must not pass for a GLOBAL.
    return ctx != null
        || DOTTED_IDENTIFIER.matcher(module).matches() && DOTTED_IDENTIFIER.matcher(name).matches();
  }

  @Override
  public GlobalsPolicy.Verdict classify(String module, String name, int proto) {
    sawImport = true;
    if (ctx == null) {
      return new GlobalsPolicy.Verdict(GlobalsPolicy.Level.UNKNOWN, null, module + "." + name, "");
    }
    return policy.classify(module, name, proto, pickle);
  }

  @Override
  public void imported(ImportRecord r) {
    // getattr imports are a subset of the imports, which PickleMachine bounds by the same share of the memo limit.
    if (isGetattr(r) && getattrs.size() < maxImports()) {
      getattrs.add(r);
    }
    String m = r.verdict.resolved();
    if (m.startsWith("dill.")) {
      dill = true;
    } else if (m.startsWith("cloudpickle.")) {
      cloudpickle = true;
    }
  }

  /** The names under which joblib's NumpyUnpickler.load_build finds its NumpyArrayWrapper class (isinstance). */
  private static final Set<String> JOBLIB_WRAPPERS =
      Set.of("joblib.numpy_pickle.NumpyArrayWrapper", "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper");

  @Override
  public boolean isJoblibWrapper(ImportRecord r) {
    return JOBLIB_WRAPPERS.contains(r.verdict.resolved());
  }

  /** A joblib array wrapper that joblib would not read exactly as it is modelled: reported, and read as opcodes. */
  @Override
  public void joblibDifferential(long at, String why) {
    if (ctx == null) {
      return;
    }
    emit(
        finding(PickleRules.LOADER_DIFFERENTIAL)
            .offset(at)
            .message(
                "A joblib NumpyArrayWrapper is built at offset " + at + " but " + why + ". joblib.load would read"
                    + " the bytes after it in a way this scan cannot follow, while pickle.load reads them as"
                    + " opcodes; they were analysed as opcodes.")
            .build());
    ctx.markPartial("joblib array at offset " + at + " is not read the way joblib reads it: " + why);
  }

  /** A FRAME whose end falls inside an opcode: loaders read different opcodes after it. */
  @Override
  public void frameDifferential(long at, String why) {
    if (ctx == null) {
      return;
    }
    emit(
        finding(PickleRules.LOADER_DIFFERENTIAL)
            .offset(at)
            .message(
                "Pickle frames are misaligned: " + why + ". Picklers end frames between opcodes only; here"
                    + " pickle.load of a file, torch.load and pickle.loads read different opcodes. Each reading was"
                    + " analysed.")
            .build());
  }

  /** Some readings of a stream were not analysed: the result is not complete. */
  @Override
  public void readingsNotExplored(String why) {
    if (ctx != null) {
      ctx.markPartial(why);
    }
  }

  @Override
  public void sawJoblib() {
    joblib = true;
  }

  @Override
  public void opaqueData(String name, long offset, long length) {
    if (ctx != null) {
      ctx.scanMember(name, src.slice(offset, length), MemberKind.OPAQUE_DATA);
    }
  }

  @Override
  public void frameAnomaly(long at, String why) {
    if (ctx == null) {
      return;
    }
    emit(
        finding(PickleRules.MALFORMED)
            .offset(at)
            .message(why + ". CPython's loaders disagree on such frames; the opcodes were analysed as if unframed.")
            .build());
  }

  @Override
  public void dynamicImport(long at, String why) {
    if (ctx == null) {
      return;
    }
    emit(
        finding(PickleRules.DYNAMIC_IMPORT)
            .offset(at)
            .module("?")
            .operator("?")
            .message(
                "STACK_GLOBAL at offset " + at + " imports a name that is only known while loading: " + why
                    + ". This hides what is imported from scanners; genuine pickles always use string literals.")
            .build());
  }

  @Override
  public void extCode(long code, long at) {
    if (ctx == null) {
      return; // random bytes hit EXT opcodes often; they are no evidence of a pickle
    }
    emit(
        finding(PickleRules.EXT_CODE)
            .offset(at)
            .operator("EXT " + code)
            .message(
                "An extension-code opcode at offset " + at + " imports whatever the loading process registered as"
                    + " code " + code + " with copyreg.add_extension; nothing is registered by default, so the file"
                    + " relies on the environment to choose what is called.")
            .build(),
        "ext:" + code);
  }

  /** A call of an imported global: a nested deserializer given a literal payload gets that payload scanned too. */
  @Override
  public void called(PickleMachine m, ImportRecord callee, Sym args, long at) {
    if (ctx == null || callee.verdict.category() != GlobalsPolicy.Category.NESTED) {
      return;
    }
    Sym payload = args == null ? null : args.item(0);
    if (payload != null && payload.kind == Sym.CALL && payload.ref != null
        && payload.ref.verdict.resolved().endsWith("BytesIO") && payload.args != null) {
      payload = payload.args.item(0); // torch.load(io.BytesIO(b'...'))
    }
    if (payload != null && (payload.kind == Sym.BYTES || payload.kind == Sym.STR) && payload.offset >= 0) {
      ctx.scanMember(
          callee.verdict.resolved() + "@" + payload.offset,
          src.slice(payload.offset, payload.length),
          MemberKind.CONTENT);
    }
  }

  /** Python identifiers as getattr member names of the Enum pattern (ASCII; anything else is not that pattern). */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /**
   * Reconstructors that take the class to rebuild as an argument, by position: copyreg's {@code __newobj__(cls,
   * *args)} and {@code __newobj_ex__(cls, args, kwargs)} call {@code cls.__new__}; {@code _reconstructor(cls, base,
   * state)} calls {@code base.__new__(cls, state)} and {@code base.__init__} (CPython {@code Lib/copyreg.py}); torch's
   * {@code _rebuild_from_type_v2(func, new_type, args, state)} turns the tensor into {@code new_type} and {@code
   * _rebuild_wrapper_subclass(cls, ...)} makes a {@code cls} instance ({@code torch/_tensor.py}, {@code
   * torch/_utils.py}).
   */
  private static final Map<String, int[]> CLASS_ARGUMENTS =
      Map.of(
          "copyreg.__newobj__", new int[] {0},
          "copyreg.__newobj_ex__", new int[] {0},
          "copyreg._reconstructor", new int[] {0, 1},
          "torch._tensor._rebuild_from_type_v2", new int[] {1},
          "torch._utils._rebuild_wrapper_subclass", new int[] {0});

  /**
   * Every call, before its callee is recorded: classes handed to a reconstructor are rebuilt, not called; the
   * getattr calls of the Enum-member pattern are checked; and a getattr (or what it returned) handed on to another
   * call counts against that pattern, because the receiving callable may call it ({@code _rebuild_from_type_v2} calls
   * its first argument).
   */
  @Override
  public void arguments(PickleMachine m, Sym callee, Sym args, String opcode, long at) {
    if (ctx == null || args == null) {
      return;
    }
    String target = callee.kind == Sym.GLOBAL ? callee.ref.verdict.resolved() : "what a call returned";
    if (mayCallArguments(callee, opcode) && !getattrs.isEmpty()) {
      passedBudget = PASSED_ON_BUDGET;
      if (!passedOn(args, target, opcode, at, 0)) {
        // too large or too deep to follow: any getattr result may be in it
        for (ImportRecord g : getattrs) {
          g.noteOtherUse("a value too large to follow is passed to " + target + " (" + opcode + " at offset " + at
              + "), which may call what getattr returned");
        }
      }
    }
    if (callee.kind != Sym.GLOBAL) {
      return;
    }
    ImportRecord r = callee.ref;
    if (isGetattr(r)) {
      lookup(m, r, args, opcode, at);
      return;
    }
    int[] classes = r.verdict.level() == GlobalsPolicy.Level.SAFE ? CLASS_ARGUMENTS.get(r.verdict.resolved()) : null;
    if (classes != null) {
      for (int i : classes) {
        Sym c = args.item(i);
        if (c != null && c.kind == Sym.GLOBAL) {
          c.ref.classArgument(opcode + " of " + r.verdict.resolved(), at);
        }
      }
    }
  }

  /**
   * Known-safe callables that call (or instantiate from) an argument: torch's {@code _rebuild_from_type_v2} calls
   * {@code func(*args)}, NumPy's random-state constructors call the bit-generator constructor they are given (NumPy
   * 2 {@code numpy/random/_pickle.py}), copyreg's reconstructors call {@code __new__}/{@code __init__} of the classes
   * they are given, and scikit-learn's passthrough scorer calls {@code estimator.score}.
   */
  private static final Set<String> CALLS_ARGUMENTS =
      Set.of(
          "torch._tensor._rebuild_from_type_v2",
          "torch._utils._rebuild_wrapper_subclass",
          "numpy.random._pickle.__randomstate_ctor",
          "numpy.random._pickle.__generator_ctor",
          "numpy.random._pickle.__bit_generator_ctor",
          "copyreg._reconstructor",
          "copyreg.__newobj__",
          "copyreg.__newobj_ex__",
          "sklearn.metrics._scorer._passthrough_scorer");

  /**
   * Whether a call may call what it is given: a computed callable or one that is not known safe, called with REDUCE,
   * INST or OBJ, or a known-safe callable of {@link #CALLS_ARGUMENTS}. Known-safe classes and rebuild functions only
   * store their arguments, and NEWOBJ hands them to {@code cls.__new__}.
   */
  private static boolean mayCallArguments(Sym callee, String opcode) {
    if (callee.kind == Sym.GLOBAL && CALLS_ARGUMENTS.contains(callee.ref.verdict.resolved())) {
      return true;
    }
    if (opcode.startsWith("NEWOBJ")) {
      return false;
    }
    return callee.kind != Sym.GLOBAL || callee.ref.verdict.level() != GlobalsPolicy.Level.SAFE;
  }

  private static boolean isGetattr(ImportRecord r) {
    return r != null && r.verdict.resolved().equals("builtins.getattr")
        || r != null && GlobalsPolicy.canonical(r.module).equals("builtins") && r.name.equals("getattr");
  }

  /** Values {@link #passedOn} looks at per call, so that shared (memoized) arguments cost a bounded time. */
  static final int PASSED_ON_BUDGET = 256;

  /** How deep {@link #passedOn} follows containers, call arguments and BUILD states. */
  static final int PASSED_ON_DEPTH = 4;

  private int passedBudget;

  /** The builtins.getattr imports of the running stream (what {@link #passedOn} looks for). */
  private final List<ImportRecord> getattrs = new ArrayList<>();

  /**
   * Marks getattr imports and results found in a value handed to a call: in tuples, lists and dicts, and in the
   * arguments and BUILD state of objects built by earlier calls (they may keep what they were given).
   *
   * @return false when the value could not be followed completely (too many items, too deep, budget spent)
   */
  private boolean passedOn(Sym v, String callee, String opcode, long at, int depth) {
    if (v == null) {
      return true;
    }
    if (--passedBudget < 0) {
      return false;
    }
    if ((v.kind == Sym.GLOBAL || v.kind == Sym.CALL) && isGetattr(v.ref)) {
      v.ref.noteOtherUse(
          (v.kind == Sym.GLOBAL ? "getattr itself" : "what getattr returned") + " is passed to " + callee + " ("
              + opcode + " at offset " + at + "), which may call it");
      return true;
    }
    boolean container = v.kind == Sym.TUPLE || v.kind == Sym.LIST || v.kind == Sym.DICT;
    if (!container && v.kind != Sym.CALL) {
      return v.kind != Sym.OTHER && v.kind != Sym.SET && v.kind != Sym.FROZENSET;
    }
    if (depth >= PASSED_ON_DEPTH) {
      return false;
    }
    if (v.kind == Sym.CALL) {
      return passedOn(v.args, callee, opcode, at, depth + 1) && passedOn(v.state, callee, opcode, at, depth + 1);
    }
    int n = v.kind == Sym.DICT ? 2 * v.count : v.count;
    if (n > 0 && (v.items == null || v.items.length < n)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!passedOn(v.items[i], callee, opcode, at, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A call of builtins.getattr. Python 3.11+ pickles an Enum member as {@code getattr(EnumClass, 'NAME')} ({@code
   * Lib/enum.py} {@code Enum.__reduce_ex__}); that shape on a known-safe class with a constant, non-dunder identifier
   * is only a member lookup. Anything else (a computed object or name, a dunder) is reflection.
   */
  private void lookup(PickleMachine m, ImportRecord getattr, Sym args, String opcode, long at) {
    Sym obj = args.item(0);
    Sym name = args.item(1);
    if (args.kind != Sym.TUPLE || args.count != 2 || obj == null || name == null) {
      getattr.noteOtherUse("getattr is called with other than two arguments (" + opcode + " at offset " + at + ")");
      return;
    }
    if (obj.kind != Sym.GLOBAL) {
      getattr.noteOtherUse("getattr looks into " + describe(obj) + " (" + opcode + " at offset " + at + ")");
      return;
    }
    String n = name.kind == Sym.STR && name.length <= 128 ? m.text(name) : null;
    if (n == null || !IDENTIFIER.matcher(n).matches()) {
      getattr.noteOtherUse(
          "the attribute name given to getattr is not a constant identifier (" + opcode + " at offset " + at + ")");
      return;
    }
    if (n.length() > 4 && n.startsWith("__") && n.endsWith("__")) {
      getattr.noteOtherUse("getattr reaches the dunder attribute " + n + " (" + opcode + " at offset " + at + ")");
      return;
    }
    getattr.attributeLookups++;
    GlobalsPolicy.Verdict of = obj.ref.verdict;
    GlobalsPolicy.Verdict reached = policy.classify(obj.ref.module, obj.ref.name + "." + n, 4, pickle);
    if (reached.level() == GlobalsPolicy.Level.DANGEROUS || reached.level() == GlobalsPolicy.Level.DENIED) {
      GlobalsPolicy.Verdict worst = getattr.lookupTarget;
      if (worst == null || reached.category() != null && reached.category().critical()) {
        getattr.lookupTarget = reached;
      }
    } else if (of.level() != GlobalsPolicy.Level.SAFE && getattr.unknownLookup == null) {
      getattr.unknownLookup = of.resolved() + "." + n;
    }
  }

  private static String describe(Sym s) {
    switch (s.kind) {
      case Sym.CALL:
        return s.ref != null ? "what " + s.ref.verdict.resolved() + "(...) returned" : "a computed object";
      case Sym.STR:
        return "a string";
      default:
        return "a value built by the stream";
    }
  }

  /** BUILD: attribute injection into imported objects and planted dunder attributes are gadgets. */
  @Override
  public void built(PickleMachine m, Sym target, Sym state, long at) {
    if (ctx == null) {
      return;
    }
    if (target.kind == Sym.GLOBAL) {
      emit(
          finding(PickleRules.BUILD_GADGET)
              .offset(at)
              .module(target.ref.module)
              .operator(target.ref.name)
              .message(
                  "BUILD at offset " + at + " sets attributes directly on the imported object "
                      + target.ref.verdict.resolved() + " (a module, class or function), changing what later"
                      + " imports of it return.")
              .build(),
          "build-global:" + target.ref.verdict.resolved());
    }
    String dunder = dunderKey(m, state);
    if (dunder == null && state.kind == Sym.TUPLE) {
      Sym slots = state.item(1);
      dunder = slots == null ? null : dunderKey(m, slots);
    }
    if (dunder != null) {
      emit(
          finding(PickleRules.BUILD_GADGET)
              .offset(at)
              .operator(dunder)
              .message(
                  "BUILD at offset " + at + " sets the attribute " + dunder + " on an object. Planting "
                      + "__setstate__ or similar hooks makes a later BUILD or call run a function of the file's"
                      + " choosing without a REDUCE.")
              .build(),
          "build-dunder:" + dunder);
    }
  }

  private static String dunderKey(PickleMachine m, Sym dict) {
    if (dict.kind != Sym.DICT || dict.items == null) {
      return null;
    }
    int pairs = Math.min(dict.count, dict.items.length / 2);
    for (int i = 0; i < pairs; i++) {
      Sym k = dict.items[2 * i];
      if (k != null && k.kind == Sym.STR && k.length <= 64) {
        String t = m.text(k);
        if (t != null && t.length() > 4 && t.startsWith("__") && t.endsWith("__") && !PLAIN_DUNDERS.contains(t)) {
          return t;
        }
      }
    }
    return null;
  }

  /** BINPERSID: PyTorch storage ids name the storage type of each key (the legacy format needs the element size). */
  @Override
  public void persistentId(PickleMachine m, Sym pid) {
    if (pid.kind != Sym.TUPLE || pid.count < 3) {
      return;
    }
    Sym tag = pid.item(0);
    Sym type = pid.item(1);
    Sym key = pid.item(2);
    if (tag == null || tag.kind != Sym.STR || !"storage".equals(m.text(tag))) {
      return;
    }
    if (type != null && type.kind == Sym.GLOBAL && key != null && key.kind == Sym.STR) {
      String k = m.text(key);
      if (k != null && storageTypes.size() < 1_000_000) {
        storageTypes.put(k, type.ref.verdict.resolved());
      }
    }
  }

  /**
   * PERSID: protocol-0 legacy checkpoints write the storage id as the text of the tuple, such as {@code ('storage',
   * <class 'torch.FloatStorage'>, '9998', 'cpu', 4, None)}.
   */
  @Override
  public void textPersistentId(String pid) {
    java.util.regex.Matcher m = TEXT_STORAGE_PID.matcher(pid);
    if (m.lookingAt() && storageTypes.size() < 1_000_000) {
      storageTypes.put(m.group(2), m.group(1));
    }
  }

  private static final Pattern TEXT_STORAGE_PID =
      Pattern.compile("\\('storage', <class '([A-Za-z0-9_.]+)'>, '([^']{1,64})'");

  /** Turns the imports of a finished (or broken) stream into findings. */
  @Override
  public void streamEnded(List<ImportRecord> records) {
    if (!getattrs.isEmpty()) {
      // values of a finished stream never reach another one (a nested machine ends inside the outer stream)
      getattrs.removeIf(g -> records.contains(g));
    }
    if (ctx == null) {
      return;
    }
    for (ImportRecord r : records) {
      Finding f = importFinding(r);
      if (f != null) {
        emit(f);
      }
    }
  }

  private Finding importFinding(ImportRecord r) {
    GlobalsPolicy.Verdict v = r.verdict;
    if (v.level() == GlobalsPolicy.Level.DANGEROUS && isGetattr(r) && r.attributeLookups > 0 && r.otherUse == null) {
      return getattrFinding(r);
    }
    String written = r.module + "." + r.name;
    String as = written.equals(v.resolved()) ? v.resolved() : v.resolved() + " (written as " + written + ")";
    String use =
        r.callOpcode == null
            ? "; the stream does not call it directly, but it is on the stack for later opcodes"
            : "; the stream calls it (" + r.callOpcode + " at offset " + r.callOffset + ")";
    Rule rule;
    Severity severity = null;
    String message;
    switch (v.level()) {
      case SAFE:
        return null;
      case DENIED:
        rule = PickleRules.DENIED_GLOBAL;
        message =
            "Loading this pickle imports " + as + ", which this scan's settings deny (" + v.matched() + ")" + use
                + ".";
        break;
      case UNKNOWN:
        if (!pickle.reportsUnknownGlobals(settings.mode())) {
          return null;
        }
        if (r.constructed && !r.invoked) {
          // NEWOBJ is cls.__new__(cls, *args) and needs a type (load_newobj raises otherwise), so nothing is
          // called with the file's arguments; BUILD then hands the state to the class's own __setstate__.
          return finding(PickleRules.UNKNOWN_CLASS)
              .offset(r.offset)
              .module(r.module)
              .operator(r.name)
              .message(
                  "Unknown class reconstructed: " + as + " (" + r.callOpcode + " at offset " + r.callOffset + ")."
                      + " Importing runs its module's code, and its __new__ and __setstate__ run on load if the"
                      + " class defines them; it is not called with arguments from the file. If it is expected,"
                      + " allow it with --allow-global"
                      + " (allowGlobals in the Java API and the Maven plugin).")
              .build();
        }
        rule = PickleRules.UNKNOWN_GLOBAL;
        severity = pickle.unknownGlobalSeverity();
        message =
            "Loading this pickle imports " + as + ", which is not known to be safe: importing runs the module's code"
                + use
                + ". If it is expected, allow it with --allow-global (allowGlobals in the Java API and the Maven"
                + " plugin).";
        break;
      default:
        rule = ruleFor(v.category());
        message =
            "Loading this pickle imports " + as + ", which " + v.category().effect() + " (matched " + v.matched()
                + ")" + use + ". " + r.opcode + " at offset " + r.offset + "."
                + (r.otherUse != null && isGetattr(r) ? " Not an Enum-member lookup: " + r.otherUse + "." : "");
    }
    Finding.Builder b = finding(rule).offset(r.offset).module(r.module).operator(r.name).message(message);
    if (severity != null) {
      b.severity(severity);
    }
    return b.build();
  }

  /**
   * The finding for a builtins.getattr import whose every use was a lookup of a constant, non-dunder name on an
   * imported global (see {@link #lookup}): none when every such global is known safe (the Enum-member pattern);
   * the dangerous name reached when a lookup reaches one; CRITICAL reflection with an explanation when the class is
   * not known safe. Any other use keeps the ordinary CRITICAL finding (the caller checks).
   */
  private Finding getattrFinding(ImportRecord r) {
    GlobalsPolicy.Verdict t = r.lookupTarget;
    if (t != null) {
      String what =
          t.level() == GlobalsPolicy.Level.DENIED
              ? "which this scan's settings deny (" + t.matched() + ")"
              : "which " + t.category().effect() + " (matched " + t.matched() + ")";
      return finding(t.category() == null ? PickleRules.DENIED_GLOBAL : ruleFor(t.category()))
          .offset(r.offset)
          .module(r.module)
          .operator(r.name)
          .message(
              "Loading this pickle calls getattr to reach " + t.resolved() + ", " + what + "; " + r.callOpcode
                  + " at offset " + r.callOffset + ".")
          .build();
    }
    if (r.unknownLookup != null) {
      return finding(PickleRules.DANGEROUS_GLOBAL)
          .offset(r.offset)
          .module(r.module)
          .operator(r.name)
          .message(
              "Loading this pickle calls getattr to look up " + r.unknownLookup + " on a global that is not known"
                  + " safe, so what it reaches cannot be known (it may be a module). Python 3.11 and later pickle"
                  + " Enum members this way; if the class is your own Enum, allow it with --allow-global"
                  + " (allowGlobals in the Java API and the Maven plugin). "
                  + r.callOpcode + " at offset " + r.callOffset + ".")
          .build();
    }
    return null; // getattr(<known-safe class>, 'NAME'): an Enum member pickled by Python >= 3.11
  }

  private static Rule ruleFor(GlobalsPolicy.Category c) {
    switch (c) {
      case TAMPER:
        return PickleRules.SCANNER_TAMPERING;
      case CODE:
        return PickleRules.CODE_CONSTRUCTION;
      case NESTED:
        return PickleRules.NESTED_LOAD;
      case FILE:
        return PickleRules.FILE_ACCESS;
      case NETWORK:
        return PickleRules.NETWORK_ACCESS;
      default:
        return PickleRules.DANGEROUS_GLOBAL;
    }
  }

  // ------------------------------------------------------------------------------------------------- reporting

  private Finding.Builder finding(Rule rule) {
    return ctx.finding(rule);
  }

  private void emit(Finding f) {
    emit(f, f.ruleId() + "|" + f.module() + "|" + f.operator() + "|" + (f.module().isEmpty() ? f.message() : ""));
  }

  private void emit(Finding f, String key) {
    if (ctx == null) {
      return;
    }
    if (trialBuffer != null) {
      trialBuffer.putIfAbsent(key, f);
      return;
    }
    if (reported.contains(key)) {
      return;
    }
    if (reported.size() >= MAX_FINDINGS) {
      if (!findingsCapped) {
        findingsCapped = true;
        ctx.markPartial("more than " + MAX_FINDINGS + " distinct pickle findings; the rest were not reported");
      }
      return;
    }
    reported.add(key);
    ctx.report(f);
  }

  private void commitTrial(boolean stopped) {
    Map<String, Finding> buffered = trialBuffer;
    trialBuffer = null;
    if (buffered == null || buffered.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Finding> e : buffered.entrySet()) {
      Finding f = e.getValue();
      if (stopped || f.severity().isAtLeast(Severity.HIGH)) {
        emit(f, e.getKey());
      }
    }
    buffered.clear();
  }

  private static Map<String, Integer> storageSizes() {
    Map<String, Integer> m = new HashMap<>();
    m.put("DoubleStorage", 8);
    m.put("FloatStorage", 4);
    m.put("HalfStorage", 2);
    m.put("BFloat16Storage", 2);
    m.put("LongStorage", 8);
    m.put("IntStorage", 4);
    m.put("ShortStorage", 2);
    m.put("CharStorage", 1);
    m.put("ByteStorage", 1);
    m.put("BoolStorage", 1);
    m.put("ComplexFloatStorage", 8);
    m.put("ComplexDoubleStorage", 16);
    m.put("QInt8Storage", 1);
    m.put("QUInt8Storage", 1);
    m.put("QInt32Storage", 4);
    m.put("QUInt4x2Storage", 1);
    m.put("QUInt2x4Storage", 1);
    return Map.copyOf(m);
  }
}
