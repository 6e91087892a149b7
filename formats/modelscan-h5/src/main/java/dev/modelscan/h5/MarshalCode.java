package dev.modelscan.h5;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A bounded, non-executing reader of CPython {@code marshal} data holding a code object, as Keras stores Lambda
 * functions ({@code func_dump}: base64 of {@code marshal.dumps(fn.__code__)}, or a tuple {@code (code, defaults,
 * closure)}). It lists what the bytecode refers to: {@code co_names} (globals and attributes such as {@code os},
 * {@code system}, {@code eval}), string constants and nested code objects. It never builds Python objects beyond
 * strings and never interprets the bytecode.
 *
 * <p>Marshal data does not say which Python wrote it, and the code-object layout changed: 3.7 has five 32-bit
 * fields before the bytecode, 3.8&ndash;3.10 six (posonlyargcount added), 3.11+ five again but with {@code
 * co_localsplusnames}/{@code co_localspluskinds}, {@code co_qualname} and {@code co_exceptiontable}. The reader tries
 * each layout and keeps the first that parses the whole input with the field types that layout requires; when none
 * does, it fails and the caller reports the Lambda without the detail and marks the scan partial.
 */
final class MarshalCode {

  /** Which code-object layout parsed the data. */
  enum Layout {
    PY311_PLUS("Python 3.11+"),
    PY38_310("Python 3.8-3.10"),
    PY37("Python 3.7");

    final String label;

    Layout(String label) {
      this.label = label;
    }
  }

  /** Raised when the data is not marshal data of a code object this reader understands. */
  static final class MarshalException extends Exception {
    private static final long serialVersionUID = 1L;

    MarshalException(String message) {
      super(message);
    }
  }

  /** Nesting bound: real lambdas nest a few levels; deeper data is hostile (CPython itself stops at 2000). */
  static final int MAX_DEPTH = 64;

  /** Bound on the objects read (each string, number, container, code object counts once). */
  static final int MAX_OBJECTS = 200_000;

  /** What a parsed code object refers to. */
  static final class Info {
    final Layout layout;
    final Set<String> names = new LinkedHashSet<>();
    final Set<String> stringConstants = new LinkedHashSet<>();
    int codeObjects;

    Info(Layout layout) {
      this.layout = layout;
    }
  }

  private static final int FLAG_REF = 0x80;

  private final byte[] data;
  private final Layout layout;
  private final Info info;
  private final List<Object> refs = new ArrayList<>();
  private int pos;
  private int objects;

  private MarshalCode(byte[] data, Layout layout) {
    this.data = data;
    this.layout = layout;
    this.info = new Info(layout);
  }

