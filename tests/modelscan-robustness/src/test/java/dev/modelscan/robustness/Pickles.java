package dev.modelscan.robustness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes pickles opcode by opcode, remembering where every opcode starts, so that properties can insert a call at
 * any opcode boundary or truncate right after a payload. Nothing here is ever unpickled: the bytes are only scanned.
 *
 * <p>The benign generator uses the protocol-2 opcodes below and builds one value the way {@code pickle.dumps} would
 * (containers, memo puts and gets, ints, floats, strings), so that its output is a valid pickle of plain data.
 */
public final class Pickles {

  /** A pickle and the offsets at which its opcodes start (the last one is STOP's). */
  public record Program(byte[] bytes, List<Integer> opcodeStarts) {
    /**
     * The offset of the STOP opcode, the last place where an inserted opcode still runs.
     *
     * @return the offset
     */
    public int stopOffset() {
      return opcodeStarts.get(opcodeStarts.size() - 1);
    }

    @Override
    public String toString() {
      return Hex.dump(bytes);
    }
  }

  /** A dangerous call sequence and the callable it reaches. */
  public record Call(String form, String module, String name, byte[] bytes) {
    @Override
    public String toString() {
      return form + " " + module + "." + name + " " + Hex.dump(bytes);
    }
  }

  private static final String[][] CALLABLES = {
    {"os", "system", "echo pwned"},
    {"posix", "system", "echo pwned"},
    {"builtins", "eval", "1+1"},
    {"builtins", "exec", "1+1"},
    {"subprocess", "check_output", "echo pwned"},
  };

  private Pickles() {}

  /** Collects opcodes and their offsets. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Integer> starts = new ArrayList<>();

    /**
     * Starts an opcode.
     *
     * @param opcode the opcode byte
     * @return this writer
     */
    public Writer op(int opcode) {
      starts.add(out.size());
      out.write(opcode);
      return this;
    }

    /**
     * Appends raw argument bytes to the current opcode.
     *
     * @param b the bytes
     * @return this writer
     */
    public Writer raw(byte[] b) {
      out.write(b, 0, b.length);
      return this;
    }

    /**
     * Appends a little-endian integer argument.
     *
     * @param v the value
     * @param bytes its width
     * @return this writer
     */
    public Writer le(long v, int bytes) {
      for (int i = 0; i < bytes; i++) {
        out.write((int) (v >>> (8 * i)) & 0xFF);
      }
      return this;
    }

    /**
     * BINUNICODE: a UTF-8 string with a 4-byte length.
     *
     * @param s the string
     * @return this writer
     */
    public Writer binUnicode(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return op('X').le(b.length, 4).raw(b);
    }

