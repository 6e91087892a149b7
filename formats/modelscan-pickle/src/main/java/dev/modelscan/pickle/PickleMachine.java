package dev.modelscan.pickle;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.pickle.settings.PickleLimit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An abstract pickle machine: runs the opcodes of one pickle stream over symbolic values, with the exact stack, mark
 * and memo effects of CPython's unpickler, and hands every import and call to its {@link PickleAnalysis}.
 *
 * <p>It reads a region of a {@link ByteSource} through its own buffer by position. Large byte and string arguments
 * are skipped by position and kept as (offset, length); the common opcodes allocate nothing. Every count the content
 * controls is bounded by the scan limits. One machine runs many pickles one after the other (stacked pickles, junk
 * trials); it is not thread-safe.
 */
final class PickleMachine {

  /** Outcome of {@link #run}: the stream reached STOP. */
  static final int STOPPED = 0;

  /** Outcome of {@link #run}: the stream broke (bad opcode, underflow, truncation). */
  static final int BROKEN = 1;

  /** Memo indices below this live in an array; larger ones in a map (indices go up to 2^32). */
  private static final int DENSE_MEMO = 1 << 16;

  /** Strings longer than this are never decoded (a module name this long cannot be imported anyway). */
  static final int MAX_NAME_BYTES = 1 << 16;

  /**
   * The message of a break at each invalid opcode, made once: the junk search breaks on one at nearly every byte it
   * tries, and formatting the message each time was most of its cost.
   */
  private static final String[] INVALID_OPCODE = new String[256];

  /** Whether a byte is an opcode of protocols 0 to 5 (the cases of the loop's switch). */
  private static final boolean[] OPCODE = new boolean[256];

  /**
   * Whether an opcode starts by reading a text line: FLOAT, INT, LONG, PERSID, STRING, UNICODE, GLOBAL, GET, INST, PUT.
   */
  private static final boolean[] LINE_OPCODE = new boolean[256];

  /**
   * How each opcode affects the compact representation (see {@link #reparse}): 0 (impure) for every opcode whose
   * value cannot be recomputed from its own bytes alone (memo reads, containers that may be mutated, calls, globals,
   * text lines, POP and DUP); {@link #PURE_PUSH} for a literal push; {@link #PURE_OTHER} for MARK, the tuple
   * opcodes, memo stores and FRAME, which the re-parse replays or passes over.
   */
  private static final byte[] PURE_KIND = new byte[256];

  private static final byte PURE_PUSH = 1;
  private static final byte PURE_OTHER = 2;

  static {
    for (int op = 0; op < 256; op++) {
      INVALID_OPCODE[op] = "invalid pickle opcode 0x" + Character.forDigit(op >> 4, 16) + Character.forDigit(op & 15, 16);
    }
    for (char op : "(.012BCFGIJKLMNPQRSTUVX]abcdeghijlopqrstu})".toCharArray()) {
      OPCODE[op] = true;
    }
    for (int op = 0x80; op <= 0x98; op++) {
      OPCODE[op] = true;
    }
    for (char op : "FILPSVcgip".toCharArray()) {
      LINE_OPCODE[op] = true;
    }
    for (int op : new int[] {'K', 'M', 'J', 'G', 'N', 0x88, 0x89, ')', 0x8c, 'U', 'C', 'X', 'B'}) {
      PURE_KIND[op] = PURE_PUSH;
    }
    for (int op : new int[] {'(', 't', 0x85, 0x86, 0x87, 0x94, 'q', 'r', 0x95}) {
      PURE_KIND[op] = PURE_OTHER;
    }
  }


  /** The value of the PyTorch legacy magic number. */
  static final Sym TORCH_MAGIC = PickleLiterals.TORCH_MAGIC;

  private final PickleEvents analysis;
  private final MachineLimits limits;
  private final ByteSource src;
  private final int depth;

  // Buffered cursor: buf[0] is at absolute position bufBase; bytes [bufPos, bufLen) are unread.
  private byte[] buf;
  private long bufBase;
  private int bufPos;
  private int bufLen;
  private long end;

  // Machine state of the current stream.
  private Sym[] stack = new Sym[64];
  // Pending values (see Sym.PENDING_INT): an int's value, or a string's offset and length, by stack slot.
  // They grow separately from the stack, only as deep as pending values are pushed.
  private long[] auxA = new long[0];
  private int[] auxB = new int[0];
  private int top;
  private Sym[] tupleCache;
  private long[] tupleKeys;
  private int[] marks = new int[16];
  // markAt[i]: the offset of the MARK opcode of marks[i] (the start of the tuple TUPLE makes from it).
  private long[] markAt = new long[16];
  private int markTop;
  // starts[i]: the offset where the opcodes that made the value in stack slot i begin, or -1 when an impure opcode
  // put it there. With lastImpure (the offset of the last impure opcode of the run) it tells whether the value can
  // be recomputed from the bytes [starts[i], here) alone: then the memo keeps those offsets, not the value.
  private long[] starts = new long[64];
  private long lastImpure = -1;

  // The dense memo, in pages of MEMO_PAGE slots so that a memo of ten million entries never needs one large array
  // (or a copy of it while growing). A slot's code is 0 when empty, 1 when the value is in memoObjects, 2 +
  // Sym.sharedId(v) for a shared constant (small int, None, booleans, float), and negative for a compact value: a
  // string or bytes (offset and length of its payload) or a literal value to re-parse from its bytes (offset and
  // length of its opcodes), the offset relative to memoBases of its block (see compactCode). Objects are kept only
  // for values that can carry a call, a global, a reference or a mutable container; their pages are allocated only
  // where one is stored.
  private int[][] memoPages = new int[1][];
  private Sym[][] memoObjects = new Sym[1][];
  private long[] memoBases = newBases(1);
  private Map<Long, Sym> memoSparse;
  private int memoCount;
  // What the memo limit counts: the bytes of the compact representation of the entries stored in this run, the same
  // whether the compact or the full representation is kept (see memoCost), so that limits hit at the same opcode.
  private long memoBytes;
  private final boolean compact;
  // The dense slots stored fresh at an index above the entry count of that moment (BINPUT and LONG_BINPUT far
  // ahead), memoKeys[k] for k < memoKeyCount; every other stored slot is below the final entry count.
  private int[] memoKeys = new int[16];
  private int memoKeyCount;
  private int proto;
  private long frameEnd = -1;

  // ------------------------------------------------------------------- readings (issue 16 items 3 and 5)

  /**
   * Which reading of frames this run takes. CPython's C unpickler reading a file without peek() (io.BytesIO, as
   * torch.load hands it data.pkl), or a frame of 8 KiB or more read with read(n) (Modules/_pickle.c
   * _Unpickler_ReadFromFile), holds exactly the frame in its buffer; a read that runs past the frame's end then drops
   * the rest of the frame and reads on from the file after it (_Unpickler_ReadImpl). pickle.loads, pickletools and
   * a peeked buffer read on across the frame's end instead. Bit k set makes the k-th such read take the dropping
   * reading; 0 is the contiguous reading.
   */
  long discardMask;

  /**
   * Whether a BUILD of joblib's NumpyArrayWrapper reads the raw array bytes after it, as joblib.load does; without
   * it the bytes after the BUILD are opcodes, as pickle.load reads the same file. Only the top-level stream: the
   * nested pickle of an object array is read by pickle.load, whose BUILD reads no array.
   */
  boolean joblibArrays = true;

  /** Reads across a frame's end in this run: the decision points of {@link #discardMask}. */
  private int straddles;

  /** The end of the last frame reported as not ending between opcodes (one finding per frame). */
  private long frameReported = -1;

  /** The joblib arrays of this run: which calls made a NumpyArrayWrapper, and what joblib reads after its BUILD. */
  private final JoblibArrays joblib;

  /** Reads across a frame's end in the last run. */
  int straddles() {
    return straddles;
  }

  /** Whether the last run built a joblib NumpyArrayWrapper. */
  boolean sawWrapper() {
    return joblib.sawWrapper();
  }
  private final Map<String, ImportRecord> imports = new HashMap<>();
  private final List<ImportRecord> importOrder = new ArrayList<>();

  // Results of the last run.

  /** Opcodes the fast path has run on this machine, over all its runs: tests check that it is taken at all. */
  long fastOpcodes;

  /** Opcodes of the APPENDS and SETITEMS batches the fast path ran whole (see batch): tests check it is taken. */
  long batchOpcodes;

  /** Opcodes this machine may still run before it settles with its analysis (opcode limit, deadline). */
  long budget;
  private long lastOpcodeOffset;
  private String error;
  private boolean truncated;
  private boolean pastEnd;
  private Sym result;

  PickleMachine(PickleEvents analysis, MachineLimits limits, ByteSource src, int bufferSize, int depth) {
    this.analysis = analysis;
    this.limits = limits;
    this.src = src;
    this.buf = new byte[bufferSize];
    this.depth = depth;
    this.bufBase = 0;
    this.compact = limits.compactValues();
    this.joblib = new JoblibArrays(analysis, this::text);
  }

  /**
   * For the search of junk: passes over the bytes from {@code start} that are no opcode, or a text-line opcode with
   * no newline after it (known from an earlier read), because a trial run from one breaks on it at once with nothing
   * found, and returns where the next other opcode (or the end) is. Each byte passed costs the one opcode such a
   * trial costs, with the same limit and deadline checks, so only the work of starting, breaking and unwinding a run
   * per byte is saved: that work was most of the search's time on binary junk.
   *
   * @throws ScanLimitExceededException when the opcode limit or the deadline is hit
   */
  long skipNonOpcodes(long start, long limit) {
    this.end = Math.min(limit, src.size());
    seek(start);
    budget = analysis.takeBudget();
    try {
      while (bufBase + bufPos < end) {
        if (bufPos == bufLen && !fill(1)) {
          break; // the source ended early: a trial run there reports it
        }
        int op = buf[bufPos] & 0xFF;
        long at = bufBase + bufPos;
        // A text-line opcode with no newline after it up to the end breaks at once too (see line()), unless the rest
        // is longer than a line may be: that trial must run, to hit the string limit as it would.
        boolean lineToNowhere = LINE_OPCODE[op] && at >= noNewlineFrom && end == noNewlineEnd
            && end - at <= limits.maxLine();
        if (OPCODE[op] && !lineToNowhere) {
          break;
        }
        countOpcode(at);
        bufPos++;
      }
      return bufBase + bufPos;
    } finally {
      analysis.returnBudget(budget);
      budget = 0;
    }
  }

  /** Where the stream that broke broke: the offset of the opcode that failed. */
  long errorOffset() {
    return lastOpcodeOffset;
  }

  /** Why the last stream broke, or null. */
  String error() {
    return error;
  }

  /** What STOP returned in the last stream, or null. */
  Sym result() {
    return result;
  }

  /** The position after the last stream. */
  long position() {
    return bufBase + bufPos;
  }

  /**
   * Runs one pickle stream from {@code start} until STOP or a break, never reading at or past {@code limit}.
   *
   * @return {@link #STOPPED} or {@link #BROKEN}
   * @throws ScanLimitExceededException when a limit or the deadline is hit (imports seen so far are reported first)
   */
  int run(long start, long limit) {
    this.end = Math.min(limit, src.size());
    seek(start);
    top = 0;
    markTop = 0;
    if (memoCount > 0) {
      // Only the slots the last run may have stored are cleared: those below its entry count, and those it recorded
      // in memoKeys. The junk search runs a trial from every byte, and one trial can grow the memo to 65,536 slots:
      // filling all of them for each trial would let a few MB of junk hold the scan for minutes.
      int n = (int) Math.min(memoCount, memoSlots());
      for (int i = 0; i < n; i += MEMO_PAGE) {
        int page = i >>> MEMO_PAGE_BITS;
        int to = Math.min(MEMO_PAGE, n - i);
        if (memoPages[page] != null) {
          Arrays.fill(memoPages[page], 0, to, 0);
        }
        if (memoObjects[page] != null) {
          Arrays.fill(memoObjects[page], 0, to, null);
        }
      }
      Arrays.fill(memoBases, 0, Math.min(memoBases.length, (n >>> MEMO_BLOCK_BITS) + 1), NO_BASE);
      for (int k = 0; k < memoKeyCount; k++) {
        int i = memoKeys[k];
        memoPages[i >>> MEMO_PAGE_BITS][i & MEMO_MASK] = 0;
        if (memoObjects[i >>> MEMO_PAGE_BITS] != null) {
          memoObjects[i >>> MEMO_PAGE_BITS][i & MEMO_MASK] = null;
        }
        memoBases[i >>> MEMO_BLOCK_BITS] = NO_BASE;
      }
      memoKeyCount = 0;
      memoSparse = null;
      memoCount = 0;
    }
    memoBytes = 0;
    lastImpure = -1;
    proto = 0;
    frameEnd = -1;
    openLinePlausible = false;
    straddles = 0;
    frameReported = -1;
    joblib.reset();
    error = null;
    truncated = false;
    pastEnd = false;
    result = null;
    imports.clear();
    importOrder.clear();
    budget = analysis.takeBudget();
    try {
      loop();
      return STOPPED;
    } catch (Broken b) {
      error = b.getMessage();
      return BROKEN;
    } finally {
      if (runLog != null) {
        runLog.add(start + ".." + position() + " top=" + top + " marks=" + markTop + " memo=" + memoCount
            + " memoBytes=" + memoBytes
            + " result=" + (result == null ? "-" : result.kind + "/" + result.count) + " budget=" + budget
            + " error=" + error);
      }
      analysis.returnBudget(budget);
      budget = 0;
      analysis.streamEnded(importOrder);
    }
  }

  /**
   * When set, every run adds a line with where it ended and the machine's state there: the tests that compare the
   * fast path with the general loop compare these too, so a difference that changes no finding still shows.
   */
  List<String> runLog;