  /**
   * Parses marshal data whose top-level object is a code object or a tuple holding one.
   *
   * @throws MarshalException when no layout parses it
   */
  static Info parse(byte[] data) throws MarshalException {
    MarshalException first = null;
    for (Layout layout : Layout.values()) {
      MarshalCode reader = new MarshalCode(data, layout);
      try {
        reader.readObject(0, Role.ANY);
        if (reader.pos != data.length) {
          throw new MarshalException((data.length - reader.pos) + " bytes after the marshalled object");
        }
        if (reader.info.codeObjects == 0) {
          throw new MarshalException("no code object in the marshal data");
        }
        return reader.info;
      } catch (MarshalException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    throw first;
  }

  /** What the surrounding structure expects, so that a wrong layout is rejected early. */
  private enum Role {
    ANY,
    BYTES,
    TUPLE,
    STRING,
    NAMES
  }

  private int u8() throws MarshalException {
    if (pos >= data.length) {
      throw new MarshalException("marshal data ends early at " + pos);
    }
    return data[pos++] & 0xFF;
  }

  private int i32() throws MarshalException {
    if (data.length - pos < 4) {
      throw new MarshalException("marshal data ends early at " + pos);
    }
    int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16 | data[pos + 3] << 24;
    pos += 4;
    return v;
  }

  private int length(int n, int unit) throws MarshalException {
    // A length is trusted only when the remaining bytes can hold it: no allocation from a hostile count.
    if (n < 0 || (long) n * unit > data.length - pos) {
      throw new MarshalException("length " + n + " at " + pos + " exceeds the data");
    }
    return n;
  }

  private byte[] bytes(int n) throws MarshalException {
    length(n, 1);
    byte[] b = new byte[n];
    System.arraycopy(data, pos, b, 0, n);
    pos += n;
    return b;
  }

  private Object readObject(int depth, Role role) throws MarshalException {
    if (depth > MAX_DEPTH) {
      throw new MarshalException("marshal nesting deeper than " + MAX_DEPTH);
    }
    if (++objects > MAX_OBJECTS) {
      throw new MarshalException("more than " + MAX_OBJECTS + " marshal objects");
    }
    int code = u8();
    boolean flag = (code & FLAG_REF) != 0;
    int type = code & ~FLAG_REF;
    Object value;
    int reserved = -1;
    switch (type) {
      case '0':
        throw new MarshalException("NULL object outside a dict at " + (pos - 1));
      case 'N':
      case 'F':
      case 'T':
      case 'S':
      case '.':
        value = new Scalar(Character.toString((char) type));
        break;
      case 'i':
        value = i32();
        break;
      case 'I':
        bytes(8);
        value = new Scalar("int64");
        break;
      case 'l':
        {
          int n = i32();
          bytes(2 * length(n == Integer.MIN_VALUE ? -1 : Math.abs(n), 2));
          value = new Scalar("long");
          break;
        }
      case 'f':
        {
          int n = u8();
          bytes(n);
          value = new Scalar("float");
          break;
        }
      case 'g':
        bytes(8);
        value = new Scalar("float");
        break;
      case 'x':
        bytes(u8());
        bytes(u8());
        value = new Scalar("complex");
        break;
      case 'y':
        bytes(16);
        value = new Scalar("complex");
        break;
      case 's':
        value = bytes(i32());
        break;
      case 't':
      case 'u':
        value = new String(bytes(i32()), StandardCharsets.UTF_8);
        break;
      case 'a':
      case 'A':
        value = new String(bytes(i32()), StandardCharsets.ISO_8859_1);
        break;
      case 'z':
      case 'Z':
        value = new String(bytes(u8()), StandardCharsets.ISO_8859_1);
        break;
      case '(':
      case ')':
      case '[':
      case '<':
      case '>':
        {
          int n = type == ')' ? u8() : i32();
          length(n, 1);
          List<Object> items = new ArrayList<>();
          if (flag) {
            reserved = refs.size();
            refs.add(items);
          }
          Role inner = role == Role.NAMES ? Role.STRING : Role.ANY;
          for (int i = 0; i < n; i++) {
            items.add(readObject(depth + 1, inner));
          }
          value = items;
          break;
        }
      case '{':
        {
          if (flag) {
            reserved = refs.size();
            refs.add(new Scalar("dict"));
          }
          while (true) {
            if (pos < data.length && (data[pos] & 0x7F) == '0') {
              pos++;
              break;
            }
            readObject(depth + 1, Role.ANY);
            readObject(depth + 1, Role.ANY);
          }
          value = new Scalar("dict");
          break;
        }
      case 'r':
        {
          int index = i32();
          if (index < 0 || index >= refs.size() || refs.get(index) == null) {
            throw new MarshalException("bad marshal back-reference " + index + " at " + (pos - 5));
          }
          value = refs.get(index);
          checkRole(role, value);
          return value;
        }
      case 'c':
        if (flag) {
          reserved = refs.size();
          refs.add(null); // reserved until the code object is complete, as CPython does
        }
        value = readCode(depth);
        break;
      default:
        throw new MarshalException("unknown marshal type 0x" + Integer.toHexString(code) + " at " + (pos - 1));
    }
    if (flag) {
      if (reserved >= 0) {
        refs.set(reserved, value);
      } else {
        refs.add(value);
      }
    }
    checkRole(role, value);
    return value;
  }

  private static void checkRole(Role role, Object value) throws MarshalException {
    boolean ok;
    switch (role) {
      case BYTES:
        ok = value instanceof byte[];
        break;
      case TUPLE:
      case NAMES:
        ok = value instanceof List;
        break;
      case STRING:
        ok = value instanceof String;
        break;
      default:
        ok = true;
    }
    if (!ok) {
      throw new MarshalException("unexpected marshal value for " + role);
    }
  }

  private Object readCode(int depth) throws MarshalException {
    info.codeObjects++;
    int fields = layout == Layout.PY38_310 ? 6 : 5;
    for (int i = 0; i < fields; i++) {
      i32();
    }
    readObject(depth + 1, Role.BYTES); // co_code
    List<?> consts = (List<?>) readObject(depth + 1, Role.TUPLE);
    List<?> names = (List<?>) readObject(depth + 1, Role.NAMES);
    for (Object n : names) {
      info.names.add(String.valueOf(n));
    }
    for (Object c : consts) {
      if (c instanceof String) {
        info.stringConstants.add((String) c);
      } else if (c instanceof byte[]) {
        info.stringConstants.add(new String((byte[]) c, StandardCharsets.ISO_8859_1));
      }
    }
    if (layout == Layout.PY311_PLUS) {
      readObject(depth + 1, Role.NAMES); // co_localsplusnames
      readObject(depth + 1, Role.BYTES); // co_localspluskinds
      readObject(depth + 1, Role.STRING); // co_filename
      readObject(depth + 1, Role.STRING); // co_name
      readObject(depth + 1, Role.STRING); // co_qualname
      i32(); // co_firstlineno
      readObject(depth + 1, Role.BYTES); // co_linetable
      readObject(depth + 1, Role.BYTES); // co_exceptiontable
    } else {
      readObject(depth + 1, Role.NAMES); // co_varnames
      readObject(depth + 1, Role.NAMES); // co_freevars
      readObject(depth + 1, Role.NAMES); // co_cellvars
      readObject(depth + 1, Role.STRING); // co_filename
      readObject(depth + 1, Role.STRING); // co_name
      i32(); // co_firstlineno
      readObject(depth + 1, Role.BYTES); // co_lnotab
    }
    return new Scalar("code");
  }

  /** A value whose content does not matter here (None, numbers, dicts, code objects). */
  private record Scalar(String kind) {}
}
