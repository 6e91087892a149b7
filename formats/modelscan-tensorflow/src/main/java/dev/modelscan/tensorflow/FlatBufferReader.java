package dev.modelscan.tensorflow;

import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded FlatBuffers reader over a {@link ByteSource}: every offset, vtable and vector is checked to lie inside the
 * content before it is followed, so a hostile file fails with {@link MalformedContentException} instead of reading
 * outside the buffer (the class of bug the TFLite interpreter had). Little-endian, as FlatBuffers always are.
 */
final class FlatBufferReader {
  private static final int WINDOW = 64 * 1024;

  private final ByteSource source;
  private final long size;
  private final byte[] window = new byte[WINDOW];
  private long windowStart;
  private int windowLength;
  private long end;

  FlatBufferReader(ByteSource source) {
    this.source = source;
    this.size = source.size();
  }

  long size() {
    return size;
  }

  private void check(long p, long n, String what) {
    if (p < 0 || n < 0 || p > size - n) {
      throw new MalformedContentException(p, what + " at " + p + " (" + n + " bytes) lies outside the " + size
          + "-byte flatbuffer");
    }
    end = Math.max(end, p + n);
  }

  /** One past the last byte that any read or bounds check so far has covered: where the flatbuffer's reach ends. */
  long end() {
    return end;
  }

  private long le(long p, int n, String what) throws IOException {
    check(p, n, what);
    long v = 0;
    for (int i = 0; i < n; i++) {
      long q = p + i;
      if (q < windowStart || q >= windowStart + windowLength) {
        int len = (int) Math.min(WINDOW, size - q);
        source.readFully(q, window, 0, len);
        windowStart = q;
        windowLength = len;
      }
      v |= (long) (window[(int) (q - windowStart)] & 0xFF) << (8 * i);
    }
    return v;
  }

  /** The table an unsigned 32-bit offset at {@code p} points to. */
  Table table(long p, String what) throws IOException {
    long target = p + le(p, 4, what + " offset");
    long table = target;
    check(table, 4, what);
    long vtable = table - (int) le(table, 4, what + " vtable offset");
    check(vtable, 4, what + " vtable");
    int vtSize = (int) le(vtable, 2, what + " vtable size");
    int objSize = (int) le(vtable + 2, 2, what + " table size");
    if (vtSize < 4 || (vtSize & 1) != 0) {
      throw new MalformedContentException(vtable, what + " vtable size " + vtSize + " is invalid");
    }
    check(vtable, vtSize, what + " vtable");
    check(table, Math.max(objSize, 4), what + " table");
    return new Table(table, vtable, vtSize, objSize, what);
  }

  /** A table: fields are found through its vtable and checked against the table's size. */
  final class Table {
    private final long pos;
    private final long vtable;
    private final int vtSize;
    private final int objSize;
    private final String what;

    private Table(long pos, long vtable, int vtSize, int objSize, String what) {
      this.pos = pos;
      this.vtable = vtable;
      this.vtSize = vtSize;
      this.objSize = objSize;
      this.what = what;
    }

    long position() {
      return pos;
    }

    /** The field's offset in the table, or 0 when absent. */
    private int field(int id, int width) throws IOException {
      int slot = 4 + 2 * id;
      if (slot + 2 > vtSize) {
        return 0;
      }
      int off = (int) le(vtable + slot, 2, what + " field " + id);
      if (off != 0 && off + width > objSize) {
        throw new MalformedContentException(pos + off, what + " field " + id + " lies outside its table");
      }
      return off;
    }

    boolean has(int id) throws IOException {
      return field(id, 0) != 0;
    }

    long int8(int id, long dflt) throws IOException {
      int off = field(id, 1);
      return off == 0 ? dflt : (byte) le(pos + off, 1, what);
    }

    long int32(int id, long dflt) throws IOException {
      int off = field(id, 4);
      return off == 0 ? dflt : (int) le(pos + off, 4, what);
    }

    long uint64(int id, long dflt) throws IOException {
      int off = field(id, 8);
      return off == 0 ? dflt : le(pos + off, 8, what);
    }

    /** A string field, at most {@code max} bytes, or null when absent. */
    String string(int id, int max) throws IOException {
      int off = field(id, 4);
      if (off == 0) {
        return null;
      }
      long p = pos + off;
      long s = p + le(p, 4, what + " string offset");
      long len = le(s, 4, what + " string length");
      check(s + 4, len, what + " string");
      if (len > max) {
        throw new ScanLimitExceededException(LimitType.STRING_BYTES, max, len, what + " string");
      }
      return new String(source.readBytes(s + 4, (int) len), StandardCharsets.UTF_8);
    }

    /** A vector field: {start of elements, length}, checked to fit; {0, 0} when absent. */
    long[] vector(int id, int elementSize) throws IOException {
      int off = field(id, 4);
      if (off == 0) {
        return new long[] {0, 0};
      }
      long p = pos + off;
      long v = p + le(p, 4, what + " vector offset");
      long len = le(v, 4, what + " vector length");
      if (len > (size - v - 4) / elementSize) {
        throw new MalformedContentException(v, what + " vector of " + len + " elements does not fit the file");
      }
      return new long[] {v + 4, len};
    }
  }
}
