package dev.modelscan.robustness;

import dev.modelscan.testkit.SeededCases;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * One structural change to a byte array, the kinds a fuzzer or an attacker applies: bit flips, truncation, deletion,
 * duplication of ranges, splicing in foreign bytes, overwriting with boundary values. Positions are taken modulo the
 * input's length, so the same mutation applies to any input, and a failing case can be replayed from its seed.
 */
public sealed interface Mutation {

  /** Boundary values that break length fields and counts: 0, -1, sign bits, 2^31, 2^62. */
  List<byte[]> INTERESTING =
      List.of(
          new byte[] {0},
          new byte[] {(byte) 0xFF},
          new byte[] {(byte) 0x80},
          new byte[] {0x7F},
          new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
          new byte[] {0, 0, 0, (byte) 0x80},
          new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},
          new byte[] {0, 0, 0, 0, 0, 0, 0, 0x40},
          new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});

  /**
   * Applies the mutation.
   *
   * @param in the input, not changed
   * @return a new array
   */
  byte[] apply(byte[] in);

  /** Flips one bit. */
  record BitFlip(int pos, int bit) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      byte[] out = in.clone();
      if (out.length > 0) {
        out[Math.floorMod(pos, out.length)] ^= (byte) (1 << (bit & 7));
      }
      return out;
    }
  }

  /** Keeps a prefix. */
  record Truncate(int len) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      return Arrays.copyOf(in, in.length == 0 ? 0 : Math.floorMod(len, in.length));
    }
  }

  /** Removes a range. */
  record Delete(int from, int len) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      if (in.length == 0) {
        return in.clone();
      }
      int f = Math.floorMod(from, in.length);
      int n = Math.min(in.length - f, Math.floorMod(len, 64) + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
      out.write(in, 0, f);
      out.write(in, f + n, in.length - f - n);
      return out.toByteArray();
    }
  }

  /** Copies a range of the input to another position (repeated structures, duplicated headers). */
  record Duplicate(int from, int len, int at) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      if (in.length == 0) {
        return in.clone();
      }
      int f = Math.floorMod(from, in.length);
      int n = Math.min(in.length - f, Math.floorMod(len, 256) + 1);
      return insert(in, Math.floorMod(at, in.length + 1), Arrays.copyOfRange(in, f, f + n));
    }
  }

  /** Inserts foreign bytes (another fixture's range, or anything). */
  record Splice(byte[] foreign, int at) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      return insert(in, Math.floorMod(at, in.length + 1), foreign);
    }

    @Override
    public String toString() {
      return "Splice[" + foreign.length + " bytes at " + at + "]";
    }
  }

  /** Overwrites bytes with a boundary value (little endian reads see 0, -1, 2^31, 2^62...). */
  record Overwrite(int pos, int which) implements Mutation {
    @Override
    public byte[] apply(byte[] in) {
      byte[] out = in.clone();
      if (out.length == 0) {
        return out;
      }
      byte[] v = INTERESTING.get(Math.floorMod(which, INTERESTING.size()));
      int p = Math.floorMod(pos, out.length);
      System.arraycopy(v, 0, out, p, Math.min(v.length, out.length - p));
      return out;
    }
  }

  private static byte[] insert(byte[] in, int at, byte[] what) {
    byte[] out = new byte[in.length + what.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(in, at, out, at + what.length, in.length - at);
    return out;
  }

  /**
   * Draws any single mutation, each kind equally likely, positions up to 2^20 (taken modulo the input's length).
   *
   * @param g the case's generator
   * @return the mutation
   */
  static Mutation any(SeededCases g) {
    int max = 1 << 20;
    return switch (g.intBetween(0, 5)) {
      case 0 -> new BitFlip(g.intBetween(0, max), g.intBetween(0, 7));
      case 1 -> new Truncate(g.intBetween(0, max));
      case 2 -> new Delete(g.intBetween(0, max), g.intBetween(0, max));
      case 3 -> new Duplicate(g.intBetween(0, max), g.intBetween(0, max), g.intBetween(0, max));
      case 4 -> new Splice(g.bytes(32), g.intBetween(0, max));
      default -> new Overwrite(g.intBetween(0, max), g.intBetween(0, INTERESTING.size() - 1));
    };
  }

  /**
   * Applies mutations in order.
   *
   * @param in the input
   * @param mutations the mutations
   * @return the result
   */
  static byte[] applyAll(byte[] in, List<Mutation> mutations) {
    byte[] out = in;
    for (Mutation m : mutations) {
      out = m.apply(out);
    }
    return out;
  }
}
