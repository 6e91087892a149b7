package dev.modelscan.pickle;

import java.nio.charset.StandardCharsets;

/**
 * The text and integer literals of pickle opcodes, decoded as CPython's unpickler decodes them: the quoted STRING
 * argument (escape_decode), the raw-unicode-escape of UNICODE, the decimal and base-prefixed INT and LONG lines, and
 * the little-endian two's complement of LONG1/LONG4. Pure functions over bytes: the machine reads the bytes and turns
 * {@link Malformed} into a break of the stream, where CPython raises.
 */
final class PickleLiterals {
  private PickleLiterals() {}

  /** Thrown where CPython's unpickler raises on a literal; the message says why. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Bytes of the PyTorch legacy magic number 0x1950a86a20f9469cfc6c, little-endian as LONG1 writes it. */
  static final byte[] TORCH_MAGIC_LE = {
    0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19
  };

  /** The value of the PyTorch legacy magic number. */
  static final Sym TORCH_MAGIC = new Sym(Sym.INT);

  /** The magic number as INT or LONG lines write it in decimal. */
  private static final String TORCH_MAGIC_DECIMAL = "119547037146038801333356";

  /**
   * LONG1/LONG4 of one to eight bytes: the little-endian two's complement value.
   *
   * @param b the bytes
   * @param from where the value starts
   * @param n its length, 1 to 8
   * @return the value, sign-extended
   */
  static long littleEndianSigned(byte[] b, int from, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[from + i] & 0xFF);
    }
    if (n < 8 && (b[from + n - 1] & 0x80) != 0) {
      v |= -1L << (8 * n); // sign-extend two's complement
    }
    return v;
  }

  /** Whether the {@code n} bytes at {@code from} are the PyTorch magic number as LONG1 writes it. */
  static boolean isTorchMagic(byte[] b, int from, int n) {
    if (n != TORCH_MAGIC_LE.length) {
      return false;
    }
    boolean magic = true;
    for (int i = 0; i < n; i++) {
      magic &= b[from + i] == TORCH_MAGIC_LE[i];
    }
    return magic;
  }

  /**
   * INT and LONG lines: any literal int(x, 0) accepts (base prefixes, underscores, a trailing L for LONG); INT's
   * {@code 00} and {@code 01} are the protocol-0 booleans.
   *
   * @param line the line without its newline, in ISO-8859-1
   * @param isInt INT rather than LONG
   * @return the value: a shared boolean, the torch magic, an exact int, or {@link Sym#BIG_INT} past 64 bits or
   *     when the line is not an int
   */
  static Sym intLine(String line, boolean isInt) {
    String s = line.strip();
    if (isInt && (s.equals("00") || s.equals("01"))) {
      return s.equals("01") ? Sym.TRUE : Sym.FALSE;
    }
    if (!isInt && s.endsWith("L")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals(TORCH_MAGIC_DECIMAL)) {
      return TORCH_MAGIC;
    }
    Long v = parsePythonInt(s);
    return v == null ? Sym.BIG_INT : Sym.ofInt(v);
  }

  /**
   * A GET or PUT index line: decimal; one that does not parse is broken for CPython.
   *
   * @param b the bytes
   * @param from where the line starts
   * @param n its length without the newline
   * @return the index
   * @throws Malformed when it is not an int
   */
  static long indexLine(byte[] b, int from, int n) throws Malformed {
    String s = new String(b, from, n, StandardCharsets.ISO_8859_1).strip();
    Long v = parsePythonInt(s);
    if (v == null) {
      throw new Malformed("invalid memo index '" + s + "'");
    }
    return v;
  }

  /**
   * A Python int literal as int(s, 0) reads it (sign, base prefix, underscores), or null past 64 bits or when it is
   * none.
   */
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

  /**
   * STRING: bytes [lineStart, lineStart + n) of {@code buf}, a quoted repr-style literal; CPython requires the quotes
   * and applies escape_decode to the inside.
   */
  static String stringLiteral(byte[] buf, int lineStart, int n) throws Malformed {
    if (n < 2 || buf[lineStart] != buf[lineStart + n - 1] || (buf[lineStart] != '\'' && buf[lineStart] != '"')) {
      throw new Malformed("the STRING opcode argument must be quoted");
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
            throw new Malformed("invalid \\x escape in STRING");
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

  /**
   * UNICODE: bytes [lineStart, lineStart + n) of {@code buf} as raw-unicode-escape, where only \\uXXXX and
   * \\UXXXXXXXX are escapes.
   */
  static String rawUnicodeEscape(byte[] buf, int lineStart, int n) throws Malformed {
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
        throw new Malformed("truncated \\uXXXX escape in UNICODE");
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
}
