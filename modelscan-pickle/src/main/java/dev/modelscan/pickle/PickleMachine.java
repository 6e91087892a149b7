package dev.modelscan.pickle;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
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

  /** Bytes of the PyTorch legacy magic number 0x1950a86a20f9469cfc6c, little-endian as LONG1 writes it. */
  private static final byte[] TORCH_MAGIC_LE = {
    0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19
  };

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
  }

  /** The value of the PyTorch legacy magic number. */
  static final Sym TORCH_MAGIC = new Sym(Sym.INT);

  private final PickleAnalysis analysis;
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
  private int markTop;
  // The dense memo: memoCode[i] is 0 for an empty slot, 1 when the value is memoDense[i], and 2 + Sym.sharedId(v)
  // for a shared constant (small int, None, booleans, float). Constants are stored as ints because most memoized
  // values in large models are such constants, and a reference store into a big (old, humongous) array pays the
  // full GC write barrier; memoDense is grown only as far as non-constant values are stored.
  private int[] memoCode = new int[64];
  private Sym[] memoDense = new Sym[0];
  private Map<Long, Sym> memoSparse;
  private int memoCount;
  // The dense slots stored fresh at an index above the entry count of that moment (BINPUT and LONG_BINPUT far
  // ahead), memoKeys[k] for k < memoKeyCount; every other stored slot is below the final entry count.
  private int[] memoKeys = new int[16];
  private int memoKeyCount;
  private int proto;
  private long frameEnd = -1;
  private final Map<String, ImportRecord> imports = new HashMap<>();
  private final List<ImportRecord> importOrder = new ArrayList<>();

  // Results of the last run.

  /** Opcodes the fast path has run on this machine, over all its runs: tests check that it is taken at all. */
  long fastOpcodes;

  /** Opcodes this machine may still run before it settles with its analysis (opcode limit, deadline). */
  long budget;
  private long lastOpcodeOffset;
  private String error;
  private boolean truncated;
  private boolean pastEnd;
  private Sym result;

  PickleMachine(PickleAnalysis analysis, ByteSource src, int bufferSize, int depth) {
    this.analysis = analysis;
    this.src = src;
    this.buf = new byte[bufferSize];
    this.depth = depth;
    this.bufBase = 0;
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
            && end - at <= analysis.maxLine();
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
      int n = Math.min(memoCount, memoCode.length);
      Arrays.fill(memoCode, 0, n, 0);
      Arrays.fill(memoDense, 0, Math.min(n, memoDense.length), null);
      for (int k = 0; k < memoKeyCount; k++) {
        int i = memoKeys[k];
        memoCode[i] = 0;
        if (i < memoDense.length) {
          memoDense[i] = null;
        }
      }
      memoKeyCount = 0;
      memoSparse = null;
      memoCount = 0;
    }
    proto = 0;
    frameEnd = -1;
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
    final int maxStack = analysis.maxStack();
    final boolean fast = analysis.fastPath();
    for (; ; ) {
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
              throw limit(LimitType.PICKLE_STACK_SIZE, maxStack, "pickle mark stack");
            }
            marks = Arrays.copyOf(marks, Math.min(maxStack, marks.length * 2));
          }
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
              d.dictPut(get(i), get(i + 1));
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
            Sym t = sliceTuple(b);
            top = b;
            push(t);
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
                target.dictPut(get(b + i), get(b + i + 1));
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
          stack[top - 1] = smallTuple(1, get(top - 1), null, null);
          break;
        case 0x86: // TUPLE2
          {
            need(2, "TUPLE2");
            Sym t = smallTuple(2, get(top - 2), get(top - 1), null);
            top--;
            stack[top] = null;
            stack[top - 1] = t;
          }
          break;
        case 0x87: // TUPLE3
          {
            need(3, "TUPLE3");
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
   */
  private void fastRun() {
    int max = analysis.maxStack();
    if (stack.length - top < FAST_STACK_ROOM && stack.length < max) {
      // Room for a run of pushes, grown ahead through the same sizes as grow() would take them, and only while
      // grow() would still grow it (it refuses once the length reaches the limit), so the limit hits as before.
      int n = stack.length;
      while (n - top < FAST_STACK_ROOM && n < max) {
        n = (int) Math.min(max + 1L, n * 2L);
      }
      stack = Arrays.copyOf(stack, n);
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
    final long[] auxOffset = auxA;
    final int[] auxLength = auxB;
    final int lim = (int) Math.min(bufLen, end - bufBase);
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
    final int stop = (int) Math.min(Math.min(safeEnd, (long) start + quota), (long) start + slots - t);
    int ran = 0;
    int mt = markTop;
    int memoSize = memoCount;
    int base = mt > 0 ? marks[mt - 1] : 0;
    // Each pass runs one opcode, with room for a push and a buffered fixed-width argument, and budget for it.
    loop:
    while (p < stop) {
      int op = b[p] & 0xFF;
      switch (op) {
        case 'K': // BININT1
          st[t++] = Sym.smallInt(b[p + 1] & 0xFF);
          p += 2;
          break;
        case 'M': // BININT2
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
          st[t++] = Sym.FLOAT_VALUE;
          p += 9;
          break;
        case 'N': // NONE
          st[t++] = Sym.NONE_VALUE;
          p++;
          break;
        case 0x88: // NEWTRUE
          st[t++] = Sym.TRUE;
          p++;
          break;
        case 0x89: // NEWFALSE
          st[t++] = Sym.FALSE;
          p++;
          break;
        case ')': // EMPTY_TUPLE
          st[t++] = Sym.EMPTY_TUPLE;
          p++;
          break;
        case 0x8f: // EMPTY_SET
          st[t++] = Sym.SET_VALUE;
          p++;
          break;
        case ']': // EMPTY_LIST
          st[t++] = new Sym(Sym.LIST);
          p++;
          break;
        case '}': // EMPTY_DICT
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
            auxOffset[t] = bufBase + p + 2;
            auxLength[t] = n;
            st[t++] = op == 'C' ? Sym.PENDING_BYTES : Sym.PENDING_STR;
            p += 2 + n;
          }
          break;
        case 'X': // BINUNICODE
        case 'B': // BINBYTES
          {
            long n = s32At(b, p + 1) & 0xFFFFFFFFL;
            if (p + 5 + n > safeEnd + MAX_FIXED_OPCODE_BYTES) {
              break loop;
            }
            auxOffset[t] = bufBase + p + 5;
            auxLength[t] = (int) n;
            st[t++] = op == 'B' ? Sym.PENDING_BYTES : Sym.PENDING_STR;
            p += 5 + (int) n;
          }
          break;
        case '(': // MARK
          if (mt == marks.length) {
            break loop;
          }
          marks[mt++] = t;
          base = t;
          p++;
          break;
        case '0': // POP
          if (t == base) {
            break loop;
          }
          t--;
          p++;
          break;
        case 'h': // BINGET
        case 'j': // LONG_BINGET
          {
            long index = op == 'h' ? b[p + 1] & 0xFF : s32At(b, p + 1) & 0xFFFFFFFFL;
            if (index >= memoCode.length) {
              break loop;
            }
            int code = memoCode[(int) index];
            Sym v;
            if (code > 1) {
              v = Sym.shared(code - 2);
            } else if (code == 1) {
              v = memoDense[(int) index];
            } else {
              break loop;
            }
            st[t++] = v;
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
            int[] codes = memoCode;
            if (index >= codes.length) {
              break loop;
            }
            // A memoised value is kept, so a pending one is made real here as memoPut would (the same slot, the
            // same value): protocol 2 to 5 pickles memoise nearly every string right after pushing it.
            Sym v = get(t - 1);
            int i = (int) index;
            boolean fresh = codes[i] == 0;
            boolean record = fresh && i > memoSize;
            if (fresh && memoSize >= analysis.maxMemo() || record && memoKeyCount == memoKeys.length) {
              break loop;
            }
            int shared = Sym.sharedId(v);
            if (shared >= 0) {
              codes[i] = shared + 2;
            } else {
              if (i >= memoDense.length) {
                break loop;
              }
              memoDense[i] = v;
              codes[i] = 1;
            }
            if (record) {
              memoKeys[memoKeyCount++] = i;
            }
            if (fresh) {
              memoSize++;
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
            top = t; // sliceTuple reads the items from its mark to the top
            Sym tuple = sliceTuple(from);
            mt--;
            base = mt > 0 ? marks[mt - 1] : 0;
            t = from;
            st[t++] = tuple;
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
    budget = startBudget - ran;
    fastOpcodes += ran;
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
    int max = analysis.maxStack();
    if (top >= max) {
      throw limit(LimitType.PICKLE_STACK_SIZE, max, "pickle stack");
    }
    int n = (int) Math.min(max + 1L, stack.length * 2L);
    stack = Arrays.copyOf(stack, n);
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
    if (s == Sym.PENDING_INT || s == Sym.PENDING_STR || s == Sym.PENDING_BYTES) {
      return materialize(i, s);
    }
    return s;
  }

  /** The slow path of {@link #get}: kept out of it so that get stays small enough to be inlined everywhere. */
  private Sym materialize(int i, Sym s) {
    if (s == Sym.PENDING_INT) {
      s = Sym.ofInt(auxA[i]);
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

  private void memoPut(long index) {
    if (top - base() < 1) {
      throw broken("memo store on an empty stack");
    }
    Sym v = get(top - 1);
    int shared;
    if (index >= 0 && index < memoCode.length && (shared = Sym.sharedId(v)) >= 0) {
      // The common case (MEMOIZE of True, a small int, None) kept small enough for the JIT to inline into the loop.
      int i = (int) index;
      boolean fresh = memoCode[i] == 0;
      memoCode[i] = shared + 2;
      if (fresh) {
        if (i > memoCount) {
          memoKeep(i);
        }
        if (++memoCount > analysis.maxMemo()) {
          throw limit(LimitType.PICKLE_MEMO_SIZE, analysis.maxMemo(), "pickle memo");
        }
      }
      return;
    }
    memoPutAny(index, v);
  }

  /** Records a fresh dense slot above the entry count (see memoKeys). */
  private void memoKeep(int slot) {
    if (memoKeyCount == memoKeys.length) {
      memoKeys = Arrays.copyOf(memoKeys, memoKeyCount * 2);
    }
    memoKeys[memoKeyCount++] = slot;
  }

  private void memoPutAny(long index, Sym v) {
    if (index < 0) {
      throw broken("negative PUT argument");
    }
    boolean fresh;
    if (index < memoCode.length
        || index < DENSE_MEMO
        || index <= 2L * memoCount + DENSE_MEMO && index < Integer.MAX_VALUE - 8) {
      // Dense indices (MEMOIZE, BINPUT 0..n) live in an array; it only grows as far as the memo is full, so an
      // index of 2^32 - 1 cannot make it large.
      int i = (int) index;
      if (i >= memoCode.length) {
        long grown = Math.min(Integer.MAX_VALUE - 8, Math.max(i + 1L, memoCode.length * 2L));
        memoCode = Arrays.copyOf(memoCode, (int) grown);
      }
      fresh = memoCode[i] == 0;
      int shared = Sym.sharedId(v);
      if (shared >= 0) {
        memoCode[i] = shared + 2;
      } else {
        if (i >= memoDense.length) {
          memoDense = Arrays.copyOf(memoDense, memoCode.length);
        }
        memoDense[i] = v;
        memoCode[i] = 1;
      }
      if (fresh && i > memoCount) {
        memoKeep(i);
      }
    } else {
      if (memoSparse == null) {
        memoSparse = new HashMap<>();
      }
      fresh = memoSparse.put(index, v) == null;
    }
    if (fresh && ++memoCount > analysis.maxMemo()) {
      throw limit(LimitType.PICKLE_MEMO_SIZE, analysis.maxMemo(), "pickle memo");
    }
  }

  private Sym memoGet(long index) {
    Sym v = null;
    if (index >= 0 && index < memoCode.length) {
      int code = memoCode[(int) index];
      if (code == 1) {
        v = memoDense[(int) index];
      } else if (code > 1) {
        v = Sym.shared(code - 2);
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

  // ------------------------------------------------------------------------------------------ imports and calls

  private Sym importGlobal(String module, String name, String opcode, long at) {
    String key = module + '\n' + name + '\n' + (proto < 3 ? '2' : '3');
    ImportRecord r = imports.get(key);
    if (r == null) {
      if (imports.size() >= Math.max(1, analysis.maxMemo() / PickleAnalysis.MEMO_ENTRIES_PER_IMPORT)) {
        // Named after the setting that changes it: the bound once was a constant that the named setting did not move.
        throw limit(
            LimitType.PICKLE_MEMO_SIZE,
            analysis.maxMemo(),
            "distinct imports of one pickle (one per " + PickleAnalysis.MEMO_ENTRIES_PER_IMPORT + " memo entries)");
      }
      if (!analysis.plausibleName(module, name)) {
        throw broken("implausible global name");
      }
      r = new ImportRecord(module, name, opcode, at, analysis.classify(module, name, proto));
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
    if (callee.kind == Sym.GLOBAL) {
      c.ref = callee.ref;
      callee.ref.called(opcode, at);
      analysis.called(this, callee.ref, args, at);
    } else if (callee.kind == Sym.CALL && callee.ref != null) {
      // Calling what a call returned (getattr(obj, "system")(...)): evidence for the inner callee.
      callee.ref.called(opcode + " on its result", at);
    }
    return c;
  }

  private void mutate(Sym target, Sym value, String opcode, long at) {
    // APPEND/SETITEM/ADDITEMS on something that is not a plain container call its methods (extend, __setitem__, add).
    if ((target.kind == Sym.CALL || target.kind == Sym.GLOBAL) && target.ref != null) {
      target.ref.called(opcode, at);
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
    if (target.kind == Sym.CALL) {
      target.state = state;
      if (target.ref != null) {
        target.ref.called("BUILD", at);
        if (analysis.isJoblibWrapper(target.ref)) {
          joblibArray(target, at);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------- joblib

  /**
   * joblib writes the bytes of a NumPy array right after the BUILD of its NumpyArrayWrapper, outside the pickle
   * opcodes: a padding length byte and that many padding bytes (when the wrapper has numpy_array_alignment_bytes),
   * then prod(shape) * itemsize bytes; or, for object dtypes, a complete nested pickle. Skip them exactly as joblib
   * reads them, so that the opcodes after the array are analysed and the array is never read as opcodes.
   */
  private void joblibArray(Sym wrapper, long at) {
    Sym state = wrapper.state;
    Sym shape = dictGet(state, "shape");
    Sym dtype = dictGet(state, "dtype");
    boolean aligned = dictGet(state, "numpy_array_alignment_bytes") != null;
    analysis.sawJoblib();
    long count = 1;
    if (shape == null || shape.kind != Sym.TUPLE || shape.items == null || shape.items.length != shape.count) {
      throw unresolvedArray(at, "its shape is not a literal tuple");
    }
    for (Sym d : shape.items) {
      if (d.kind != Sym.INT || !d.exact || d.intValue < 0) {
        throw unresolvedArray(at, "its shape holds something other than non-negative integers");
      }
      try {
        count = Math.multiplyExact(count, d.intValue);
      } catch (ArithmeticException e) {
        throw broken("joblib array shape overflows");
      }
    }
    long[] itemsizeAndObject = dtypeInfo(dtype);
    if (itemsizeAndObject == null) {
      throw unresolvedArray(at, "its dtype is not a literal numpy.dtype");
    }
    if (itemsizeAndObject[1] != 0) {
      // Object arrays: joblib calls pickle.load on the same stream; the nested pickle runs in full.
      if (depth >= analysis.maxNesting()) {
        throw limit(LimitType.NESTING_DEPTH, analysis.maxNesting(), "pickles nested in joblib object arrays");
      }
      long pos = bufBase + bufPos;
      PickleMachine nested = new PickleMachine(analysis, src, 8192, depth + 1);
      analysis.returnBudget(budget);
      int outcome;
      try {
        outcome = nested.run(pos, end);
      } finally {
        budget = analysis.takeBudget();
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
      nbytes = Math.multiplyExact(count, itemsizeAndObject[0]);
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

  private Broken unresolvedArray(long at, String why) {
    analysis.joblibUnresolved(at, why);
    return broken("the joblib array built at offset " + at + " cannot be located: " + why);
  }

  /** {itemsize, hasObject} of a numpy.dtype(...) call (with its BUILD state), or null when unknown. */
  private long[] dtypeInfo(Sym dtype) {
    if (dtype == null
        || dtype.kind != Sym.CALL
        || dtype.ref == null
        || !dtype.ref.verdict.resolved().endsWith("dtype")) {
      return null;
    }
    Sym descrSym = dtype.args == null ? null : dtype.args.item(0);
    String descr = descrSym == null ? null : text(descrSym);
    if (descr == null) {
      return null;
    }
    Sym st = dtype.state;
    long elsize = -1;
    boolean structured = false;
    if (st != null && st.kind == Sym.TUPLE) {
      Sym e = st.item(5);
      if (e != null && e.kind == Sym.INT && e.exact) {
        elsize = e.intValue;
      }
      Sym names = st.item(3);
      structured = names != null && names.kind != Sym.NONE;
    }
    String d = descr;
    while (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
      d = d.substring(1);
    }
    if (d.isEmpty()) {
      return null;
    }
    char kind = d.charAt(0);
    if (kind == 'O') {
      return new long[] {8, 1};
    }
    if (structured) {
      Sym fields = st.item(4);
      if (fields == null || fields.kind != Sym.DICT || fields.items == null || fields.count * 2 > fields.items.length) {
        return null;
      }
      for (int i = 1; i < fields.count * 2; i += 2) {
        Sym f = fields.items[i];
        Sym fd = f == null ? null : f.item(0);
        long[] sub = fd == null ? null : dtypeInfo(fd);
        if (sub == null) {
          return null;
        }
        if (sub[1] != 0) {
          return new long[] {8, 1};
        }
      }
    }
    if (elsize > 0) {
      return new long[] {elsize, 0};
    }
    long n = 0;
    int i = 1;
    while (i < d.length() && Character.isDigit(d.charAt(i)) && n < Integer.MAX_VALUE) {
      n = n * 10 + (d.charAt(i) - '0');
      i++;
    }
    if (i == 1) {
      return kind == '?' || kind == 'b' ? new long[] {1, 0} : null;
    }
    return new long[] {kind == 'U' ? n * 4 : n, 0};
  }

  /** The value under a string key of a symbolic dict, or null. */
  Sym dictGet(Sym dict, String key) {
    if (dict == null || dict.kind != Sym.DICT || dict.items == null) {
      return null;
    }
    int pairs = Math.min(dict.count, dict.items.length / 2);
    for (int i = 0; i < pairs; i++) {
      Sym k = dict.items[2 * i];
      if (k != null && k.kind == Sym.STR && k.length == key.length() && key.equals(text(k))) {
        return dict.items[2 * i + 1];
      }
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------------------- frames

  private void frame(long length, long at) {
    long after = bufBase + bufPos;
    if (length < 0 || length > end - after) {
      analysis.frameAnomaly(at, "FRAME declares " + Long.toUnsignedString(length) + " bytes but only "
          + (end - after) + " remain");
    } else if (frameEnd > after) {
      analysis.frameAnomaly(at, "FRAME starts before the previous frame ends at offset " + frameEnd);
    }
    frameEnd = length < 0 ? end : after + length;
  }

  // ------------------------------------------------------------------------------------------------------- numbers

  private Sym long1(int n) {
    long at = bufBase + bufPos;
    if (n > end - at) {
      throw eof("LONG argument runs past the end of the content");
    }
    if (n == 0) {
      return Sym.ofInt(0);
    }
    if (n <= 8) {
      ensure(n);
      long v = 0;
      for (int i = n - 1; i >= 0; i--) {
        v = (v << 8) | (buf[bufPos + i] & 0xFF);
      }
      if (n < 8 && (buf[bufPos + n - 1] & 0x80) != 0) {
        v |= -1L << (8 * n); // sign-extend two's complement
      }
      bufPos += n;
      return Sym.ofInt(v);
    }
    if (n == TORCH_MAGIC_LE.length) {
      ensure(n);
      boolean magic = true;
      for (int i = 0; i < n; i++) {
        magic &= buf[bufPos + i] == TORCH_MAGIC_LE[i];
      }
      bufPos += n;
      return magic ? TORCH_MAGIC : Sym.BIG_INT;
    }
    skip(n); // big integers are never materialised
    return Sym.BIG_INT;
  }

  /** INT and LONG take any literal int(x, 0) accepts (base prefixes, underscores, a trailing L for LONG). */
  private Sym parseIntLine(int n, boolean isInt) {
    String s = new String(buf, lineStart, n, StandardCharsets.ISO_8859_1).strip();
    if (isInt && (s.equals("00") || s.equals("01"))) {
      return s.equals("01") ? Sym.TRUE : Sym.FALSE;
    }
    if (!isInt && s.endsWith("L")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals("119547037146038801333356")) {
      return TORCH_MAGIC;
    }
    Long v = parsePythonInt(s);
    return v == null ? Sym.BIG_INT : Sym.ofInt(v);
  }

  static Long parsePythonInt(String s) {
    String t = s.replace("_", "");
    boolean neg = false;
    if (t.startsWith("-") || t.startsWith("+")) {
      neg = t.startsWith("-");
      t = t.substring(1);
    }
    int radix = 10;
    String lower = t.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      t = t.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      t = t.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      t = t.substring(2);
    }
    if (t.isEmpty() || t.length() > 64) {
      return null;
    }
    try {
      long v = Long.parseLong(t, radix);
      return neg ? -v : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** GET and PUT indices are decimal; an index that does not parse is broken for CPython. */
  private long parseIndexLine(int n) {
    String s = new String(buf, lineStart, n, StandardCharsets.ISO_8859_1).strip();
    Long v = parsePythonInt(s);
    if (v == null) {
      throw broken("invalid memo index '" + s + "'");
    }
    return v;
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

  /** STRING: a quoted repr-style literal; CPython requires the quotes and applies escape_decode to the inside. */
  private String decodeStringLine(int n) {
    if (n < 2 || buf[lineStart] != buf[lineStart + n - 1] || (buf[lineStart] != '\'' && buf[lineStart] != '"')) {
      throw broken("the STRING opcode argument must be quoted");
    }
    StringBuilder sb = new StringBuilder(n);
    int i = lineStart + 1;
    int stop = lineStart + n - 1;
    while (i < stop) {
      char c = (char) (buf[i] & 0xFF);
      if (c != '\\' || i + 1 >= stop) {
        sb.append(c);
        i++;
        continue;
      }
      char e = (char) (buf[i + 1] & 0xFF);
      i += 2;
      switch (e) {
        case 'n':
          sb.append('\n');
          break;
        case 't':
          sb.append('\t');
          break;
        case 'r':
          sb.append('\r');
          break;
        case 'a':
          sb.append('\u0007');
          break;
        case 'b':
          sb.append('\b');
          break;
        case 'f':
          sb.append('\f');
          break;
        case 'v':
          sb.append('\u000b');
          break;
        case '\\':
        case '\'':
        case '"':
          sb.append(e);
          break;
        case 'x':
          if (i + 2 <= stop && hex(buf[i]) >= 0 && hex(buf[i + 1]) >= 0) {
            sb.append((char) (hex(buf[i]) * 16 + hex(buf[i + 1])));
            i += 2;
          } else {
            throw broken("invalid \\x escape in STRING");
          }
          break;
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < stop && buf[i] >= '0' && buf[i] <= '7'; k++) {
              v = v * 8 + (buf[i++] - '0');
            }
            sb.append((char) (v & 0xFF));
          } else {
            sb.append('\\').append(e);
          }
      }
    }
    return sb.toString();
  }

  /** UNICODE: raw-unicode-escape, where only \\uXXXX and \\UXXXXXXXX are escapes. */
  private String decodeRawUnicodeEscape(int n) {
    StringBuilder sb = new StringBuilder(n);
    int i = lineStart;
    int stop = lineStart + n;
    while (i < stop) {
      char c = (char) (buf[i] & 0xFF);
      if (c == '\\' && i + 1 < stop && (buf[i + 1] == 'u' || buf[i + 1] == 'U')) {
        int digits = buf[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits <= stop) {
          int v = 0;
          boolean ok = true;
          for (int k = 0; k < digits; k++) {
            int h = hex(buf[i + 2 + k]);
            ok &= h >= 0;
            v = v * 16 + Math.max(h, 0);
          }
          if (ok && Character.isValidCodePoint(v)) {
            sb.appendCodePoint(v);
            i += 2 + digits;
            continue;
          }
        }
        throw broken("truncated \\uXXXX escape in UNICODE");
      }
      sb.append(c);
      i++;
    }
    return sb.toString();
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
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
    int max = analysis.maxLine();
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

  private int u8() {
    return bufPos < bufLen ? buf[bufPos++] & 0xFF : u8Slow();
  }

  private int u8Slow() {
    ensure(1);
    return buf[bufPos++] & 0xFF;
  }

  private int u16() {
    if (bufLen - bufPos < 2) {
      ensure(2);
    }
    int v = (buf[bufPos] & 0xFF) | (buf[bufPos + 1] & 0xFF) << 8;
    bufPos += 2;
    return v;
  }

  private int s32() {
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

  private ScanLimitExceededException limit(LimitType type, long max, String what) {
    return new ScanLimitExceededException(type, max, -1, what + " at offset " + lastOpcodeOffset);
  }
}
