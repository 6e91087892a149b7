package dev.modelscan.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pickle programs opcode by opcode, so that benchmark inputs are exact and need no Python. Only builds bytes;
 * nothing here ever reads a pickle back.
 */
public final class PickleWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Creates an empty program. */
  public PickleWriter() {}

  /**
   * Appends raw bytes (an opcode and its argument written by hand).
   *
   * @param bytes the bytes
   * @return this writer
   */
  public PickleWriter raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  /**
   * PROTO n.
   *
   * @param version protocol version
   * @return this writer
   */
  public PickleWriter proto(int version) {
    return raw(0x80, version);
  }

  /**
   * GLOBAL module\nname\n.
   *
   * @param module module
   * @param name name
   * @return this writer
   */
  public PickleWriter global(String module, String name) {
    out.write('c');
    ascii(module + "\n" + name + "\n");
    return this;
  }

  /**
   * The smallest integer opcode that holds the value (BININT1, BININT2 or BININT).
   *
   * @param v the value
   * @return this writer
   */
  public PickleWriter integer(int v) {
    if (v >= 0 && v < 256) {
      return raw('K', v);
    }
    if (v >= 0 && v < 65536) {
      return raw('M', v & 0xFF, v >>> 8);
    }
    out.write('J');
    le32(v);
    return this;
  }

  /**
   * BINUNICODE with a 4-byte length.
   *
   * @param s the string
   * @return this writer
   */
  public PickleWriter unicode(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    le32(b.length);
    out.writeBytes(b);
    return this;
  }

  /**
   * BINPUT (index below 256) or LONG_BINPUT.
   *
   * @param index memo index
   * @return this writer
   */
  public PickleWriter put(int index) {
    if (index < 256) {
      return raw('q', index);
    }
    out.write('r');
    le32(index);
    return this;
  }

  /**
   * BINGET (index below 256) or LONG_BINGET.
   *
   * @param index memo index
   * @return this writer
   */
  public PickleWriter get(int index) {
    if (index < 256) {
      return raw('h', index);
    }
    out.write('j');
    le32(index);
    return this;
  }

  /**
   * Appends a 4-byte little-endian value.
   *
   * @param v the value
   * @return this writer
   */
  public PickleWriter le32(int v) {
    return raw(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24);
  }

  private void ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The bytes written so far.
   *
   * @return a copy
   */
  public byte[] toByteArray() {
    return out.toByteArray();
  }

  /**
   * How many bytes were written.
   *
   * @return the size
   */
  public int size() {
    return out.size();
  }
}