    /**
     * The program so far.
     *
     * @return bytes and opcode offsets
     */
    public Program program() {
      return new Program(out.toByteArray(), List.copyOf(starts));
    }
  }

  /**
   * A random pickle of plain data (protocol 2), ending with STOP.
   *
   * @param random the source of randomness
   * @return the program
   */
  public static Program benign(Random random) {
    Writer w = new Writer();
    w.op(0x80).le(2, 1);
    int[] memo = {0};
    value(w, random, 0, memo);
    w.op('.');
    return w.program();
  }

  private static void value(Writer w, Random r, int depth, int[] memo) {
    int kind = r.nextInt(depth >= 3 ? 7 : 11);
    switch (kind) {
      case 0 -> w.op('N');
      case 1 -> w.op(r.nextBoolean() ? 0x88 : 0x89);
      case 2 -> w.op('K').le(r.nextInt(256), 1);
      case 3 -> w.op('M').le(r.nextInt(65536), 2);
      case 4 -> w.op('J').le(r.nextInt(), 4);
      case 5 -> w.op('G').le(Double.doubleToLongBits(r.nextDouble()), 8);
      case 6 -> {
        if (memo[0] > 0 && r.nextBoolean()) {
          w.op('h').le(r.nextInt(memo[0]), 1); // BINGET of a value stored earlier
        } else {
          w.binUnicode(word(r));
        }
      }
      case 7 -> {
        w.op(']');
        put(w, r, memo);
        int n = r.nextInt(4);
        if (n == 1) {
          value(w, r, depth + 1, memo);
          w.op('a');
        } else if (n > 1) {
          w.op('(');
          for (int i = 0; i < n; i++) {
            value(w, r, depth + 1, memo);
          }
          w.op('e');
        }
      }
      case 8 -> {
        w.op('}');
        put(w, r, memo);
        int n = r.nextInt(3);
        if (n > 0) {
          w.op('(');
          for (int i = 0; i < n; i++) {
            w.binUnicode(word(r));
            value(w, r, depth + 1, memo);
          }
          w.op('u');
        }
      }
      case 9 -> {
        int n = r.nextInt(4);
        if (n == 0) {
          w.op(')');
        } else {
          for (int i = 0; i < n; i++) {
            value(w, r, depth + 1, memo);
          }
          w.op(0x84 + n); // TUPLE1..TUPLE3
        }
      }
      default -> {
        w.op('(');
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          value(w, r, depth + 1, memo);
        }
        w.op('t');
      }
    }
    if (kind >= 7) {
      put(w, r, memo);
    }
  }

  private static void put(Writer w, Random r, int[] memo) {
    if (memo[0] < 200 && r.nextInt(3) == 0) {
      w.op('q').le(memo[0]++, 1);
    }
  }

  private static String word(Random r) {
    String[] words = {"weight", "bias", "layer.0", "é", "", "model", "state_dict", "x".repeat(40)};
    return words[r.nextInt(words.length)];
  }

  /**
   * Every dangerous call form for one callable: protocol-0 GLOBAL with REDUCE, STACK_GLOBAL with REDUCE, GLOBAL via a
   * memo round trip, INST and OBJ. Each pushes exactly one value (the call's result), like any other value would.
   *
   * @param which index of the callable (taken modulo the number of callables)
   * @return the call sequences
   */
  public static List<Call> calls(int which) {
    String[] c = CALLABLES[Math.floorMod(which, CALLABLES.length)];
    String mod = c[0];
    String name = c[1];
    String arg = c[2];
    List<Call> out = new ArrayList<>();
    out.add(new Call("GLOBAL+REDUCE", mod, name, ascii("c" + mod + "\n" + name + "\n(S'" + arg + "'\ntR")));
    Writer sg = new Writer();
    sg.binUnicode(mod).binUnicode(name).op(0x93).binUnicode(arg).op(0x85).op('R');
    out.add(new Call("STACK_GLOBAL+REDUCE", mod, name, sg.program().bytes()));
    Writer memo = new Writer();
    memo.raw(ascii("c" + mod + "\n" + name + "\n")).op('q').le(0xFE, 1).op('0').op('h').le(0xFE, 1);
    memo.binUnicode(arg).op(0x85).op('R');
    out.add(new Call("GLOBAL+memo+REDUCE", mod, name, memo.program().bytes()));
    out.add(new Call("INST", mod, name, ascii("(S'" + arg + "'\ni" + mod + "\n" + name + "\n")));
    out.add(new Call("OBJ", mod, name, ascii("(c" + mod + "\n" + name + "\nS'" + arg + "'\no")));
    return out;
  }

  /**
   * The number of callables {@link #calls(int)} cycles through.
   *
   * @return the count
   */
  public static int callableCount() {
    return CALLABLES.length;
  }

  /**
   * Inserts bytes at an offset.
   *
   * @param base the pickle
   * @param at the offset, an opcode boundary
   * @param what the bytes to insert
   * @return a new array
   */
  public static byte[] insert(byte[] base, int at, byte[] what) {
    byte[] out = new byte[base.length + what.length];
    System.arraycopy(base, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(base, at, out, at + what.length, base.length - at);
    return out;
  }

  /**
   * ASCII bytes of a string.
   *
   * @param s the string
   * @return its bytes
   */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
