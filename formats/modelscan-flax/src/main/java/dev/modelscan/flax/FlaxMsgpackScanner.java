package dev.modelscan.flax;

import com.google.auto.service.AutoService;
import dev.modelscan.api.LimitType;
import dev.modelscan.api.MalformedContentException;
import dev.modelscan.api.ModelScanVersion;
import dev.modelscan.api.ScanLimitExceededException;
import dev.modelscan.api.io.ByteSource;
import dev.modelscan.api.io.Utf8;
import dev.modelscan.api.spi.ContentHead;
import dev.modelscan.api.spi.ModelScanner;
import dev.modelscan.api.spi.Recognition;
import dev.modelscan.api.spi.ScanContext;
import dev.modelscan.api.spi.ScannerDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises and validates Flax checkpoints written by {@code flax.serialization.to_bytes} / {@code
 * msgpack_serialize} ({@code flax_model.msgpack} in Hugging Face model directories).
 *
 * <p>Why a scanner for a file without code: a model directory is complete only when every file in it was analysed,
 * and content that no scanner recognises stays skipped (fail closed). Restoring a Flax checkpoint ({@code
 * msgpack_restore}) unpacks msgpack and turns ext types 1 to 3 into numpy arrays and scalars with {@code
 * np.frombuffer}; it has no path to code (no pickle, no import), so this scanner makes no code findings. It validates
 * the structure instead, so that a file that only starts like a checkpoint cannot carry anything else unseen: every
 * violation is reported as malformed ({@code MODELSCAN-MALFORMED}, by a {@link MalformedContentException}) and the
 * result is not complete.
 *
 * <p>Checked over the whole file: the top level is one msgpack map and nothing follows it (appended data no loader
 * reads); every map key is a str (flax state dicts have only str keys, chunked arrays too) and appears once in its map
 * (msgpack keeps the last of repeated keys, so a first, checked-looking value could be silently replaced); every str is
 * well-formed UTF-8 (the loader unpacks with {@code raw=False} and fails otherwise); every length and element count
 * lies inside the enclosing value before anything is read or allocated (a count needs at least one byte per element, so
 * a declared 2^32 entries cannot make the walk loop or allocate); the reserved byte {@code 0xC1} never appears; ext
 * values are only the three types flax writes: 1 (ndarray) and 3 (numpy scalar), whose payload is exactly one msgpack
 * 3-array {@code (shape, dtype name, buffer)} with a shape of non-negative ints, a dtype name among {@code bool},
 * {@code int8..int64}, {@code uint8..uint64}, {@code float16}, {@code bfloat16}, {@code float32}, {@code float64},
 * {@code complex64}, {@code complex128} ({@code object} / {@code O} is reported: flax refuses to write it and an object
 * array would need pickle) and a bin buffer of exactly product(shape) * itemsize bytes (computed with overflow checks:
 * a mismatch makes {@code np.frombuffer(...).reshape} fail, or hides extra bytes), and 2 (native complex), whose
 * payload is exactly a 2-array of numbers. Chunked arrays ({@code __msgpack_chunked_array__}, which {@code _chunk}
 * writes for arrays over 1 GiB) are maps of str keys, bools, ints and 1-D ndarray exts: they are walked and validated
 * like any other map; that the chunks add up to the declared shape is not checked (a mismatch only makes the loader's
 * reshape fail). Recognition walks the head the same way and claims (STRONG) a non-empty top-level map once it meets an
 * ext 1 or 3 whose payload starts as (shape array, dtype str), even if something later is broken (so that scan()
 * reports it); the {@code .msgpack} name only raises a head cut off inside well-formed keys to PROBABLE. An empty
 * fixmap ({@code 80}) is never claimed: it is the pickle PROTO opcode.
 *
 * <p>Bounds: nesting by {@code maxJsonDepth} (msgpack is JSON's binary twin, and a state dict is as deep as the
 * module tree, far below the default of 256), each str by {@code maxStringBytes} (recorded as a reached limit; the
 * walk goes on past it), and the deadline is checked once per map or array element. Array buffers are skipped by
 * position, never read.
 *
 * <p>Format facts verified on files written by {@code gen_flax_msgpack.py} (which mirrors flax.serialization with
 * python3-msgpack 1.0.3 and numpy, see the test fixtures) and against google/flax {@code flax/serialization.py}: an
 * ndarray is {@code ExtType(1, packb((shape, dtype.name, tobytes('C')), use_bin_type=True))}, so the payload starts
 * {@code 93}, the shape is a msgpack array, the dtype name a str ({@code a7 float32}) and the buffer a bin ({@code c4}
 * / {@code c5} / {@code c6}); the ext header is {@code c7} / {@code c8} / {@code c9} or fixext {@code d4..d8} by
 * payload size (a float32 scalar's 16-byte payload is fixext16); a numpy scalar is ext 3 with the same payload and
 * shape {@code ()} ({@code 90}), not {@code [dtype, bytes]}; with this numpy {@code np.issctype(complex)} is true, so a
 * Python complex is written as ext 3 of dtype {@code complex128}, and ext 2 ({@code packb((real, imag))}) comes from
 * the flax source only.
 */
@AutoService(ModelScanner.class)
public final class FlaxMsgpackScanner implements ModelScanner {
  static final String FORMAT = "flax-msgpack";

  /** Item size in bytes of every dtype name numpy gives the arrays flax writes. */
  private static final Map<String, Integer> ITEM_SIZES = Map.ofEntries(
      Map.entry("bool", 1), Map.entry("int8", 1), Map.entry("uint8", 1),
      Map.entry("int16", 2), Map.entry("uint16", 2), Map.entry("float16", 2), Map.entry("bfloat16", 2),
      Map.entry("int32", 4), Map.entry("uint32", 4), Map.entry("float32", 4),
      Map.entry("int64", 8), Map.entry("uint64", 8), Map.entry("float64", 8), Map.entry("complex64", 8),
      Map.entry("complex128", 16));

  /** Nesting bound while recognising (the head is at most 8 KiB; a real state dict is a few levels deep). */
  private static final int PROBE_DEPTH = 64;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public FlaxMsgpackScanner() {}

  @Override
  public ScannerDescriptor descriptor() {
    return ScannerDescriptor.of(
        "flax-msgpack", ModelScanVersion.current(),
        "Flax msgpack checkpoints (flax_model.msgpack): structure validation",
        List.of(FORMAT), List.of("msgpack"));
  }

  @Override
  public Recognition recognize(ContentHead head) {
    try {
      int b0 = head.headLength() == 0 ? -1 : head.headByte(0);
      // Only a non-empty map: 0x80 (an empty fixmap) is also the PROTO opcode every pickle of protocol 2+ starts with.
      if (!(b0 > 0x80 && b0 <= 0x8f) && b0 != 0xde && b0 != 0xdf) {
        return Recognition.none();
      }
      ByteBuffer hb = head.head();
      byte[] bytes = new byte[hb.remaining()];
      hb.get(bytes);
      Walk probe = new Walk(null, ByteSource.wrap(bytes), PROBE_DEPTH);
      boolean cutByHead = false;
      try {
        probe.checkpoint();
      } catch (Truncated t) {
        cutByHead = !head.isComplete();
      } catch (MalformedContentException e) {
        // Decided by what was seen before: a broken checkpoint is still claimed, so that scan() reports it.
      }
      if (probe.arrays > 0) {
        return Recognition.of(FORMAT, Recognition.STRONG);
      }
      if (cutByHead && probe.keys > 0 && head.extension().equals("msgpack")) {
        return Recognition.of(FORMAT, Recognition.PROBABLE); // e.g. a first key longer than the head
      }
      return Recognition.none();
    } catch (RuntimeException | IOException e) {
      return Recognition.none(); // recognize() never throws: anything malformed is simply not claimed
    }
  }

  @Override
  public void scan(ScanContext ctx) throws IOException {
    new Walk(ctx, ctx.source(), ctx.limits().maxJsonDepth()).checkpoint();
  }

  /** Reading past the end of the content (or of the enclosing value); while recognising, the head may just end. */
  private static final class Truncated extends MalformedContentException {
    private static final long serialVersionUID = 1L;

    Truncated(long offset, String message) {
      super(offset, message);
    }
  }

  /** One walk over msgpack content: a scan (ctx set) or a recognition probe over the head (ctx null). */
  private static final class Walk {
    private final ScanContext ctx;
    private final ByteSource src;
    private final int maxDepth;
    private final byte[] window = new byte[8192];
    private long windowStart;
    private int windowLength;
    private long pos;
    /** End of the value being read: the content's end, or an ext payload's while its inside is walked. */
    private long end;
    /** Ndarray / scalar payloads seen up to their dtype name. */
    int arrays;
    /** Map keys read. */
    int keys;

    Walk(ScanContext ctx, ByteSource src, int maxDepth) {
      this.ctx = ctx;
      this.src = src;
      this.maxDepth = maxDepth;
      this.end = src.size();
    }

    void checkpoint() throws IOException {
      int b = u8();
      int n;
      if (b >= 0x80 && b <= 0x8f) {
        n = b & 0x0f;
      } else if (b == 0xde) {
        n = (int) uint(2);
      } else if (b == 0xdf) {
        n = count(uint(4));
      } else {
        throw new MalformedContentException(0, "a Flax checkpoint is a msgpack map; this starts with 0x"
            + Integer.toHexString(b));
      }
      map(n, 1);
      if (pos != end) {
        throw new MalformedContentException(pos, (end - pos) + " bytes after the checkpoint's top-level map:"
            + " data no loader reads");
      }
    }

    private void value(int depth) throws IOException {
      long at = pos;
      int b = u8();
      if (b <= 0x7f || b >= 0xe0) {
        return; // fixint
      }
      if (b <= 0x8f) {
        map(b & 0x0f, depth + 1);
      } else if (b <= 0x9f) {
        array(b & 0x0f, depth + 1);
      } else if (b <= 0xbf) {
        str(b & 0x1f, at);
      } else {
        switch (b) {
          case 0xc0, 0xc2, 0xc3 -> { } // nil, false, true
          case 0xc4 -> skip(uint(1));
          case 0xc5 -> skip(uint(2));
          case 0xc6 -> skip(uint(4));
          case 0xc7 -> ext(uint(1), at);
          case 0xc8 -> ext(uint(2), at);
          case 0xc9 -> ext(uint(4), at);
          case 0xca, 0xce, 0xd2 -> skip(4);
          case 0xcb, 0xcf, 0xd3 -> skip(8);
          case 0xcc, 0xd0 -> skip(1);
          case 0xcd, 0xd1 -> skip(2);
          case 0xd4 -> ext(1, at);
          case 0xd5 -> ext(2, at);
          case 0xd6 -> ext(4, at);
          case 0xd7 -> ext(8, at);
          case 0xd8 -> ext(16, at);
          case 0xd9 -> str(uint(1), at);
          case 0xda -> str(uint(2), at);
          case 0xdb -> str(uint(4), at);
          case 0xdc -> array((int) uint(2), depth + 1);
          case 0xdd -> array(count(uint(4)), depth + 1);
          case 0xde -> map((int) uint(2), depth + 1);
          case 0xdf -> map(count(uint(4)), depth + 1);
          default -> throw new MalformedContentException(at, "byte 0xc1, which msgpack never uses");
        }
      }
    }

    private void map(int n, int depth) throws IOException {
      depth(depth);
      // Each entry takes at least two bytes: a count beyond that is a lie, found before any loop or allocation.
      if (n > (end - pos) / 2) {
        throw new Truncated(pos, "a map of " + n + " entries in " + (end - pos) + " remaining bytes");
      }
      // Keys seen in this map, to find repeats; bounded by the content (every key was read from it).
      Set<String> seen = n > 1 ? new HashSet<>() : null;
      for (int i = 0; i < n; i++) {
        deadline();
        long at = pos;
        int b = u8();
        long len;
        if (b >= 0xa0 && b <= 0xbf) {
          len = b & 0x1f;
        } else if (b == 0xd9) {
          len = uint(1);
        } else if (b == 0xda) {
          len = uint(2);
        } else if (b == 0xdb) {
          len = uint(4);
        } else {
          throw new MalformedContentException(at, "a map key of msgpack type 0x" + Integer.toHexString(b)
              + ", not a str: flax state dicts have only str keys");
        }
        keys++;
        String key = str(len, at);
        if (seen != null && key != null && !seen.add(key)) {
          // msgpack keeps the last value of a repeated key: the first one is what a reader of the file may check.
          throw new MalformedContentException(at, "the map key \"" + printable(key)
              + "\" is repeated: the loader silently keeps only the last value");
        }
        value(depth);
      }
    }

    private void array(int n, int depth) throws IOException {
      depth(depth);
      if (n > end - pos) {
        throw new Truncated(pos, "an array of " + n + " elements in " + (end - pos) + " remaining bytes");
      }
      for (int i = 0; i < n; i++) {
        deadline();
        value(depth);
      }
    }

    private void depth(int depth) {
      if (depth > maxDepth) {
        if (ctx == null) {
          throw new MalformedContentException(pos, "nested too deeply to recognise");
        }
        throw new ScanLimitExceededException(LimitType.JSON_DEPTH, maxDepth, depth, "msgpack nesting");
      }
    }

    private void deadline() {
      if (ctx != null) {
        ctx.checkDeadline();
      }
    }

    /** A str of {@code len} bytes at the cursor, UTF-8 checked; over the limit it is recorded, passed over (null). */
    private String str(long len, long at) throws IOException {
      room(len, "a str");
      int max = ctx == null ? Integer.MAX_VALUE : ctx.limits().maxStringBytes();
      if (len > max) {
        ctx.limitReached(ctx.limits().exceeded(LimitType.STRING_BYTES, len, "msgpack str"), at);
        skip(len);
        return null;
      }
      byte[] b = bytes((int) len);
      utf8(b, at);
      return new String(b, StandardCharsets.UTF_8);
    }

    private String text(long len, long at) throws IOException {
      room(len, "a str");
      byte[] b = bytes((int) len);
      utf8(b, at);
      return new String(b, StandardCharsets.UTF_8);
    }

    /** A str for a finding's message: control characters replaced, at most 60 characters. */
    private static String printable(String s) {
      String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
      return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static void utf8(byte[] b, long at) {
      if (!Utf8.isValid(b)) {
        throw new MalformedContentException(at, "a str that is not well-formed UTF-8 (the loader fails on it)");
      }
    }

    /** An ext value of {@code len} payload bytes at the cursor; the type byte comes first. */
    private void ext(long len, long at) throws IOException {
      int type = (byte) u8();
      long outer = end;
      if (ctx == null && len > end - pos) {
        // Recognising: a large array's payload runs past the head; its (shape, dtype, buffer) header is still seen.
        end = outer;
      } else {
        room(len, "an ext payload");
        end = pos + len;
      }
      switch (type) {
        case 1, 3 -> ndarray(at, type);
        case 2 -> complex(at);
        default -> throw new MalformedContentException(at, "msgpack ext type " + type
            + ", which flax does not write (1 ndarray, 2 complex, 3 numpy scalar)");
      }
      if (pos != end) {
        throw new MalformedContentException(pos, (end - pos) + " bytes after the value inside ext type " + type
            + " at offset " + at);
      }
      end = outer;
    }

    /** {@code (shape, dtype name, buffer)} as flax's {@code _ndarray_to_bytes} packs it. */
    private void ndarray(long at, int type) throws IOException {
      String what = (type == 1 ? "ndarray" : "numpy scalar") + " at offset " + at;
      if (arrayHeader(what) != 3) {
        throw new MalformedContentException(at, what + " is not a (shape, dtype, buffer) triple");
      }
      int dims = arrayHeader(what + " shape");
      if (dims > end - pos) {
        throw new Truncated(pos, what + ": a shape of " + dims + " dimensions in " + (end - pos) + " bytes");
      }
      long elements = 1;
      for (int i = 0; i < dims; i++) {
        deadline();
        long d = nonNegativeInt(what + " shape");
        try {
          elements = Math.multiplyExact(elements, d);
        } catch (ArithmeticException e) {
          throw new MalformedContentException(at, what + ": the shape's element count overflows 64 bits");
        }
      }
      long dtypeAt = pos;
      int b = u8();
      long len;
      if (b >= 0xa0 && b <= 0xbf) {
        len = b & 0x1f;
      } else if (b == 0xd9 || b == 0xc4) {
        len = uint(1); // the loader unpacks with raw=True: a bin name is read like a str
      } else {
        throw new MalformedContentException(dtypeAt, what + ": the dtype name is not a str");
      }
      if (len > 32) {
        throw new MalformedContentException(dtypeAt, what + ": a dtype name of " + len + " bytes");
      }
      String dtype = text(len, dtypeAt);
      // Ext 1 or 3 holding (shape array, dtype str, ...) is what flax writes: enough to claim the content, so that a
      // broken checkpoint is scanned and reported instead of skipped.
      arrays++;
      if (dtype.equals("object") || dtype.equals("O") || dtype.equals("|O")) {
        throw new MalformedContentException(dtypeAt, what + " has dtype " + dtype
            + ": flax refuses to write object arrays and numpy would need pickle to read one");
      }
      Integer itemSize = ITEM_SIZES.get(dtype);
      if (itemSize == null) {
        throw new MalformedContentException(dtypeAt, what + " has dtype \"" + printable(dtype)
            + "\", not a numeric numpy dtype that flax writes");
      }
      long expected;
      try {
        expected = Math.multiplyExact(elements, itemSize);
      } catch (ArithmeticException e) {
        throw new MalformedContentException(at, what + ": the buffer size of its shape overflows 64 bits");
      }
      long bufAt = pos;
      long size = switch (u8()) {
        case 0xc4 -> uint(1);
        case 0xc5 -> uint(2);
        case 0xc6 -> uint(4);
        default -> throw new MalformedContentException(bufAt, what + ": the buffer is not a msgpack bin");
      };
      if (size != expected) {
        throw new MalformedContentException(bufAt, what + " has a buffer of " + size + " bytes; its shape and "
            + dtype + " need " + expected);
      }
      skip(size);
    }

    private void complex(long at) throws IOException {
      if (arrayHeader("complex at offset " + at) != 2) {
        throw new MalformedContentException(at, "complex at offset " + at + " is not a (real, imag) pair");
      }
      for (int i = 0; i < 2; i++) {
        long p = pos;
        int b = u8();
        switch (b) {
          case 0xca, 0xce, 0xd2 -> skip(4);
          case 0xcb, 0xcf, 0xd3 -> skip(8);
          case 0xcc, 0xd0 -> skip(1);
          case 0xcd, 0xd1 -> skip(2);
          default -> {
            if (b > 0x7f && b < 0xe0) {
              throw new MalformedContentException(p, "complex at offset " + at + " has a part that is no number");
            }
          }
        }
      }
    }

    private int arrayHeader(String what) throws IOException {
      long p = pos;
      int b = u8();
      if (b >= 0x90 && b <= 0x9f) {
        return b & 0x0f;
      } else if (b == 0xdc) {
        return (int) uint(2);
      } else if (b == 0xdd) {
        return count(uint(4));
      }
      throw new MalformedContentException(p, what + " is not a msgpack array");
    }

    private long nonNegativeInt(String what) throws IOException {
      long p = pos;
      int b = u8();
      if (b <= 0x7f) {
        return b;
      }
      if (b >= 0xe0) {
        throw new MalformedContentException(p, what + " has a negative dimension");
      }
      long v = switch (b) {
        case 0xcc -> uint(1);
        case 0xcd -> uint(2);
        case 0xce -> uint(4);
        case 0xcf, 0xd3 -> uint(8);
        case 0xd0 -> (byte) uint(1);
        case 0xd1 -> (short) uint(2);
        case 0xd2 -> (int) uint(4);
        default -> throw new MalformedContentException(p, what + " has an element that is not an int");
      };
      if (v < 0) {
        throw new MalformedContentException(p, what + " has a negative dimension");
      }
      return v;
    }

    /** A 32-bit count; one beyond int range can never fit in the content and is reported as such. */
    private int count(long n) {
      if (n > Integer.MAX_VALUE) {
        throw new Truncated(pos, "a count of " + n + " elements in " + (end - pos) + " remaining bytes");
      }
      return (int) n;
    }

    private void room(long len, String what) {
      if (len > end - pos) {
        throw new Truncated(pos, what + " of " + len + " bytes with " + (end - pos) + " bytes left");
      }
    }

    private void skip(long n) {
      room(n, "a value");
      pos += n;
    }

    private long uint(int n) throws IOException {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | u8();
      }
      return v;
    }

    private byte[] bytes(int n) throws IOException {
      room(n, "a value");
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) u8();
      }
      return out;
    }

    private int u8() throws IOException {
      if (pos >= end) {
        throw new Truncated(pos, "the content ends inside a msgpack value");
      }
      if (pos < windowStart || pos >= windowStart + windowLength) {
        windowStart = pos;
        windowLength = 0;
        int n = (int) Math.min(window.length, src.size() - pos);
        src.readFully(pos, window, 0, n);
        windowLength = n;
      }
      return window[(int) (pos++ - windowStart)] & 0xff;
    }
  }
}