  /** Thrown where CPython's unpickler would raise: the stream ends there. */
  private static final class Broken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Broken(String message) {
      super(message, null, false, false);
    }
  }

  private Broken broken(String message) {
    return new Broken(message);
  }

  /** A break because the content ended: a truncated stream (or, for recognition, the end of the head). */
  private Broken eof(String message) {
    truncated = true;
    pastEnd = true;
    return new Broken(message);
  }

  /** A break because the source gave no more bytes before the declared end (recognition reads only the head). */
  private Broken sourceEnd() {
    truncated = true;
    pastEnd = false;
    return new Broken("the readable bytes end here");
  }

  /** Whether the last break was a length or read past the declared end (a real inconsistency). */
  boolean pastEnd() {
    return pastEnd;
  }

  /** Whether the last stream broke because the content ended. */
  boolean truncated() {
    return truncated;
  }

  // ---------------------------------------------------------------------------------------------------- the loop

  private void loop() {
    final int maxStack = limits.maxStack();
    final boolean fast = limits.fastPath();
    for (; ; ) {
      if (frameEnd > lastOpcodeOffset && frameEnd < bufBase + bufPos && frameEnd > frameReported) {
        // The previous opcode (never one of the fast path, which stops at a frame's end) began inside the frame and
        // ended after it. CPython's framer ends frames between opcodes only.
        frameReported = frameEnd;
        analysis.frameDifferential(lastOpcodeOffset, "the FRAME that ends at offset " + frameEnd + " ends inside the"
            + " opcode at offset " + lastOpcodeOffset + ", not between opcodes");
      }
      if (fast) {
        fastRun();
      }
      long at = bufBase + bufPos;
      lastOpcodeOffset = at;
      if (at >= end) {
        throw eof("the pickle ends without a STOP opcode");
      }
      countOpcode(at);
      int op = u8();
      switch (op) {
        case '(': // MARK
          if (markTop == marks.length) {
            if (markTop >= maxStack) {
              throw limit(PickleLimit.STACK_SIZE, maxStack, "pickle mark stack");
            }
            marks = Arrays.copyOf(marks, Math.min(maxStack, marks.length * 2));
            markAt = Arrays.copyOf(markAt, marks.length);
          }
          markAt[markTop] = at;
          marks[markTop++] = top;
          break;
        case '.': // STOP
          need(1, "STOP");
          result = get(--top);
          return;
        case '0': // POP
          if (top > base()) {
            top--;
          } else if (markTop > 0) {
            markTop--; // CPython: POP on an empty stack discards the topmost mark
          } else {
            throw broken("POP on an empty stack");
          }
          break;
        case '1': // POP_MARK
          popMark();
          break;
        case '2': // DUP
          need(1, "DUP");
          push(get(top - 1));
          break;
        case 'B': // BINBYTES
          pushLazy(Sym.BYTES, u32());
          break;
        case 'C': // SHORT_BINBYTES
          pushLazy(Sym.BYTES, u8());
          break;
        case 'F': // FLOAT
          line("FLOAT");
          push(Sym.FLOAT_VALUE);
          break;
        case 'G': // BINFLOAT
          skipArg(8);
          push(Sym.FLOAT_VALUE);
          break;
        case 'I': // INT
          push(parseIntLine(line("INT"), true));
          break;
        case 'J': // BININT
          pushInt(s32());
          break;
        case 'K': // BININT1
          pushInt(u8());
          break;
        case 'L': // LONG
          push(parseIntLine(line("LONG"), false));
          break;
        case 'M': // BININT2
          pushInt(u16());
          break;
        case 'N': // NONE
          push(Sym.NONE_VALUE);
          break;
        case 'P': // PERSID
          {
            int n = line("PERSID");
            Sym pid = Sym.text(new String(buf, lineStart, n, StandardCharsets.ISO_8859_1));
            Sym p = new Sym(Sym.PERSID);
            p.pid = pid;
            push(p);
            analysis.textPersistentId(pid.text);
          }
          break;
        case 'Q': // BINPERSID
          {
            need(1, "BINPERSID");
            Sym p = new Sym(Sym.PERSID);
            p.pid = get(top - 1);
            stack[top - 1] = p;
            analysis.persistentId(this, p.pid);
          }
          break;
        case 'R': // REDUCE
          {
            need(2, "REDUCE");
            Sym args = get(--top);
            Sym func = get(top - 1);
            stack[top - 1] = call(func, args, "REDUCE", at);
          }
          break;
        case 'S': // STRING
          push(Sym.text(decodeStringLine(line("STRING"))));
          break;
        case 'T': // BINSTRING
          {
            int n = s32();
            if (n < 0) {
              throw broken("BINSTRING pickle has negative byte count");
            }
            pushLazy(Sym.STR, n);
          }
          break;
        case 'U': // SHORT_BINSTRING
          pushLazy(Sym.STR, u8());
          break;
        case 'V': // UNICODE
          push(Sym.text(decodeRawUnicodeEscape(line("UNICODE"))));
          break;
        case 'X': // BINUNICODE
          pushLazy(Sym.STR, u32());
          break;
        case ']': // EMPTY_LIST
          push(new Sym(Sym.LIST));
          break;
        case 'a': // APPEND
          {
            need(2, "APPEND");
            Sym v = get(--top);
            mutate(get(top - 1), v, "APPEND", at);
          }
          break;
        case 'b': // BUILD
          build(at);
          break;
        case 'c': // GLOBAL
          {
            String module = lineText("GLOBAL");
            String name = lineText("GLOBAL");
            push(importGlobal(module, name, "GLOBAL", at));
          }
          break;
        case 'd': // DICT
          {
            int b = popMarkBase();
            Sym d = new Sym(Sym.DICT);
            if (((top - b) & 1) != 0) {
              throw broken("odd number of items for DICT");
            }
            for (int i = b; i + 1 < top; i += 2) {
              putPair(d, i);
            }
            top = b;
            push(d);
          }
          break;
        case 'e': // APPENDS
          {
            int b = popMarkBase();
            int n = top - b;
            top = b;
            need(1, "APPENDS");
            Sym target = get(top - 1);
            if (target.kind == Sym.LIST) {
              int keep = Math.max(0, Math.min(n, Sym.MAX_ITEMS - target.count));
              for (int i = 0; i < keep; i++) {
                target.listAdd(get(b + i));
              }
              target.count += n - keep;
            } else {
              mutate(target, null, "APPENDS", at);
            }
            clear(b, b + n);
          }
          break;
        case 'g': // GET
          push(memoGet(parseIndexLine(line("GET"))));
          break;
        case 'h': // BINGET
          push(memoGet(u8()));
          break;
        case 'i': // INST
          {
            String module = lineText("INST");
            String name = lineText("INST");
            Sym cls = importGlobal(module, name, "INST", at);
            int b = popMarkBase();
            Sym args = sliceTuple(b);
            top = b;
            push(call(cls, args, "INST", at));
          }
          break;
        case 'j': // LONG_BINGET
          push(memoGet(u32()));
          break;
        case 'l': // LIST
          {
            int b = popMarkBase();
            Sym l = new Sym(Sym.LIST);
            for (int i = b; i < top; i++) {
              l.listAdd(get(i));
            }
            top = b;
            push(l);
          }
          break;
        case 'o': // OBJ
          {
            int b = popMarkBase();
            if (top == b) {
              throw broken("OBJ without a class");
            }
            Sym cls = get(b);
            Sym args = sliceTuple(b + 1);
            top = b;
            push(call(cls, args, "OBJ", at));
          }
          break;
        case 'p': // PUT
          memoPut(parseIndexLine(line("PUT")));
          break;
        case 'q': // BINPUT
          memoPut(u8());
          break;
        case 'r': // LONG_BINPUT
          memoPut(u32());
          break;
        case 's': // SETITEM
          {
            need(3, "SETITEM");
            Sym v = get(--top);
            Sym k = get(--top);
            Sym target = get(top - 1);
            if (target.kind == Sym.DICT) {
              target.dictPut(k, v);
            } else {
              mutate(target, v, "SETITEM", at);
            }
          }
          break;
        case 't': // TUPLE
          {
            int b = popMarkBase();
            long from = markAt[markTop]; // the tuple's bytes start at its MARK
            if (!pendingTuple(b, from, at)) {
              Sym t = sliceTuple(b);
              top = b;
              push(t);
            }
            starts[b] = from;
          }
          break;
        case 'u': // SETITEMS
          {
            int b = popMarkBase();
            int n = top - b;
            top = b;
            need(1, "SETITEMS");
            Sym target = get(top - 1);
            if ((n & 1) != 0) {
              throw broken("odd number of items for SETITEMS");
            }
            if (target.kind == Sym.DICT) {
              for (int i = 0; i + 1 < n; i += 2) {
                putPair(target, b + i);
              }
            } else {
              mutate(target, null, "SETITEMS", at);
            }
            clear(b, b + n);
          }
          break;
        case '}': // EMPTY_DICT
          push(new Sym(Sym.DICT));
          break;
        case ')': // EMPTY_TUPLE
          push(Sym.EMPTY_TUPLE);
          break;
        case 0x80: // PROTO
          {
            int p = u8();
            if (p > 5) {
              throw broken("unsupported pickle protocol: " + p);
            }
            proto = p;
          }
          break;
        case 0x81: // NEWOBJ
          {
            need(2, "NEWOBJ");
            Sym args = get(--top);
            Sym cls = get(top - 1);
            stack[top - 1] = call(cls, args, "NEWOBJ", at);
          }
          break;
        case 0x82: // EXT1
          push(ext(u8(), at));
          break;
        case 0x83: // EXT2
          push(ext(u16(), at));
          break;
        case 0x84: // EXT4
          push(ext(s32(), at));
          break;
        case 0x85: // TUPLE1
          need(1, "TUPLE1");
          if (!pendingTuple(top - 1, starts[top - 1], at)) {
            stack[top - 1] = smallTuple(1, get(top - 1), null, null);
          }
          break;
        case 0x86: // TUPLE2
          {
            need(2, "TUPLE2");
            if (pendingTuple(top - 2, starts[top - 2], at)) {
              break;
            }
            Sym t = smallTuple(2, get(top - 2), get(top - 1), null);
            top--;
            stack[top] = null;
            stack[top - 1] = t;
          }
          break;
        case 0x87: // TUPLE3
          {
            need(3, "TUPLE3");
            if (pendingTuple(top - 3, starts[top - 3], at)) {
              break;
            }
            Sym t = smallTuple(3, get(top - 3), get(top - 2), get(top - 1));
            top -= 2;
            stack[top] = null;
            stack[top + 1] = null;
            stack[top - 1] = t;
          }
          break;
        case 0x88: // NEWTRUE
          push(Sym.TRUE);
          break;
        case 0x89: // NEWFALSE
          push(Sym.FALSE);
          break;
        case 0x8a: // LONG1
          push(long1(u8()));
          break;
        case 0x8b: // LONG4
          {
            int n = s32();
            if (n < 0) {
              throw broken("LONG pickle has negative byte count");
            }
            push(long1(n));
          }
          break;
        case 0x8c: // SHORT_BINUNICODE
          pushLazy(Sym.STR, u8());
          break;
        case 0x8d: // BINUNICODE8
          pushLazy(Sym.STR, u64());
          break;
        case 0x8e: // BINBYTES8
          pushLazy(Sym.BYTES, u64());
          break;
        case 0x8f: // EMPTY_SET
          push(Sym.SET_VALUE);
          break;
        case 0x90: // ADDITEMS
          {
            int b = popMarkBase();
            int n = top - b;
            top = b;
            need(1, "ADDITEMS");
            Sym target = get(top - 1);
            if (target.kind != Sym.SET) {
              mutate(target, null, "ADDITEMS", at);
            }
            clear(b, b + n);
          }
          break;
        case 0x91: // FROZENSET
          {
            int b = popMarkBase();
            clear(b, top);
            top = b;
            push(Sym.FROZENSET_VALUE);
          }
          break;
        case 0x92: // NEWOBJ_EX
          {
            need(3, "NEWOBJ_EX");
            top--; // kwargs
            Sym args = get(--top);
            Sym cls = get(top - 1);
            stack[top - 1] = call(cls, args, "NEWOBJ_EX", at);
            stack[top] = null;
            stack[top + 1] = null;
          }
          break;
        case 0x93: // STACK_GLOBAL
          {
            need(2, "STACK_GLOBAL");
            Sym name = get(--top);
            Sym module = get(--top);
            stack[top] = null;
            stack[top + 1] = null;
            push(stackGlobal(module, name, at));
          }
          break;
        case 0x94: // MEMOIZE
          memoPut(memoCount);
          break;
        case 0x95: // FRAME
          frame(u64(), at);
          break;
        case 0x96: // BYTEARRAY8
          pushLazy(Sym.BYTES, u64());
          break;
        case 0x97: // NEXT_BUFFER
          push(Sym.BUFFER_VALUE);
          break;
        case 0x98: // READONLY_BUFFER
          need(1, "READONLY_BUFFER");
          break;
        default:
          throw broken(INVALID_OPCODE[op]);
      }
      switch (PURE_KIND[op]) {
        case PURE_PUSH:
          starts[top - 1] = at;
          break;
        case PURE_OTHER:
          break;
        default:
          lastImpure = at;
          if (top > 0) {
            starts[top - 1] = -1;
          }
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- the fast path

  /**
   * Runs the common opcodes of model state (numbers, strings and bytes, constants, marks, memo traffic, tuples) with
   * the cursor, the stack top, the marks and the opcode budget in locals, and returns at the first opcode it does not
   * handle or whose checks it would have to make: an argument past the buffered bytes or the end, a full stack,
   * pending-value, mark or memo array, a memo limit, a memo index past the dense memo, the next deadline check. It never starts an opcode it cannot finish, so the general loop runs that one with all its checks, limits
   * and messages, and both paths have the same effects by construction. Why it exists: the general loop keeps its
   * state in fields and is too large for the JIT to keep them in registers; a large pickle is mostly these opcodes,
   * and this loop runs them at a few nanoseconds each (issue 7: an opcode-dense pickle at 300 MB/s on one thread).
   * The two shapes pickle.dump writes most (issue 17) take shortcuts that keep those effects: a string's MEMOIZE
   * runs with the string, a literal record tuple of more than three items is made from one scan of its bytes, and
   * so is an APPENDS or SETITEMS batch of literal items into a container that only counts (see batch).
   */
  private void fastRun() {
    int max = limits.maxStack();
    if (stack.length - top < FAST_STACK_ROOM && stack.length < max) {
      // Room for a run of pushes, grown ahead through the same sizes as grow() would take them, and only while
      // grow() would still grow it (it refuses once the length reaches the limit), so the limit hits as before.
      int n = stack.length;
      while (n - top < FAST_STACK_ROOM && n < max) {
        n = (int) Math.min(max + 1L, n * 2L);
      }
      stack = Arrays.copyOf(stack, n);
      starts = Arrays.copyOf(starts, n);
    }
    if (auxA.length - top < FAST_STACK_ROOM && auxA.length < stack.length) {
      // The slot arrays of pending values follow the stack only as deep as it is used: a stack of a million None
      // needs no pending slots, and twelve bytes a slot would matter under a small heap.
      int n = (int) Math.min(stack.length, Math.max(top + (long) FAST_STACK_ROOM, auxA.length * 2L));
      auxA = Arrays.copyOf(auxA, n);
      auxB = Arrays.copyOf(auxB, n);
    }
    // Few locals, so that the JIT can keep the hot ones in registers; the memo, marks and tuple cache stay in fields.
    final byte[] b = buf;
    final Sym[] st = stack;
    final long[] sts = starts;
    final long bb = bufBase;
    long impure = lastImpure;
    // With the test shadow on, compact stores and reads take the general loop, which checks them.
    final boolean checking = shadow != null;
    final long[] auxOffset = auxA;
    final int[] auxLength = auxB;
    // Never past the end of the current frame: reads across it are decision points of the frame readings, which
    // only the general loop takes (see discardMask).
    final int lim = (int) Math.min(Math.min(bufLen, end - bufBase),
        frameEnd > bufBase + bufPos ? frameEnd - bufBase : Long.MAX_VALUE);
    // An opcode that starts below this has all of a fixed-width argument buffered: only strings check their length.
    final int safeEnd = lim - MAX_FIXED_OPCODE_BYTES;
    // The general loop counts opcodes down in budget and checks the deadline and the opcode limit when the count
    // reaches a multiple of DEADLINE_MASK + 1 or goes negative: the fast loop runs only the opcodes before that one.
    final long startBudget = budget;
    final int quota = startBudget > 0 ? (int) ((startBudget - 1) & PickleAnalysis.DEADLINE_MASK) : 0;
    int p = bufPos;
    final int start = p;
    // Every opcode takes at least one byte and pushes at most one value, so stopping at start + quota bounds the
    // opcodes, and stopping at start + free slots keeps every push inside the stack and the pending-value arrays,
    // without a check of either in the loop; ran counts the opcodes for the budget.
    int t = top;
    final int slots = Math.min(st.length, auxOffset.length);
    int stop = (int) Math.min(Math.min(safeEnd, (long) start + quota), (long) start + slots - t);
    int ran = 0;
    int mt = markTop;
    int memoSize = memoCount;
    // Every memo store of this loop costs COMPACT_COST, so the limit is a number of stores: the (k + 1)-th store
    // keeps memoBytes + COMPACT_COST * (k + 1) <= maxMemo exactly when k < room (memoBytes never exceeds maxMemo).
    int memoStores = 0;
    final long memoMax = limits.maxMemo();
    final int memoRoom = (int) Math.min(Integer.MAX_VALUE, (memoMax - memoBytes) / COMPACT_COST);
    final long memoCovered = memoSlots();
    int base = mt > 0 ? marks[mt - 1] : 0;
    if (mt > 0 && compact && !checking && base > (mt > 1 ? marks[mt - 2] : 0) && counted(st[base - 1])) {
      // The rest of a batch that a deadline check point, the buffer's or a frame's end cut (see batch).
      int q = batch(p, t, mt, quota, startBudget, memoSize, memoRoom, memoCovered, safeEnd, slots - t);
      if (batchCrossing) {
        stop = -1; // straight to the check and the batch (see the loop's first test)
      }
      ran += batchRan;
      memoSize += batchMemos;
      memoStores += batchMemos;
      t = batchTop;
      if (batchClosed) {
        mt--;
        base = mt > 0 ? marks[mt - 1] : 0;
        impure = bb + q - 1;
      }
      p = q;
    }
    // Each pass runs one opcode, with room for a push and a buffered fixed-width argument, and budget for it.
    loop:
    for (; ; ) {
      if (p >= stop) {
        if (batchCrossing) {
          break;
        }
        // The bounds are in bytes, and an opcode often takes two or three: with opcodes and free slots still left,
        // the loop goes on to new bounds (made the same way, from what is left) instead of returning to the general
        // loop for one opcode, which it did several times per DEADLINE_MASK + 1 opcodes.
        int next = (int) Math.min(Math.min(safeEnd, (long) p + quota - ran), (long) p + slots - t);
        if (next <= p) {
          break;
        }
        stop = next;
      }
      int op = b[p] & 0xFF;
      switch (op) {
        case 'K': // BININT1
          sts[t] = bb + p;
          st[t++] = Sym.smallInt(b[p + 1] & 0xFF);
          p += 2;
          break;
        case 'M': // BININT2
          sts[t] = bb + p;
          {
            int v = (b[p + 1] & 0xFF) | (b[p + 2] & 0xFF) << 8;
            if (v < SMALL_INT_END) {
              st[t++] = Sym.smallInt(v);
            } else {
              auxOffset[t] = v;
              st[t++] = Sym.PENDING_INT;
            }
            p += 3;
          }
          break;
        case 'J': // BININT
          sts[t] = bb + p;
          {
            int v = s32At(b, p + 1);
            if (v >= -128 && v < SMALL_INT_END) {
              st[t++] = Sym.smallInt(v);
            } else {
              auxOffset[t] = v;
              st[t++] = Sym.PENDING_INT;
            }
            p += 5;
          }
          break;
        case 'G': // BINFLOAT
          sts[t] = bb + p;
          st[t++] = Sym.FLOAT_VALUE;
          p += 9;
          break;
        case 'N': // NONE
          sts[t] = bb + p;
          st[t++] = Sym.NONE_VALUE;
          p++;
          break;
        case 0x88: // NEWTRUE
          sts[t] = bb + p;
          st[t++] = Sym.TRUE;
          p++;
          break;
        case 0x89: // NEWFALSE
          sts[t] = bb + p;
          st[t++] = Sym.FALSE;
          p++;
          break;
        case ')': // EMPTY_TUPLE
          sts[t] = bb + p;
          st[t++] = Sym.EMPTY_TUPLE;
          p++;
          break;
        case 0x8f: // EMPTY_SET
          impure = bb + p;
          sts[t] = -1;
          st[t++] = Sym.SET_VALUE;
          p++;
          break;
        case ']': // EMPTY_LIST
          impure = bb + p;
          sts[t] = -1;
          st[t++] = new Sym(Sym.LIST);
          p++;
          break;
        case '}': // EMPTY_DICT
          impure = bb + p;
          sts[t] = -1;
          st[t++] = new Sym(Sym.DICT);
          p++;
          break;
        case 0x8c: // SHORT_BINUNICODE
        case 'U': // SHORT_BINSTRING
        case 'C': // SHORT_BINBYTES
          {
            int n = b[p + 1] & 0xFF;
            if (p + 2 + n > safeEnd + MAX_FIXED_OPCODE_BYTES) {
              break loop;
            }
            auxOffset[t] = bb + p + 2;
            auxLength[t] = n;
            sts[t] = bb + p;
            st[t++] = op == 'C' ? Sym.PENDING_BYTES : Sym.PENDING_STR;
            p += 2 + n;
            // CPython's pickler memoises nearly every string it writes: a MEMOIZE right after is run here, without a
            // second dispatch, when it would take the compact store of the MEMOIZE case below (see memoizeFresh).
            if (p < stop && b[p] == (byte) 0x94 && memoSize < memoCovered && memoStores < memoRoom
                && compact && !checking
                && memoizeFresh(memoSize, bb + p - n, n | STRING_CODE | (op == 'C' ? BYTES_CODE : 0))) {
              memoSize++;
              memoStores++;
              ran++;
              p++;
              // And the int after it, as a dict of str keys has (the cases above, with the same bounds: the opcode
              // starts below stop, so its argument is buffered, a slot is free and the budget has room for it).
              if (p < stop) {
                int next = b[p];
                if (next == 'K') {
                  sts[t] = bb + p;
                  st[t++] = Sym.smallInt(b[p + 1] & 0xFF);
                  p += 2;
                  ran++;
                } else if (next == 'M' || next == 'J') {
                  int v = next == 'M' ? (b[p + 1] & 0xFF) | (b[p + 2] & 0xFF) << 8 : s32At(b, p + 1);
                  sts[t] = bb + p;
                  if (v >= -128 && v < SMALL_INT_END) {
                    st[t++] = Sym.smallInt(v);
                  } else {
                    auxOffset[t] = v;
                    st[t++] = Sym.PENDING_INT;
                  }
                  p += next == 'M' ? 3 : 5;
                  ran++;
                }
              }
            }
          }
          break;
        case 'X': // BINUNICODE
        case 'B': // BINBYTES
          {
            long n = s32At(b, p + 1) & 0xFFFFFFFFL;
            if (p + 5 + n > safeEnd + MAX_FIXED_OPCODE_BYTES) {
              break loop;
            }
            auxOffset[t] = bb + p + 5;
            auxLength[t] = (int) n;
            sts[t] = bb + p;
            st[t++] = op == 'B' ? Sym.PENDING_BYTES : Sym.PENDING_STR;
            p += 5 + (int) n;
          }
          break;
        case '(': // MARK
          if (mt == marks.length) {
            break loop;
          }
          if (compact && !checking) {
            // A literal record tuple, made from one scan of its bytes (see recordTuple), or the MARK below.
            int q = recordTuple(p, t, stop, memoSize, memoRoom - memoStores, memoCovered);
            if (q >= 0) {
              memoSize += tupleMemos;
              memoStores += tupleMemos;
              t++;
              ran += tupleRan; // MARK, the items, TUPLE and the MEMOIZEs; the loop counts one more
              p = q;
              break;
            }
          }
          markAt[mt] = bb + p;
          marks[mt++] = t;
          base = t;
          p++;
          if (compact && !checking && t > (mt > 1 ? marks[mt - 2] : 0) && counted(st[t - 1])) {
            // The MARK of an APPENDS or SETITEMS batch into a container that only counts: see batch.
            ran++;
            int q = batch(p, t, mt, quota - ran, startBudget - ran, memoSize, memoRoom - memoStores, memoCovered,
                safeEnd, slots - t);
            if (batchCrossing) {
              break loop;
            }
            ran += batchRan;
            memoSize += batchMemos;
            memoStores += batchMemos;
            t = batchTop;
            if (batchClosed) {
              mt--;
              base = mt > 0 ? marks[mt - 1] : 0;
              impure = bb + q - 1;
            }
            p = q;
            continue;
          }
          break;
        case '0': // POP
          if (t == base) {
            break loop;
          }
          t--;
          impure = bb + p;
          p++;
          break;
        case 'h': // BINGET
        case 'j': // LONG_BINGET
          {
            long index = op == 'h' ? b[p + 1] & 0xFF : s32At(b, p + 1) & 0xFFFFFFFFL;
            if (index >= memoCovered) {
              break loop;
            }
            int page = (int) (index >>> MEMO_PAGE_BITS);
            int[] codes = memoPages[page];
            int code = codes == null ? 0 : codes[(int) index & MEMO_MASK];
            if (code > 1) {
              st[t] = Sym.shared(code - 2);
            } else if (code == 1) {
              st[t] = memoObjects[page][(int) index & MEMO_MASK];
            } else if (code < 0 && (code & STRING_CODE) != 0 && !checking) {
              // A compact string comes back as the pending value it was: nothing is allocated until it is read.
              auxOffset[t] = memoBases[(int) (index >>> MEMO_BLOCK_BITS)] + compactDelta(code);
              auxLength[t] = code & 0xFF;
              st[t] = (code & BYTES_CODE) != 0 ? Sym.PENDING_BYTES : Sym.PENDING_STR;
              compactReads++;
            } else {
              break loop; // empty (a break) or a value to re-parse: the general loop does both
            }
            sts[t++] = -1;
            impure = bb + p;
            p += op == 'h' ? 2 : 5;
          }
          break;
        case 0x94: // MEMOIZE
        case 'q': // BINPUT
        case 'r': // LONG_BINPUT
          {
            if (t == base) {
              break loop;
            }
            long index = op == 0x94 ? memoSize : op == 'q' ? b[p + 1] & 0xFF : s32At(b, p + 1) & 0xFFFFFFFFL;
            if (index >= memoCovered) {
              break loop;
            }
            int page = (int) (index >>> MEMO_PAGE_BITS);
            int[] codes = memoPages[page];
            if (codes == null || memoStores >= memoRoom) {
              break loop;
            }
            // Only values whose memo code is a few bytes are stored here (shared constants, strings, literal values
            // to re-parse); anything else, and the limit, is left to memoPut in the general loop.
            Sym v = st[t - 1];
            int shared = Sym.sharedId(v);
            int code;
            if (shared >= 0) {
              code = shared + 2;
            } else if (!compact) {
              break loop;
            } else if (v == Sym.PENDING_STR || v == Sym.PENDING_BYTES) {
              code = stringCode(index, auxOffset[t - 1], auxLength[t - 1], v == Sym.PENDING_BYTES);
            } else {
              long from = sts[t - 1];
              code = from > impure ? rangeCode(index, from, bb + p - from) : 0;
            }
            if (code == 0 || code < 0 && checking) {
              break loop;
            }
            int i = (int) index;
            boolean fresh = codes[i & MEMO_MASK] == 0;
            boolean record = fresh && i > memoSize;
            if (record && memoKeyCount == memoKeys.length) {
              break loop;
            }
            if (codes[i & MEMO_MASK] == 1) {
              memoObjects[page][i & MEMO_MASK] = null;
            }
            codes[i & MEMO_MASK] = code;
            if (record) {
              memoKeys[memoKeyCount++] = i;
            }
            if (fresh) {
              memoSize++;
            }
            memoStores++;
            if (code > 0) {
              sharedStores++; // compactStores counts the others
            }
            p += op == 0x94 ? 1 : op == 'q' ? 2 : 5;
          }
          break;
        case 't': // TUPLE
          {
            if (mt == 0) {
              break loop;
            }
            int from = marks[mt - 1];
            long at = markAt[mt - 1];
            if (compact && at > impure && bb + p + 1 - at <= MAX_COMPACT_LENGTH && t - from > 3) {
              // A literal tuple stays its bytes until read (see pendingTuple)
              auxOffset[from] = at;
              auxLength[from] = (int) (bb + p + 1 - at);
              st[from] = Sym.PENDING_TUPLE;
            } else {
              top = t; // sliceTuple reads the items from its mark to the top
              st[from] = sliceTuple(from);
            }
            sts[from] = at;
            mt--;
            base = mt > 0 ? marks[mt - 1] : 0;
            t = from + 1;
            p++;
          }
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: // TUPLE3
          {
            int n = op - 0x84;
            if (t - base < n) {
              break loop;
            }
            Sym x = st[t - n];
            Sym y = n >= 2 ? st[t - n + 1] : null;
            Sym z = n == 3 ? st[t - 1] : null;
            Sym tuple = null;
            int ix = Sym.sharedId(x);
            int iy = y == null ? 0 : Sym.sharedId(y);
            int iz = z == null ? 0 : Sym.sharedId(z);
            if ((ix | iy | iz) >= 0 && tupleKeys != null) {
              // The tuple cache of smallTuple, looked up in place for the common tuple of shared scalars.
              long key = tupleKey(n, ix, iy, iz);
              int h = tupleSlot(key);
              if (tupleKeys[h] == key) {
                tuple = tupleCache[h];
              }
            }
            long at = sts[t - n];
            if (tuple == null && (ix | iy | iz) < 0 && compact && at > impure
                && bb + p + 1 - at <= MAX_COMPACT_LENGTH) {
              // A literal tuple stays its bytes until read (see pendingTuple)
              auxOffset[t - n] = at;
              auxLength[t - n] = (int) (bb + p + 1 - at);
              tuple = Sym.PENDING_TUPLE;
            }
            if (tuple == null) {
              // get() may make a pending slot real: it writes into this same stack array, never moves top or cursor.
              tuple = smallTuple(n, get(t - n), n >= 2 ? get(t - n + 1) : null, n == 3 ? get(t - 1) : null);
            }
            t -= n - 1;
            st[t - 1] = tuple;
            p++;
          }
          break;
        default:
          break loop;
      }
      ran++;
    }
    bufPos = p;
    top = t;
    markTop = mt;
    memoCount = memoSize;
    memoBytes += (long) COMPACT_COST * memoStores;
    lastImpure = impure;
    budget = startBudget - ran;
    fastOpcodes += ran;
    compactStores += memoStores - sharedStores;
    sharedStores = 0;
    if (batchCrossing) {
      batchCrossing = false;
      // The check the batch passes, before it runs (the budget stays at 0 or more: only the deadline can stop it).
      analysis.countOpcodes(this, bufBase + bufPos);
      commitBatch();
    }
  }

  /**
   * A literal tuple of more than three items, as CPython writes each row of a list of records: MARK, pure pushes
   * (each string maybe memoised), TUPLE, MEMOIZE. Its items are dropped by TUPLE into a pending tuple (see the TUPLE
   * case), so the tuple is made here from one scan of its bytes, without pushing them; what stays observable is the
   * same: the pending tuple in stack slot {@code t}, the memo stores in order, the opcode count. Anything else (a
   * nested MARK, a memo read, a call, a store the MEMOIZE case would not make here) leaves the scan, and the MARK at
   * {@code p} runs in the fast loop as usual. Out of fastRun (issue 17): the loop's bytecode stays small enough for
   * C2 to compile it early, with one OSR compile instead of two, and this scan is compiled on its own.
   *
   * @return the cursor after the tuple and its MEMOIZE (tupleRan and tupleMemos say what ran, the loop counting one
   *     opcode more), or -1 when the tuple is not made here
   */
  private int recordTuple(int p, int t, int stop, int memoSize, int room, long memoCovered) {
    final byte[] b = buf;
    final long bb = bufBase;
    if (fuseAt == null) {
      fuseAt = new int[MAX_COMPACT_LENGTH / 3 + 1];
      fuseBits = new int[MAX_COMPACT_LENGTH / 3 + 1];
    }
    final int[] fuseAt = this.fuseAt;
    final int[] fuseBits = this.fuseBits;
    int tupleEnd = Math.min(stop, p + MAX_COMPACT_LENGTH); // TUPLE must start below, for the range to fit
    int q = p + 1;
    int items = 0;
    int memos = 0;
    scan:
    while (q < tupleEnd) {
      int o = b[q] & 0xFF;
      switch (o) {
        case 'K':
          q += 2;
          break;
        case 'M':
          q += 3;
          break;
        case 'J':
          q += 5;
          break;
        case 'G':
          q += 9;
          break;
        case 'N':
        case 0x88:
        case 0x89:
        case ')':
          q++;
          break;
        case 0x8c:
        case 'U':
        case 'C':
          {
            int n = b[q + 1] & 0xFF;
            int after = q + 2 + n;
            if (after < tupleEnd && b[after] == (byte) 0x94) {
              fuseAt[memos] = q + 2 - p;
              fuseBits[memos++] = n | STRING_CODE | (o == 'C' ? BYTES_CODE : 0);
              after++;
            }
            q = after;
          }
          break;
        case 't':
          break scan;
        default:
          return -1;
      }
      items++;
    }
    if (q >= tupleEnd || items <= 3) {
      return -1;
    }
    boolean memoAfter = q + 1 < stop && b[q + 1] == (byte) 0x94;
    if (memoAfter) {
      fuseAt[memos] = 0;
      fuseBits[memos++] = q + 1 - p;
    }
    if (!memoizeTuple(memoSize, memos, memoCovered, room, bb + p)) {
      return -1;
    }
    auxA[t] = bb + p;
    auxB[t] = q + 1 - p;
    starts[t] = bb + p;
    stack[t] = Sym.PENDING_TUPLE;
    tupleMemos = memos;
    tupleRan = items + 1 + memos;
    return q + 1 + (memoAfter ? 1 : 0);
  }

  // What the last recordTuple made: its memo stores, and the opcodes it ran but one.
  private int tupleMemos;
  private int tupleRan;

  /**
   * Whether APPENDS or SETITEMS into {@code target} only counts its items (a list or dict that remembers {@link
   * Sym#MAX_ITEMS} already): then a batch's items are never read, and the fast loop may count them without pushing.
   */
  private static boolean counted(Sym target) {
    return (target.kind == Sym.DICT || target.kind == Sym.LIST) && target.count >= Sym.MAX_ITEMS;
  }

  /**
   * Runs the items of the APPENDS or SETITEMS batch whose MARK is the topmost one (marks[mt - 1]; the stack holds
   * {@code t - marks[mt - 1]} of its items already), from {@code p}, for the fast loop. CPython's pickler writes a
   * large list or dict as batches of 1,000 items, each MARK, literal items (a str key memoised by the MEMOIZE after
   * it), APPENDS or SETITEMS; a vocabulary is mostly that. Once the container only counts (see counted), its items
   * are never read, so a batch is run here from one scan of its bytes, without a dispatch or a push per item: the
   * memo stores of its strings in order, the container's count, the opcode count, the pop of the mark and the impure
   * mark of the closing opcode are what the opcode-by-opcode path leaves observable (the slots above the top keep
   * stale values either way, see clear).
   *
   * <p>Only the opcodes the fast loop would run as they are: the literal pushes, and a MEMOIZE right after a short
   * string when the fused store of the SHORT_BINUNICODE case would take it (a fresh covered slot with its page, room
   * under the memo limit, the offset within reach of its block's base); also a MEMOIZE first, of the string the
   * general loop pushed last (a batch cut before a memoised string resumes there). The scan stops before anything
   * else and before {@code bytesEnd} (the fast loop's safe end: buffered, inside the frame). The memo stores are all
   * checked in the scan, before any is made, so that they are made all or none; a string whose MEMOIZE would not be
   * stored here ends the scan before that string.
   *
   * <p>The deadline (attack: a file that holds the scan past its deadline) is checked every DEADLINE_MASK + 1
   * opcodes, and the fast loop may run only the {@code opsLeft} opcodes before the next check. A batch that reaches
   * its closing opcode with a counted target (and an even number of items for SETITEMS) within them ends here. One
   * that would pass exactly one check point, and leave the opcode budget ({@code budgetLeft}) at 0 or more so that
   * the opcode limit cannot trip inside it, is checked before it runs: nothing is done here, batchCrossing is set and
   * fastRun makes the check, then the batch (commitBatch), so a deadline that has passed stops the scan before the
   * batch, as the check of the general loop would stop it a little later. Anything else is cut short: the items read
   * (at most {@code opsLeft} opcodes and {@code slotsLeft} pushes) are pushed as the cases of fastRun push them, and
   * the loop goes on from there; a batch cut there resumes here when fastRun starts again.
   *
   * @return the cursor after what ran; batchRan, batchMemos, batchTop and batchClosed say what it did
   */
  private int batch(int p, int t, int mt, int opsLeft, long budgetLeft, int memoSize, int memoLeft, long covered,
      int bytesEnd, int slotsLeft) {
    final byte[] b = buf;
    final long bb = bufBase;
    // At most one check point inside (the batch must be checked before it), and the budget never below 0.
    final int opsMax = (int) Math.min(opsLeft + PickleAnalysis.DEADLINE_MASK + 1, budgetLeft);
    int q = p;
    int items = 0;
    int memos = 0;
    int ops = 0;
    int block = -1;
    long blockBase = 0;
    if (batchCode == null) {
      batchAt = new int[64];
      batchCode = new int[64];
    }
    final int first = marks[mt - 1];
    boolean leading = false;
    if (q < bytesEnd && b[q] == (byte) 0x94 && opsMax > 0 && t > first && memoLeft > 0 && memoSize < covered
        && (stack[t - 1] == Sym.PENDING_STR || stack[t - 1] == Sym.PENDING_BYTES)) {
      long offset = auxA[t - 1];
      int n = auxB[t - 1];
      int[] codes = memoPages[memoSize >>> MEMO_PAGE_BITS];
      if (n <= MAX_COMPACT_LENGTH && Math.abs(offset - bb) < 1 << 30 && codes != null
          && codes[memoSize & MEMO_MASK] == 0) {
        block = memoSize >>> MEMO_BLOCK_BITS;
        blockBase = memoBases[block];
        if (blockBase == NO_BASE) {
          blockBase = offset;
        }
        long delta = offset - blockBase;
        if (delta >= -MAX_DELTA && delta < MAX_DELTA) {
          batchAt[0] = (int) (offset - bb);
          batchCode[0] = Integer.MIN_VALUE | ((int) delta & 0x1FFFFF) << 8 | n | STRING_CODE
              | (stack[t - 1] == Sym.PENDING_BYTES ? BYTES_CODE : 0);
          memos = 1;
          ops = 1;
          q++;
          leading = true;
        }
      }
    }
    scan:
    while (q < bytesEnd && ops < opsMax) {
      int o = b[q] & 0xFF;
      int length;
      switch (o) {
        case 'K':
          length = 2;
          break;
        case 'M':
          length = 3;
          break;
        case 'J':
          length = 5;
          break;
        case 'G':
          length = 9;
          break;
        case 'N':
        case 0x88:
        case 0x89:
        case ')':
          length = 1;
          break;
        case 0x8c:
        case 'U':
        case 'C':
          {
            int n = b[q + 1] & 0xFF;
            int after = q + 2 + n;
            if (after > bytesEnd + MAX_FIXED_OPCODE_BYTES) {
              break scan; // the payload is not all buffered (see the case in fastRun)
            }
            if (after < bytesEnd && b[after] == (byte) 0x94) {
              // The string and its MEMOIZE run together or not at all.
              int i = memoSize + memos;
              if (ops + 2 > opsMax || memos >= memoLeft || i >= covered) {
                break scan;
              }
              int[] codes = memoPages[i >>> MEMO_PAGE_BITS];
              if (codes == null || codes[i & MEMO_MASK] != 0) {
                break scan;
              }
              long offset = bb + q + 2;
              if (i >>> MEMO_BLOCK_BITS != block) {
                // The first store in a block without a base sets it (offsetCode): the others follow it.
                block = i >>> MEMO_BLOCK_BITS;
                blockBase = memoBases[block];
                if (blockBase == NO_BASE) {
                  blockBase = offset;
                }
              }
              long delta = offset - blockBase;
              if (delta < -MAX_DELTA || delta >= MAX_DELTA) {
                break scan;
              }
              if (memos == batchCode.length) {
                batchAt = Arrays.copyOf(batchAt, memos * 2);
                batchCode = Arrays.copyOf(batchCode, memos * 2);
              }
              batchAt[memos] = q + 2;
              batchCode[memos++] = Integer.MIN_VALUE | ((int) delta & 0x1FFFFF) << 8 | n | STRING_CODE
                  | (o == 'C' ? BYTES_CODE : 0);
              ops += 2;
              items++;
              q = after + 1;
              continue;
            }
            length = 2 + n;
          }
          break;
        default:
          break scan;
      }
      ops++;
      items++;
      q += length;
    }
    Sym target = stack[first - 1];
    long n = (long) t - first + items;
    int close = q < bytesEnd && ops < opsMax ? b[q] : 0;
    boolean closed = (close == 'e' && target.kind == Sym.LIST
        || close == 'u' && target.kind == Sym.DICT && (n & 1) == 0) && t + (long) items <= stackReach();
    batchClosed = false;
    if (closed && ops >= opsLeft) {
      // Past the next check point: fastRun checks, then commits (see commitBatch).
      batchCrossing = true;
      pendingClose = q;
      pendingMemos = memos;
      pendingOps = ops + 1;
      pendingCount = (int) (close == 'u' ? n >> 1 : n);
      batchRan = 0;
      batchMemos = 0;
      batchTop = t;
      return p;
    }
    if (closed) {
      storeBatchMemos(memoSize, memos, bb);
      target.count += (int) (close == 'u' ? n >> 1 : n);
      starts[first - 1] = -1;
      batchRan = ops + 1;
      batchOpcodes += ops + 1;
      batchMemos = memos;
      batchTop = first;
      batchClosed = true;
      return q + 1;
    }
    // Cut short: what fits before the check point and in the free slots is pushed, as fastRun's cases push it.
    final Sym[] st = stack;
    final long[] sts = starts;
    final long[] auxOffset = auxA;
    final int[] auxLength = auxB;
    int stored = 0;
    q = p;
    ops = 0;
    if (leading && opsLeft > 0) {
      stored = 1;
      ops = 1;
      q++;
    }
    for (int k = 0; k < items && k < slotsLeft && ops < opsLeft; k++) {
      int o = b[q] & 0xFF;
      switch (o) {
        case 'K':
          sts[t] = bb + q;
          st[t++] = Sym.smallInt(b[q + 1] & 0xFF);
          q += 2;
          break;
        case 'M':
        case 'J':
          {
            sts[t] = bb + q;
            int v = o == 'M' ? (b[q + 1] & 0xFF) | (b[q + 2] & 0xFF) << 8 : s32At(b, q + 1);
            if (v >= -128 && v < SMALL_INT_END) {
              st[t++] = Sym.smallInt(v);
            } else {
              auxOffset[t] = v;
              st[t++] = Sym.PENDING_INT;
            }
            q += o == 'M' ? 3 : 5;
          }
          break;
        case 'G':
          sts[t] = bb + q;
          st[t++] = Sym.FLOAT_VALUE;
          q += 9;
          break;
        case 'N':
          sts[t] = bb + q;
          st[t++] = Sym.NONE_VALUE;
          q++;
          break;
        case 0x88:
          sts[t] = bb + q;
          st[t++] = Sym.TRUE;
          q++;
          break;
        case 0x89:
          sts[t] = bb + q;
          st[t++] = Sym.FALSE;
          q++;
          break;
        case ')':
          sts[t] = bb + q;
          st[t++] = Sym.EMPTY_TUPLE;
          q++;
          break;
        default:
          {
            int length = b[q + 1] & 0xFF;
            boolean memo = stored < memos && batchAt[stored] == q + 2;
            if (memo && ops + 2 > opsLeft) {
              k = items; // the string and its MEMOIZE together, or neither
              continue;
            }
            sts[t] = bb + q;
            auxOffset[t] = bb + q + 2;
            auxLength[t] = length;
            st[t++] = o == 'C' ? Sym.PENDING_BYTES : Sym.PENDING_STR;
            q += 2 + length;
            if (memo) {
              stored++;
              ops++;
              q++;
            }
          }
      }
      ops++;
    }
    storeBatchMemos(memoSize, stored, bb);
    batchRan = ops;
    batchMemos = stored;
    batchTop = t;
    return q;
  }

  /**
   * How deep the stack may grow before a push hits the stack limit: grow() doubles it up to the limit plus one and
   * refuses once the top reaches the limit. A batch run whole pushes nothing, but the opcode-by-opcode path pushes
   * all its items first: one deeper than this must be left to it, so that the limit trips at the same item.
   */
  private int stackReach() {
    int max = limits.maxStack();
    int n = stack.length;
    while (n < max) {
      n = (int) Math.min(max + 1L, n * 2L);
    }
    return n;
  }

  /** Makes the first {@code count} memo stores the last scan of batch checked, from entry {@code first} on. */
  private void storeBatchMemos(int first, int count, long bb) {
    // Block by block (a block lies in one page): the first store of a block without a base sets it.
    for (int j = 0; j < count; ) {
      int i = first + j;
      int block = i >>> MEMO_BLOCK_BITS;
      if (memoBases[block] == NO_BASE) {
        memoBases[block] = bb + batchAt[j];
      }
      int n = Math.min(count - j, ((block + 1) << MEMO_BLOCK_BITS) - i);
      System.arraycopy(batchCode, j, memoPages[i >>> MEMO_PAGE_BITS], i & MEMO_MASK, n);
      j += n;
    }
  }

  /**
   * Runs the batch that batch found past the next check point, once fastRun has left the fast loop with the state in
   * the fields (the cursor after its MARK, or where it resumed) and made that check: the same effects as the closed
   * case of batch, on the fields.
   */
  private void commitBatch() {
    int ops = pendingOps;
    int memos = pendingMemos;
    storeBatchMemos(memoCount, memos, bufBase);
    int first = marks[--markTop];
    stack[first - 1].count += pendingCount;
    starts[first - 1] = -1;
    top = first;
    lastImpure = bufBase + pendingClose;
    bufPos = pendingClose + 1;
    memoCount += memos;
    memoBytes += (long) COMPACT_COST * memos;
    compactStores += memos;
    budget -= ops;
    fastOpcodes += ops;
    batchOpcodes += ops;
  }

  // What the last call of batch did: the opcodes it ran, its memo stores, the stack top after it, and whether it
  // ran the closing APPENDS or SETITEMS (then the mark is popped and that opcode is the last impure one).
  private int batchRan;
  private int batchMemos;
  private int batchTop;
  private boolean batchClosed;

  // A batch past the next check point (see batch): the offset of its closing opcode in the buffer, its memo stores,
  // its opcodes, and what it adds to the container's count.
  private boolean batchCrossing;
  private int pendingClose;
  private int pendingMemos;
  private int pendingOps;
  private int pendingCount;

  // The memo stores of the batch being scanned: where each string's payload starts in the buffer, and its code.
  // Made at the first batch, grown as needed (a batch runs at most DEADLINE_MASK + 1 opcodes at once).
  private int[] batchAt;
  private int[] batchCode;

  /**
   * The MEMOIZE of the fast loop fused with the opcode before it: stores the compact code of {@code offset} and
   * {@code lengthBits} (the length with the string and bytes bits) in memo slot {@code i}, the entry count, when the
   * slot's page exists and the slot is empty, and returns whether it did. The caller has checked what the MEMOIZE
   * case checks first (the slot is covered by the page table, the memo limit has room for a compact entry, the
   * compact representation is on and no test shadow); with those, this is exactly the path that case takes for a
   * pending string or a pending tuple: offsetCode (the block's base is set by the first code stored in the block),
   * a fresh slot at the entry count (never recorded in memoKeys, never holding an object to clear). When it returns
   * false nothing has changed, and the MEMOIZE runs in the next pass of the loop with all its checks.
   */
  /**
   * Makes the memo stores of the MEMOIZE opcodes of a literal tuple scanned at {@code at} (see memoizeAllFresh), all
   * or none, and returns whether it did. The common case takes one pass: no slot above the entry count was ever
   * stored in this run (memoKeyCount is 0: such stores are all recorded there), so the slots from {@code first} on
   * are empty; all of them lie in one block, whose base reaches every offset of the tuple's 255 bytes (or is set
   * now from the first, as memoizeFresh would set it). Otherwise they are checked, then made one by one.
   */
  private boolean memoizeTuple(int first, int count, long covered, int room, long at) {
    if (count == 0) {
      return true;
    }
    if (first + (long) count > covered || count > room) {
      return false;
    }
    int block = first >>> MEMO_BLOCK_BITS;
    if (memoKeyCount == 0 && block == (first + count - 1) >>> MEMO_BLOCK_BITS) {
      int[] codes = memoPages[first >>> MEMO_PAGE_BITS];
      if (codes == null) {
        return false;
      }
      long base = memoBases[block];
      if (base == NO_BASE) {
        base = at + fuseAt[0];
        memoBases[block] = base;
      }
      if (at - base >= -MAX_DELTA && at + MAX_COMPACT_LENGTH - base < MAX_DELTA) {
        for (int j = 0; j < count; j++) {
          codes[(first + j) & MEMO_MASK] = Integer.MIN_VALUE | ((int) (at + fuseAt[j] - base) & 0x1FFFFF) << 8
              | fuseBits[j];
        }
        return true;
      }
    }
    if (!memoizeAllFresh(first, count, covered, room, at)) {
      return false;
    }
    for (int j = 0; j < count; j++) {
      memoizeFresh(first + j, at + fuseAt[j], fuseBits[j]);
    }
    return true;
  }

  /**
   * Whether the MEMOIZE opcodes of a literal tuple scanned at {@code at} (their offsets and codes in fuseAt and
   * fuseBits) would all take the compact store of the fast loop, one after the other from entry {@code first}: each
   * slot covered by the page table and its page made, the memo limit room for all of them ({@code room} stores),
   * each slot empty, each offset within reach of its block's base (a block without one gets it from the first of
   * them, and the others lie in the same 255 bytes). Checked before any is made, so that a tuple either runs whole
   * or not at all here: memoizeFresh cannot refuse one of them afterwards.
   */
  private boolean memoizeAllFresh(int first, int count, long covered, int room, long at) {
    if (count == 0) {
      return true;
    }
    if (first + (long) count > covered || count > room) {
      return false;
    }
    for (int j = 0; j < count; j++) {
      int i = first + j;
      int[] codes = memoPages[i >>> MEMO_PAGE_BITS];
      if (codes == null || codes[i & MEMO_MASK] != 0) {
        return false;
      }
      long base = memoBases[i >>> MEMO_BLOCK_BITS];
      long delta = at + fuseAt[j] - base;
      if (base != NO_BASE && (delta < -MAX_DELTA || delta >= MAX_DELTA)) {
        return false;
      }
    }
    return true;
  }

  // The MEMOIZE opcodes of the literal tuple the fast loop is scanning: the offset from its MARK of what each
  // memoises (a string's payload, or 0 for the tuple itself) and the length bits of its code. A tuple of at most 255
  // bytes holds at most 85 of them (each string with its MEMOIZE takes three bytes or more between MARK and TUPLE,
  // and one follows TUPLE). Made at the first scan: a machine is made per stream and per trial of the junk search,
  // and most of those never scan a tuple.
  private int[] fuseAt;
  private int[] fuseBits;

  private boolean memoizeFresh(int i, long offset, int lengthBits) {
    int[] codes = memoPages[i >>> MEMO_PAGE_BITS];
    // Slots from the entry count on are empty unless one was stored ahead of it (then recorded in memoKeys).
    if (codes == null || memoKeyCount != 0 && codes[i & MEMO_MASK] != 0) {
      return false;
    }
    int block = i >>> MEMO_BLOCK_BITS;
    long base = memoBases[block];
    if (base == NO_BASE) {
      base = offset;
      memoBases[block] = base;
    }
    long delta = offset - base;
    if (delta < -MAX_DELTA || delta >= MAX_DELTA) {
      return false;
    }
    codes[i & MEMO_MASK] = Integer.MIN_VALUE | ((int) delta & 0x1FFFFF) << 8 | lengthBits;
    return true;
  }

  /**
   * Adds the pair in stack slots i, i + 1 to a dict: only pairs the dict remembers are made real (see Sym.dictPut),
   * the others are counted, so a vocabulary of millions of keys allocates nothing per key.
   */
  private void putPair(Sym dict, int i) {
    if (dict.count < Sym.MAX_ITEMS) {
      dict.dictPut(get(i), get(i + 1));
    } else {
      dict.count++;
    }
  }

  /** Free stack slots the fast path makes before a run (if the stack limit allows), so runs are rarely cut short. */
  private static final int FAST_STACK_ROOM = 1024;

  /** The longest fixed-width opcode with its argument: BINFLOAT, 1 + 8 bytes (the u64 lengths are not run here). */
  private static final int MAX_FIXED_OPCODE_BYTES = 9;

  /** Little-endian int32 at {@code i}; the caller has checked the bounds. */
  private static int s32At(byte[] b, int i) {
    return (int) INT_LE.get(b, i); // one load where the JIT supports it, instead of four and three shifts
  }

  private static final java.lang.invoke.VarHandle INT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** One past the largest int with a shared Sym ({@link Sym#smallInt}). */
  private static final int SMALL_INT_END = 1024;

  // -------------------------------------------------------------------------------------------------- stack helpers

  private int base() {
    return markTop > 0 ? marks[markTop - 1] : 0;
  }

  /** CPython reads stack[-1] of the list above the last mark: fewer items there is an IndexError. */
  private void need(int n, String opcode) {
    if (top - base() < n) {
      throw broken(opcode + " needs " + n + " item(s) on the stack");
    }
  }

  private void push(Sym s) {
    if (top == stack.length) {
      grow();
    }
    stack[top++] = s;
  }

  private void grow() {
    int max = limits.maxStack();
    if (top >= max) {
      throw limit(PickleLimit.STACK_SIZE, max, "pickle stack");
    }
    int n = (int) Math.min(max + 1L, stack.length * 2L);
    stack = Arrays.copyOf(stack, n);
    starts = Arrays.copyOf(starts, n);
  }

  /** Makes room for a pending value in slot {@code top}. */
  private void growForPending() {
    if (top == stack.length) {
      grow();
    }
    if (top >= auxA.length) {
      int n = Math.max(top + 1, Math.min(stack.length, Math.max(16, auxA.length * 2)));
      auxA = Arrays.copyOf(auxA, n);
      auxB = Arrays.copyOf(auxB, n);
    }
  }

  /**
   * Pushes an int without allocating: values outside the shared small ints wait in the slot as {@link
   * Sym#PENDING_INT} and become a Sym only when something reads the slot (most are popped or discarded unread).
   */
  private void pushInt(long v) {
    if (v >= -128 && v < 1024) {
      push(Sym.smallInt((int) v));
      return;
    }
    growForPending();
    auxA[top] = v;
    stack[top++] = Sym.PENDING_INT;
  }

  private void pushLazy(int kind, long length) {
    frameRead(length);
    long at = bufBase + bufPos;
    if (length < 0 || length > end - at) {
      throw eof("argument of " + length + " bytes runs past the end of the content");
    }
    if (length > Integer.MAX_VALUE) {
      push(Sym.lazy(kind, at, length));
      skip(length);
      return;
    }
    growForPending();
    auxA[top] = at;
    auxB[top] = (int) length;
    stack[top++] = kind == Sym.STR ? Sym.PENDING_STR : Sym.PENDING_BYTES;
    skip(length);
  }

  /**
   * The value in stack slot {@code i}, made real if it was pending. Every read that keeps or inspects a stack value
   * goes through here, so pending markers never leave the stack; reads that only discard (POP, items past a
   * container's remembered prefix) skip it and allocate nothing.
   */
  private Sym get(int i) {
    Sym s = stack[i];
    if (s == Sym.PENDING_INT || s == Sym.PENDING_STR || s == Sym.PENDING_BYTES || s == Sym.PENDING_TUPLE) {
      return materialize(i, s);
    }
    return s;
  }

  /**
   * In the compact representation, a tuple whose opcodes [from, at] are all pure and at most 255 bytes long is not
   * built: slot {@code slot} becomes {@link Sym#PENDING_TUPLE} with that range, the slots above it are dropped, and
   * the tuple is re-parsed from its bytes only if something reads it for keeps (most records of a large list are
   * counted past its remembered prefix and never read). Tuples of shared scalars keep coming from the tuple cache.
   *
   * @return whether the tuple is pending (otherwise the caller builds it)
   */
  private boolean pendingTuple(int slot, long from, long at) {
    long length = at + 1 - from;
    if (!compact || from <= lastImpure || length > MAX_COMPACT_LENGTH || sharedOnly(slot)) {
      return false;
    }
    if (slot >= auxA.length) {
      int n = Math.max(slot + 1, Math.min(stack.length, Math.max(16, auxA.length * 2)));
      auxA = Arrays.copyOf(auxA, n);
      auxB = Arrays.copyOf(auxB, n);
    }
    auxA[slot] = from;
    auxB[slot] = (int) length;
    stack[slot] = Sym.PENDING_TUPLE;
    top = slot + 1;
    return true;
  }

  /** Whether the slots from {@code slot} to the top hold only shared scalars (at most three: TUPLE1-3 and cache). */
  private boolean sharedOnly(int slot) {
    if (top - slot > 3) {
      return false;
    }
    for (int i = slot; i < top; i++) {
      if (Sym.sharedId(stack[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The slow path of {@link #get}: kept out of it so that get stays small enough to be inlined everywhere. */
  private Sym materialize(int i, Sym s) {
    if (s == Sym.PENDING_INT) {
      s = Sym.ofInt(auxA[i]);
      stack[i] = s;
    } else if (s == Sym.PENDING_TUPLE) {
      s = reparse(auxA[i], auxB[i]);
      stack[i] = s;
    } else if (s == Sym.PENDING_STR || s == Sym.PENDING_BYTES) {
      s = Sym.lazy(s.kind, auxA[i], auxB[i]);
      stack[i] = s;
    }
    return s;
  }

  /**
   * TUPLE1..3. Tuples are immutable, so equal tuples of shared values (small ints, None, booleans, floats) are
   * shared through a small per-machine cache instead of allocated again; any other tuple is built as before.
   */
  private Sym smallTuple(int n, Sym a, Sym b, Sym c) {
    int ia = Sym.sharedId(a);
    int ib = n < 2 ? 0 : Sym.sharedId(b);
    int ic = n < 3 ? 0 : Sym.sharedId(c);
    if ((ia | ib | ic) < 0) {
      return Sym.tuple(n == 1 ? new Sym[] {a} : n == 2 ? new Sym[] {a, b} : new Sym[] {a, b, c});
    }
    long key = tupleKey(n, ia, ib, ic);
    int h = tupleSlot(key);
    if (tupleCache == null) {
      tupleCache = new Sym[TUPLE_CACHE];
      tupleKeys = new long[TUPLE_CACHE];
    }
    if (tupleKeys[h] == key) {
      return tupleCache[h];
    }
    Sym t = Sym.tuple(n == 1 ? new Sym[] {a} : n == 2 ? new Sym[] {a, b} : new Sym[] {a, b, c});
    tupleCache[h] = t;
    tupleKeys[h] = key;
    return t;
  }

  /** The cache key of a tuple of n shared scalars (ids below 2^11, so the key is exact and never 0). */
  private static long tupleKey(int n, int ia, int ib, int ic) {
    return n | (long) ia << 2 | (long) ib << 13 | (long) ic << 24;
  }

  /** The cache slot of a key: the top byte of its Fibonacci hash. */
  private static int tupleSlot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 56);
  }

  /** Slots of the tuple cache: 2^8, the top byte of the key's hash. */
  private static final int TUPLE_CACHE = 256;

  private void popMark() {
    if (markTop == 0) {
      throw broken("could not find MARK");
    }
    int b = marks[--markTop];
    clear(b, top);
    top = b;
  }

  /** Pops the topmost mark and returns where its items start; the caller sets {@code top} back to it. */
  private int popMarkBase() {
    if (markTop == 0) {
      throw broken("could not find MARK");
    }
    return marks[--markTop];
  }

  /**
   * Slots above the top keep their stale references until overwritten: they are bounded by the stack limit, and
   * clearing them would cost a store per item on the hot path.
   */
  private void clear(int from, int to) {}

  private Sym sliceTuple(int from) {
    int n = top - from;
    if (n == 0) {
      return Sym.EMPTY_TUPLE;
    }
    int kept = Math.min(n, Sym.MAX_ITEMS);
    for (int i = from; i < from + kept; i++) {
      get(i);
    }
    if (n <= 3) {
      return smallTuple(n, stack[from], n > 1 ? stack[from + 1] : null, n > 2 ? stack[from + 2] : null);
    }
    Sym t = new Sym(Sym.TUPLE);
    t.count = n;
    t.items = Arrays.copyOfRange(stack, from, from + kept);
    clear(from, top);
    return t;
  }

  // ---------------------------------------------------------------------------------------------------------- memo

  /** Memo slots per page: 2^12, so a page of codes is 16 KB. */
  private static final int MEMO_PAGE_BITS = 12;

  private static final int MEMO_PAGE = 1 << MEMO_PAGE_BITS;
  private static final int MEMO_MASK = MEMO_PAGE - 1;

  /** Memo slots per block sharing one base offset for their compact codes: 2^10. */
  private static final int MEMO_BLOCK_BITS = 10;

  /** A block whose base offset is not set yet. */
  private static final long NO_BASE = Long.MIN_VALUE;

  /** Bit of a compact code: a string or bytes (offset and length of the payload), not a range to re-parse. */
  private static final int STRING_CODE = 1 << 30;

  /** Bit of a compact string code: bytes, not str. */
  private static final int BYTES_CODE = 1 << 29;

  /** The longest payload or range a compact code holds: its low byte. */
  private static final int MAX_COMPACT_LENGTH = 0xFF;

  /** Offsets of a compact code lie within +/- 2^20 of its block's base (21 signed bits). */
  private static final long MAX_DELTA = 1 << 20;

  /**
   * What one memo entry counts against {@code maxPickleMemoSize}, in bytes: a value with a compact code (a shared
   * constant, a string of at most 255 bytes, or a literal value of at most 255 bytes of opcodes) costs its int code;
   * any other value, or any entry of the sparse map, the object it keeps (a Sym with its fields and array slot).
   * Counted for every store, whichever representation is kept, so limits hit at the same opcode in both.
   */
  static final int COMPACT_COST = 4;

  /** See {@link #COMPACT_COST}. */
  static final int OBJECT_COST = 96;

  private static long[] newBases(int pages) {
    long[] b = new long[pages << (MEMO_PAGE_BITS - MEMO_BLOCK_BITS)];
    Arrays.fill(b, NO_BASE);
    return b;
  }

  /** How many dense memo slots the page table covers (pages themselves are allocated on first store). */
  private long memoSlots() {
    return (long) memoPages.length << MEMO_PAGE_BITS;
  }

  /** The signed offset of a compact code from its block's base. */
  private static long compactDelta(int code) {
    return (code << 3) >> 11;
  }

  /**
   * The compact code of a payload at {@code offset} for memo slot {@code index}, or 0 when it does not fit (too
   * long, or too far from the base of the slot's block, which is set by the first code stored in the block).
   */
  private int stringCode(long index, long offset, long length, boolean bytes) {
    if (length > MAX_COMPACT_LENGTH) {
      return 0;
    }
    int code = offsetCode(index, offset, (int) length);
    return code == 0 ? 0 : code | STRING_CODE | (bytes ? BYTES_CODE : 0);
  }

  /** The compact code of the literal value made by the opcodes [from, from + length), or 0 (see stringCode). */
  private int rangeCode(long index, long from, long length) {
    return length > MAX_COMPACT_LENGTH || length < 1 ? 0 : offsetCode(index, from, (int) length);
  }

  private int offsetCode(long index, long offset, int length) {
    int block = (int) (index >>> MEMO_BLOCK_BITS);
    long base = memoBases[block];
    if (base == NO_BASE) {
      base = offset;
      memoBases[block] = base;
    }
    long delta = offset - base;
    if (delta < -MAX_DELTA || delta >= MAX_DELTA) {
      return 0;
    }
    return Integer.MIN_VALUE | ((int) delta & 0x1FFFFF) << 8 | length;
  }

  /** The value of a compact code in memo slot {@code index}. */
  private Sym decode(long index, int code) {
    long at = memoBases[(int) (index >>> MEMO_BLOCK_BITS)] + compactDelta(code);
    int length = code & MAX_COMPACT_LENGTH;
    if ((code & STRING_CODE) != 0) {
      return Sym.lazy((code & BYTES_CODE) != 0 ? Sym.BYTES : Sym.STR, at, length);
    }
    return reparse(at, length);
  }

  private void memoPut(long index) {
    if (top - base() < 1) {
      throw broken("memo store on an empty stack");
    }
    if (index < 0) {
      throw broken("negative PUT argument");
    }
    int slot = top - 1;
    Sym raw = stack[slot];
    // Dense indices (MEMOIZE, BINPUT 0..n) live in pages; the page table only grows as far as the memo is full, so
    // an index of 2^32 - 1 cannot make it large.
    boolean dense =
        index < memoSlots()
            || index < DENSE_MEMO
            || index <= 2L * memoCount + DENSE_MEMO && index < Integer.MAX_VALUE - 8;
    if (dense) {
      memoPage((int) index);
    }
    // Whether the value has a compact code, and that code when the compact representation is kept and it fits.
    boolean small;
    int code = 0;
    int shared = Sym.sharedId(raw);
    if (shared >= 0) {
      small = true;
      code = shared + 2;
    } else {
      long offset = -1;
      long length = 0;
      boolean bytes = false;
      if (raw == Sym.PENDING_STR || raw == Sym.PENDING_BYTES) {
        offset = auxA[slot];
        length = auxB[slot];
        bytes = raw == Sym.PENDING_BYTES;
      } else if ((raw.kind == Sym.STR || raw.kind == Sym.BYTES) && raw.offset >= 0) {
        offset = raw.offset;
        length = raw.length;
        bytes = raw.kind == Sym.BYTES;
      }
      if (offset >= 0 && length <= MAX_COMPACT_LENGTH) {
        small = true;
        if (compact && dense) {
          code = stringCode(index, offset, length, bytes);
        }
      } else {
        long from = starts[slot];
        long length2 = lastOpcodeOffset - from;
        small = from > lastImpure && length2 >= 1 && length2 <= MAX_COMPACT_LENGTH;
        if (small && compact && dense) {
          code = rangeCode(index, from, length2);
        }
      }
    }
    boolean fresh;
    if (dense) {
      int i = (int) index;
      int page = i >>> MEMO_PAGE_BITS;
      int[] codes = memoPages[page];
      int o = i & MEMO_MASK;
      fresh = codes[o] == 0;
      if (code != 0) {
        if (codes[o] == 1) {
          memoObjects[page][o] = null;
        }
        codes[o] = code;
        if (code < 0) {
          compactStores++;
          if (shadow != null) {
            shadow.put(index, get(slot));
          }
        }
      } else {
        Sym v = get(slot);
        if (memoObjects[page] == null) {
          memoObjects[page] = new Sym[MEMO_PAGE];
        }
        memoObjects[page][o] = v;
        codes[o] = 1;
      }
      if (fresh && i > memoCount) {
        memoKeep(i);
      }
    } else {
      if (memoSparse == null) {
        memoSparse = new HashMap<>();
      }
      fresh = memoSparse.put(index, get(slot)) == null;
    }
    if (fresh) {
      memoCount++;
    }
    memoBytes += small && dense ? COMPACT_COST : OBJECT_COST;
    if (memoBytes > limits.maxMemo()) {
      throw limit(PickleLimit.MEMO_SIZE, limits.maxMemo(), "pickle memo");
    }
  }

  /** Makes the page of dense memo slot {@code i}, growing the page table as needed. */
  private void memoPage(int i) {
    int page = i >>> MEMO_PAGE_BITS;
    if (page >= memoPages.length) {
      int pages = (int) Math.min(Integer.MAX_VALUE >>> MEMO_PAGE_BITS, Math.max(page + 1L, memoPages.length * 2L));
      memoPages = Arrays.copyOf(memoPages, pages);
      memoObjects = Arrays.copyOf(memoObjects, pages);
      long[] bases = newBases(pages);
      System.arraycopy(memoBases, 0, bases, 0, memoBases.length);
      memoBases = bases;
    }
    if (memoPages[page] == null) {
      memoPages[page] = new int[MEMO_PAGE];
    }
  }

  /** Memo stores of shared constants in the current fast run (see fastRun's memoStores). */
  private int sharedStores;

  /** Memo stores and reads of compact codes (tests check that the compact representation is used at all). */
  long compactStores;

  /** See {@link #compactStores}. */
  long compactReads;

  /**
   * For tests: when set, every compact store also keeps the value it stands for, and every compact read checks that
   * the value it recomputes is the same in everything a check can read ({@link Sym#describe}).
   */
  Map<Long, Sym> shadow;

  private void checkShadow(long index, Sym decoded) {
    Sym kept = shadow.get(index);
    String want = Sym.describe(kept, 4);
    String got = Sym.describe(decoded, 4);
    if (!want.equals(got)) {
      throw new AssertionError("memo " + index + ": compact value " + got + " differs from the stored " + want);
    }
  }

  /** Records a fresh dense slot above the entry count (see memoKeys). */
  private void memoKeep(int slot) {
    if (memoKeyCount == memoKeys.length) {
      memoKeys = Arrays.copyOf(memoKeys, memoKeyCount * 2);
    }
    memoKeys[memoKeyCount++] = slot;
  }

  private Sym memoGet(long index) {
    Sym v = null;
    if (index >= 0 && index < memoSlots()) {
      int page = (int) (index >>> MEMO_PAGE_BITS);
      int[] codes = memoPages[page];
      int code = codes == null ? 0 : codes[(int) index & MEMO_MASK];
      if (code == 1) {
        v = memoObjects[page][(int) index & MEMO_MASK];
      } else if (code > 1) {
        v = Sym.shared(code - 2);
      } else if (code < 0) {
        v = decode(index, code);
        compactReads++;
        if (shadow != null) {
          checkShadow(index, v);
        }
      }
    }
    if (v == null && memoSparse != null) {
      v = memoSparse.get(index);
    }
    if (v == null) {
      throw broken("memo value not found at index " + index);
    }
    return v;
  }

  /**
   * Recomputes the literal value made by the opcodes {@code [from, from + length)}: the same Sym the machine made
   * when it ran them (same kinds, ints, string offsets, tuple items and counts, and the shared tuples of
   * smallTuple), so that a memo entry can keep four bytes instead of the value. The range was run before and holds
   * only the opcodes of {@link #PURE_KIND} (no memo read, no call, no mutable container), and it made exactly one
   * value: replaying it needs nothing but its bytes. At most {@link #MAX_COMPACT_LENGTH} bytes are replayed per
   * read, so a memo read costs a bounded amount of work whatever the file.
   */
  private Sym reparse(long from, int length) {
    byte[] b = reparseBytes;
    if (from >= bufBase && from + length <= bufBase + bufLen) {
      System.arraycopy(buf, (int) (from - bufBase), b, 0, length);
    } else {
      try {
        int n = 0;
        while (n < length) {
          int r = src.read(from + n, b, n, length - n);
          if (r <= 0) {
            throw new IllegalStateException("memo value at offset " + from + " can no longer be read");
          }
          n += r;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Sym[] st = new Sym[length + 1];
    int[] mk = new int[length + 1];
    int t = 0;
    int mt = 0;
    int p = 0;
    while (p < length) {
      int op = b[p] & 0xFF;
      switch (op) {
        case 'K':
          st[t++] = Sym.smallInt(b[p + 1] & 0xFF);
          p += 2;
          break;
        case 'M':
          st[t++] = Sym.ofInt((b[p + 1] & 0xFF) | (b[p + 2] & 0xFF) << 8);
          p += 3;
          break;
        case 'J':
          st[t++] = Sym.ofInt(s32At(b, p + 1));
          p += 5;
          break;
        case 'G':
          st[t++] = Sym.FLOAT_VALUE;
          p += 9;
          break;
        case 'N':
          st[t++] = Sym.NONE_VALUE;
          p++;
          break;
        case 0x88:
          st[t++] = Sym.TRUE;
          p++;
          break;
        case 0x89:
          st[t++] = Sym.FALSE;
          p++;
          break;
        case ')':
          st[t++] = Sym.EMPTY_TUPLE;
          p++;
          break;
        case 0x8c:
        case 'U':
        case 'C':
          {
            int n = b[p + 1] & 0xFF;
            st[t++] = Sym.lazy(op == 'C' ? Sym.BYTES : Sym.STR, from + p + 2, n);
            p += 2 + n;
          }
          break;
        case 'X':
        case 'B':
          {
            int n = s32At(b, p + 1);
            st[t++] = Sym.lazy(op == 'B' ? Sym.BYTES : Sym.STR, from + p + 5, n);
            p += 5 + n;
          }
          break;
        case '(':
          mk[mt++] = t;
          p++;
          break;
        case 't':
          {
            int f = mk[--mt];
            st[f] = tupleOf(st, f, t);
            t = f + 1;
            p++;
          }
          break;
        case 0x85:
        case 0x86:
        case 0x87:
          {
            int n = op - 0x84;
            st[t - n] = smallTuple(n, st[t - n], n >= 2 ? st[t - n + 1] : null, n == 3 ? st[t - 1] : null);
            t -= n - 1;
            p++;
          }
          break;
        case 0x94:
          p++;
          break;
        case 'q':
          p += 2;
          break;
        case 'r':
          p += 5;
          break;
        case 0x95:
          p += 9;
          break;
        default:
          throw new IllegalStateException("opcode 0x" + Integer.toHexString(op) + " in a compact memo value");
      }
    }
    if (t != 1 || mt != 0 || p != length) {
      throw new IllegalStateException("compact memo value at offset " + from + " does not make one value");
    }
    return st[0];
  }

  private final byte[] reparseBytes = new byte[MAX_COMPACT_LENGTH + 16];

  /** The tuple TUPLE makes of st[from, to), as {@link #sliceTuple} makes it of the stack. */
  private Sym tupleOf(Sym[] st, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return Sym.EMPTY_TUPLE;
    }
    if (n <= 3) {
      return smallTuple(n, st[from], n > 1 ? st[from + 1] : null, n > 2 ? st[from + 2] : null);
    }
    Sym t = new Sym(Sym.TUPLE);
    t.count = n;
    t.items = Arrays.copyOfRange(st, from, from + Math.min(n, Sym.MAX_ITEMS));
    return t;
  }

  // ------------------------------------------------------------------------------------------ imports and calls

  private Sym importGlobal(String module, String name, String opcode, long at) {
    String key = module + '\n' + name + '\n' + (proto < 3 ? '2' : '3');
    ImportRecord r = imports.get(key);
    if (r == null) {
      if (imports.size() >= limits.maxImports()) {
        // Named after the setting that changes it: the bound once was a constant that the named setting did not move.
        throw limit(
            PickleLimit.MEMO_SIZE,
            limits.maxMemo(),
            "distinct imports of one pickle (one per "
                + dev.modelscan.pickle.settings.PickleSettings.MEMO_BYTES_PER_IMPORT + " bytes of maxPickleMemoSize)");
      }
      if (!analysis.plausibleName(module, name)) {
        throw broken("implausible global name");
      }
      r = new ImportRecord(module, name, opcode, at, analysis.classify(module, name, proto));
      joblib.imported(r);
      imports.put(key, r);
      importOrder.add(r);
      analysis.imported(r);
    }
    if (opcode.equals("INST")) {
      r.called("INST", at);
    }
    Sym g = new Sym(Sym.GLOBAL);
    g.ref = r;
    return g;
  }

  private Sym stackGlobal(Sym module, Sym name, long at) {
    if (isTextual(module) && isTextual(name)) {
      String m = text(module);
      String n = text(name);
      if (m == null || n == null) {
        analysis.dynamicImport(at, "a STACK_GLOBAL operand is longer than " + MAX_NAME_BYTES + " bytes");
        return Sym.OTHER_VALUE;
      }
      return importGlobal(m, n, "STACK_GLOBAL", at);
    }
    if (isCertainlyNotStr(module) || isCertainlyNotStr(name)) {
      throw broken("STACK_GLOBAL requires str");
    }
    analysis.dynamicImport(
        at,
        "the module or name of a STACK_GLOBAL is " + describe(module) + " / " + describe(name)
            + ", computed while loading");
    return Sym.OTHER_VALUE;
  }

  private static boolean isTextual(Sym s) {
    return s.kind == Sym.STR;
  }

  private static boolean isCertainlyNotStr(Sym s) {
    switch (s.kind) {
      case Sym.INT:
      case Sym.FLOAT:
      case Sym.BOOL:
      case Sym.NONE:
      case Sym.TUPLE:
      case Sym.LIST:
      case Sym.DICT:
      case Sym.SET:
      case Sym.FROZENSET:
      case Sym.BYTES:
      case Sym.BUFFER:
        return true;
      default:
        return false;
    }
  }

  private static String describe(Sym s) {
    switch (s.kind) {
      case Sym.STR:
        return "a string";
      case Sym.CALL:
        return s.ref != null ? "the result of " + s.ref.verdict.resolved() + "(...)" : "the result of a call";
      case Sym.GLOBAL:
        return "the global " + s.ref.verdict.resolved();
      case Sym.PERSID:
        return "a persistent-id object";
      default:
        return "a computed value";
    }
  }

  private Sym ext(long code, long at) {
    analysis.extCode(code, at);
    if (code <= 0) {
      throw broken("EXT specifies code <= 0");
    }
    return Sym.OTHER_VALUE;
  }

  private Sym call(Sym callee, Sym args, String opcode, long at) {
    Sym c = new Sym(Sym.CALL);
    c.args = args;
    analysis.arguments(this, callee, args, opcode, at);
    if (callee.kind == Sym.GLOBAL) {
      c.ref = callee.ref;
      callee.ref.called(opcode, at);
      analysis.called(this, callee.ref, args, at);
    } else if (callee.kind == Sym.CALL && callee.ref != null) {
      // Calling what a call returned (getattr(obj, "system")(...)): evidence for the inner callee.
      callee.ref.called(opcode + " on its result", at);
    }
    joblib.called(c, callee, args, opcode);
    return c;
  }

  private void mutate(Sym target, Sym value, String opcode, long at) {
    // APPEND/SETITEM/ADDITEMS on something that is not a plain container call its methods (extend, __setitem__, add).
    if ((target.kind == Sym.CALL || target.kind == Sym.GLOBAL) && target.ref != null) {
      target.ref.called(target.kind == Sym.GLOBAL ? opcode + " on the imported object" : opcode, at);
    }
    if (target.kind == Sym.LIST && value != null) {
      target.listAdd(value);
    }
  }

  private void build(long at) {
    need(2, "BUILD");
    Sym state = get(--top);
    stack[top] = null;
    Sym target = get(top - 1);
    analysis.built(this, target, state, at);
    joblib.built(target);
    if (target.kind == Sym.CALL) {
      boolean again = target.state != null;
      target.state = state;
      if (target.ref != null) {
        target.ref.called("BUILD", at);
      }
      Object made = joblib.wrapperMade(target);
      if (made != null && depth == 0) {
        joblib.wrapperBuilt();
        if (joblibArrays) {
          joblibArray(target, made, again, at);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------- joblib

  /**
   * joblib writes the bytes of a NumPy array right after the BUILD of its NumpyArrayWrapper, outside the pickle
   * opcodes, and reads them back exactly as joblib/numpy_pickle.py NumpyUnpickler.load_build and
   * NumpyArrayWrapper.read_array do: when the wrapper's dtype.hasobject, a complete nested pickle (pickle.load on the
   * same file); otherwise, when getattr(wrapper, 'numpy_array_alignment_bytes', None) is not None, a padding length
   * byte and that many padding bytes, then prod(shape) * dtype.itemsize bytes. Those bytes are skipped exactly, so
   * that the opcodes after the array are analysed and the array is never read as opcodes.
   *
   * <p>When the wrapper is not exactly what joblib would read this way (a construction or state not modelled, a
   * second BUILD, a FRAME that runs past the BUILD, a shape or dtype that is not a literal), the bytes after the
   * BUILD are read on as opcodes and the differential is reported: failing closed, never skipping what joblib might
   * run.
   */
  private void joblibArray(Sym wrapper, Object made, boolean again, long at) {
    JoblibArrays.Layout layout = joblib.layout(wrapper, made, again, frameEnd, bufBase + bufPos);
    String why = layout.why();
    if (why != null) {
      analysis.joblibDifferential(at, why);
      return; // read on as opcodes
    }
    NumpyDtype dtype = layout.dtype();
    long count = layout.count();
    boolean aligned = layout.aligned();
    stack[top - 1] = Sym.OTHER_VALUE; // load_build replaces the wrapper with the array it read
    // The frame ends at or before the end of this BUILD (checked above): the array bytes after it are no opcode.
    frameReported = Math.max(frameReported, frameEnd);
    if (dtype.hasObject) {
      // Object arrays: joblib calls pickle.load on the same file; the nested pickle runs in full.
      if (depth >= limits.maxNesting()) {
        throw limit(LimitType.NESTING_DEPTH, limits.maxNesting(), "pickles nested in joblib object arrays");
      }
      long pos = bufBase + bufPos;
      PickleMachine nested = new PickleMachine(analysis, limits, src, 8192, depth + 1);
      analysis.returnBudget(budget);
      int outcome;
      try {
        outcome = nested.run(pos, end);
      } finally {
        budget = analysis.takeBudget();
      }
      if (nested.straddles() > 0) {
        analysis.readingsNotExplored("the nested pickle of the joblib object array at offset " + pos
            + " has frames that loaders read differently; only its contiguous reading was analysed");
      }
      if (outcome != STOPPED) {
        lastOpcodeOffset = nested.errorOffset();
        throw broken("nested pickle of a joblib object array broke: " + nested.error());
      }
      seek(nested.position());
      return;
    }
    long nbytes;
    try {
      nbytes = Math.multiplyExact(count, dtype.itemsize);
    } catch (ArithmeticException e) {
      throw broken("joblib array size overflows");
    }
    if (aligned) {
      int pad = u8();
      skipArg(pad);
    }
    long dataAt = bufBase + bufPos;
    if (nbytes > end - dataAt) {
      throw eof("joblib array of " + nbytes + " bytes runs past the end of the content");
    }
    skip(nbytes);
    if (!aligned && nbytes > 0) {
      // Without the padding byte, pickle.load would read these bytes as opcodes: let them be dispatched by content.
      analysis.opaqueData("joblib-array@" + dataAt, dataAt, nbytes);
    }
  }

  // -------------------------------------------------------------------------------------------------------- frames

  /**
   * FRAME. Modules/_pickle.c load_frame asks _Unpickler_Read for the frame's bytes and rewinds: when the buffer
   * already holds them nothing happens; otherwise the buffer is refilled with exactly the frame, read from the file
   * where the buffer ended. Lib/pickle.py _Unframer.load_frame raises when the previous frame has bytes left.
   */
  private void frame(long length, long at) {
    long after = bufBase + bufPos;
    if (length < 0 || length > end - after) {
      analysis.frameAnomaly(at, "FRAME declares " + Long.toUnsignedString(length) + " bytes but only "
          + (end - after) + " remain");
    } else if (frameEnd > after) {
      analysis.frameAnomaly(at, "FRAME starts before the previous frame ends at offset " + frameEnd);
    }
    long len = length < 0 ? end - after : length;
    if (frameEnd > after && len > frameEnd - after) {
      // A frame that does not fit the rest of the current one: with the exact-frame buffer the C unpickler drops the
      // rest of the current frame and reads the new one from where the current one ends.
      if (straddle(at)) {
        long from = frameEnd;
        seek(Math.min(from, end));
        frameEnd = from + len;
        return;
      }
    }
    if (frameEnd > after && len <= frameEnd - after) {
      return; // inside the buffered frame: the C unpickler changes nothing, the buffer still ends where it did
    }
    frameEnd = after + len;
  }

  /** Before reading n bytes at the cursor: a read across the current frame's end is a decision point. */
  private void frameRead(long n) {
    long p = bufBase + bufPos;
    if (frameEnd > p && n > frameEnd - p && straddle(p)) {
      seek(Math.min(frameEnd, end)); // the C unpickler drops [p, frameEnd) and reads the n bytes from the file
      frameEnd = -1; // its buffer now holds exactly those bytes
    }
  }

  /**
   * A read across the current frame's end at {@code p}: reports it, and returns whether this reading drops the rest
   * of the frame (bit {@code straddles} of {@link #discardMask}).
   */
  private boolean straddle(long p) {
    int k = straddles++;
    frameReported = Math.max(frameReported, frameEnd); // one finding for this frame
    analysis.frameDifferential(p, "a read at offset " + p + " runs past the FRAME that ends at offset " + frameEnd
        + "; pickle.load of a file (C unpickler, exact frame buffer) drops the rest of the frame there while"
        + " pickle.loads reads on");
    return k < 64 && (discardMask >>> k & 1) != 0;
  }

  // ------------------------------------------------------------------------------------------------------- numbers

  private Sym long1(int n) {
    frameRead(n);
    long at = bufBase + bufPos;
    if (n > end - at) {
      throw eof("LONG argument runs past the end of the content");
    }
    if (n == 0) {
      return Sym.ofInt(0);
    }
    if (n <= 8) {
      ensure(n);
      long v = PickleLiterals.littleEndianSigned(buf, bufPos, n);
      bufPos += n;
      return Sym.ofInt(v);
    }
    if (n == PickleLiterals.TORCH_MAGIC_LE.length) {
      ensure(n);
      boolean magic = PickleLiterals.isTorchMagic(buf, bufPos, n);
      bufPos += n;
      return magic ? TORCH_MAGIC : Sym.BIG_INT;
    }
    skip(n); // big integers are never materialised
    return Sym.BIG_INT;
  }

  private Sym parseIntLine(int n, boolean isInt) {
    return PickleLiterals.intLine(new String(buf, lineStart, n, StandardCharsets.ISO_8859_1), isInt);
  }

  private long parseIndexLine(int n) {
    try {
      return PickleLiterals.indexLine(buf, lineStart, n);
    } catch (PickleLiterals.Malformed e) {
      throw broken(e.getMessage());
    }
  }

  private String decodeStringLine(int n) {
    try {
      return PickleLiterals.stringLiteral(buf, lineStart, n);
    } catch (PickleLiterals.Malformed e) {
      throw broken(e.getMessage());
    }
  }

  private String decodeRawUnicodeEscape(int n) {
    try {
      return PickleLiterals.rawUnicodeEscape(buf, lineStart, n);
    } catch (PickleLiterals.Malformed e) {
      throw broken(e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------------------- strings

  /** The decoded text of a STR value, or null when it is too long to be a name. */
  String text(Sym s) {
    if (s.text != null) {
      return s.text;
    }
    if (s.offset < 0 || s.length > MAX_NAME_BYTES) {
      return null;
    }
    try {
      byte[] b = src.readBytes(s.offset, (int) s.length);
      s.text = new String(b, StandardCharsets.UTF_8);
      return s.text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String lineText(String opcode) {
    int n = line(opcode);
    return new String(buf, lineStart, n, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------------ cursor (I/O)

  private int lineStart;

  // The search for pickles hidden in junk starts a trial run at every byte. A trial that begins with a text-line
  // opcode reads up to the next newline, so junk of one long line would be read again from each of its bytes: a
  // few MB of 'V' would keep a scan busy for hours. Two things keep that search linear or bounded:
  // noNewlineFrom/noNewlineEnd remember that no newline follows a position up to the end (later trials that start
  // after it end at once, as reading would have ended them); and while chargeLines is set (runs after the first
  // stream), every byte of a line counts against the opcode budget, so long lines that do end are bounded by
  // maxPickleOpcodes, not by the deadline.
  private long noNewlineFrom = Long.MAX_VALUE;
  private long noNewlineEnd = -1;

  /** Whether line bytes count against the opcode budget: set for the runs after the first stream. */
  boolean chargeLines;

  /**
   * Counts one opcode at {@code at} against the budget; every DEADLINE_MASK + 1 opcodes, and once it runs out, the
   * analysis checks the deadline and the opcode limit. The fast path's quota relies on exactly this rule.
   */
  private void countOpcode(long at) {
    if ((--budget & PickleAnalysis.DEADLINE_MASK) == 0 || budget < 0) {
      analysis.countOpcodes(this, at);
    }
  }

  /** Counts {@code bytes} of a line against the budget, with the opcode limit and deadline checks of the loop. */
  private void chargeLine(long bytes) {
    long before = budget;
    budget -= bytes;
    if (budget < 0 || ((before ^ budget) & ~PickleAnalysis.DEADLINE_MASK) != 0) {
      analysis.countOpcodes(this, lastOpcodeOffset);
    }
  }

  /**
   * Reads a line (CPython strips exactly one trailing newline; a \r stays part of the token). The line is at
   * buf[lineStart, lineStart + n) until the next read.
   */
  private int line(String opcode) {
    long p = bufBase + bufPos;
    long fe = frameEnd;
    int n = lineRaw(opcode);
    if (fe > p && p + n + 1 > fe && straddle(p)) {
      // Modules/_pickle.c _Unpickler_Readline finds no newline in a buffer that holds exactly the frame: it drops the
      // partial line and reads a whole line from the file, where the frame ends.
      seek(Math.min(fe, end));
      frameEnd = -1;
      n = lineRaw(opcode);
    }
    return n;
  }

  private int lineRaw(String opcode) {
    int max = limits.maxLine();
    long from = bufBase + bufPos;
    if (from >= noNewlineFrom && end == noNewlineEnd) {
      // Known from an earlier read: no newline from here to the end. The same outcome as reading it all again.
      if (end - from > max) {
        throw limit(LimitType.STRING_BYTES, max, opcode + " line");
      }
      throw eof(opcode + " line runs past the end of the content");
    }
    int scanFrom = bufPos;
    for (; ; ) {
      for (int i = scanFrom; i < bufLen; i++) {
        if (buf[i] == '\n') {
          lineStart = bufPos;
          int n = i - bufPos;
          if (n > max) {
            throw limit(LimitType.STRING_BYTES, max, opcode + " line");
          }
          bufPos = i + 1;
          if (chargeLines) {
            chargeLine(n + 1L);
          }
          return n;
        }
      }
      int have = bufLen - bufPos;
      if (have > max) {
        throw limit(LimitType.STRING_BYTES, max, opcode + " line");
      }
      if (bufBase + bufLen >= end) {
        noNewlineFrom = Math.min(noNewlineFrom, from);
        noNewlineEnd = end;
        if (chargeLines) {
          chargeLine(have);
        }
        throw eof(opcode + " line runs past the end of the content");
      }
      scanFrom = have;
      int before = bufLen - bufPos;
      if (!fill(have + 1)) {
        if (bufLen - bufPos == before && bufLen < buf.length) {
          openLinePlausible = plausibleLinePrefix(opcode, buf, bufPos, bufLen);
          throw sourceEnd();
        }
        // the buffer is full of one line: grow it, bounded by the line limit
        if (buf.length > max) {
          throw limit(LimitType.STRING_BYTES, max, opcode + " line");
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) max + 2, buf.length * 2L));
        fill(have + 1);
      }
      scanFrom = Math.min(scanFrom, bufLen);
    }
  }

  /**
   * Whether the last run broke at the end of the readable bytes (recognition reads only the head) inside a line whose
   * start CPython's unpickler could still accept. Reset by every run.
   */
  private boolean openLinePlausible;

  /** See {@link #openLinePlausible}. */
  boolean openLinePlausible() {
    return openLinePlausible;
  }

  /**
   * Whether {@code buf[from, to)} can start the line argument of {@code opcode} as CPython's unpickler parses it
   * ({@code Modules/_pickle.c} load_global / load_string / load_int / load_float / load_persid): a module or
   * attribute path for GLOBAL and INST, a quoted literal for STRING, a number for INT, LONG, FLOAT, GET and PUT, ASCII
   * for PERSID, anything for UNICODE (raw-unicode-escape decodes any bytes).
   */
  private static boolean plausibleLinePrefix(String opcode, byte[] buf, int from, int to) {
    if (from >= to) {
      return true;
    }
    switch (opcode) {
      case "UNICODE":
        return true;
      case "STRING":
        return buf[from] == '\'' || buf[from] == '"';
      case "PERSID":
        for (int i = from; i < to; i++) {
          if (buf[i] < 0x20 || buf[i] > 0x7e) {
            return false;
          }
        }
        return true;
      case "GLOBAL":
      case "INST":
        for (int i = from; i < to; i++) {
          int c = buf[i];
          if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.')) {
            return false;
          }
        }
        return true;
      default: // INT, LONG, FLOAT, GET, PUT: digits, sign, base prefixes, underscores, exponents, inf/nan, blanks
        for (int i = from; i < to; i++) {
          int c = buf[i];
          if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
              || c == '+' || c == '-' || c == ' ' || c == '\t')) {
            return false;
          }
        }
        return true;
    }
  }

  private int u8() {
    return bufPos < bufLen ? buf[bufPos++] & 0xFF : u8Slow();
  }

  private int u8Slow() {
    ensure(1);
    return buf[bufPos++] & 0xFF;
  }

  private int u16() {
    frameRead(2);
    if (bufLen - bufPos < 2) {
      ensure(2);
    }
    int v = (buf[bufPos] & 0xFF) | (buf[bufPos + 1] & 0xFF) << 8;
    bufPos += 2;
    return v;
  }

  private int s32() {
    frameRead(4);
    if (bufLen - bufPos < 4) {
      ensure(4);
    }
    int v =
        (buf[bufPos] & 0xFF)
            | (buf[bufPos + 1] & 0xFF) << 8
            | (buf[bufPos + 2] & 0xFF) << 16
            | (buf[bufPos + 3] & 0xFF) << 24;
    bufPos += 4;
    return v;
  }

  private long u32() {
    return s32() & 0xFFFFFFFFL;
  }

  /** u64; values above Long.MAX_VALUE come back negative and are rejected by the callers. */
  private long u64() {
    frameRead(8);
    if (bufLen - bufPos < 8) {
      ensure(8);
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[bufPos + i] & 0xFF);
    }
    bufPos += 8;
    return v;
  }

  private void skipArg(long n) {
    frameRead(n);
    long at = bufBase + bufPos;
    if (n < 0 || n > end - at) {
      throw eof("argument runs past the end of the content");
    }
    skip(n);
  }

  /** Makes at least n bytes available at bufPos, or breaks the stream at the end of the content. */
  private void ensure(int n) {
    if (bufLen - bufPos >= n) {
      return;
    }
    if (bufBase + bufPos + n > end) {
      throw eof("the pickle is truncated");
    }
    if (!fill(n)) {
      throw sourceEnd();
    }
  }

  /** Compacts the buffer and reads more; returns whether at least {@code want} unread bytes are now buffered. */
  private boolean fill(int want) {
    int have = bufLen - bufPos;
    if (bufPos > 0) {
      System.arraycopy(buf, bufPos, buf, 0, have);
      bufBase += bufPos;
      bufPos = 0;
      bufLen = have;
    }
    try {
      while (bufLen < buf.length && bufBase + bufLen < end) {
        int toRead = (int) Math.min(buf.length - bufLen, end - (bufBase + bufLen));
        int n = src.read(bufBase + bufLen, buf, bufLen, toRead);
        if (n <= 0) {
          break;
        }
        bufLen += n;
        if (bufLen - bufPos >= want && bufLen >= Math.min(buf.length, 4096)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bufLen - bufPos >= want;
  }

  private void skip(long n) {
    if (n <= bufLen - bufPos) {
      bufPos += (int) n;
    } else {
      seek(bufBase + bufPos + n);
    }
  }

  /** Moves the cursor; keeps the buffer when the position is inside it. */
  void seek(long pos) {
    if (pos >= bufBase && pos <= bufBase + bufLen) {
      bufPos = (int) (pos - bufBase);
    } else {
      bufBase = pos;
      bufPos = 0;
      bufLen = 0;
    }
  }

  private ScanLimitExceededException limit(dev.modelscan.api.LimitSetting type, long max, String what) {
    return new ScanLimitExceededException(type, max, -1, what + " at offset " + lastOpcodeOffset);
  }
}
