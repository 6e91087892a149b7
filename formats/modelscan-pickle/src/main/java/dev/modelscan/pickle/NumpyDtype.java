package dev.modelscan.pickle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A NumPy dtype as NumPy itself builds it, reduced to what a scanner needs: the item size and whether the dtype holds
 * Python objects ({@code dtype.hasobject}). Object dtypes are what make {@code np.load(allow_pickle=True)} and {@code
 * joblib.load} unpickle array data, so the object flag decides whether bytes are analysed as a pickle or skipped as
 * raw data: a scanner that misses an object field nested in a structure or a sub-array skips a pickle that the loader
 * runs (issue 16 item 4).
 *
 * <p>The grammar follows NumPy 1.24 and 2.x: {@code numpy/lib/format.py} {@code descr_to_dtype} for {@code .npy}
 * headers; {@code numpy/core/src/multiarray/descriptor.c} {@code _convert_from_any}, {@code _convert_from_str},
 * {@code _convert_from_tuple}, {@code _convert_from_array_descr} and {@code _convert_from_commastring} (with {@code
 * numpy/core/_internal.py} {@code _commastring}) for {@code np.dtype(spec)}; and {@code arraydescr_setstate} for the
 * state a pickled dtype carries. Values are Python literals as {@link NpyHeader} parses them: {@code String}, {@code
 * Long}, {@code Boolean}, {@code null} for None, {@code List} for a list, {@link Tuple} for a tuple and {@code Map} for
 * a dict. Anything NumPy would reject, or that this class does not model exactly, is {@link Malformed}: callers fail
 * closed on it. Work and nesting are bounded. Instances are immutable.
 */
final class NumpyDtype {

  /** Thrown for a dtype NumPy rejects or that is not modelled; the message says why. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** A Python tuple literal (lists are {@code java.util.List}). */
  static final class Tuple {
    final List<Object> items;

    Tuple(List<Object> items) {
      this.items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public String toString() {
      return "tuple" + items;
    }
  }

  /** Nesting NumPy follows before it gives up (it recurses through Py_EnterRecursiveCall). */
  static final int MAX_DEPTH = 32;

  /** Dtype items (fields, commastring parts) one spec may hold. */
  static final int MAX_ITEMS = 10_000;

  private static final long INT_MAX = Integer.MAX_VALUE;

  /** The item size in bytes ({@code dtype.itemsize}). */
  final long itemsize;

  /** {@code dtype.hasobject}: whether arrays of this dtype hold Python objects (and are pickled). */
  final boolean hasObject;

  /** {@code dtype.kind}: 'O', 'V' (structures, sub-arrays), 'S', 'U', 'f', 'i', ... */
  final char kind;

  /** Whether the dtype is one of NumPy's shared builtin descriptors (native byte order, no size, fields or shape). */
  final boolean builtin;

  /** Whether the dtype has named fields (a structure). */
  final boolean structured;

  private NumpyDtype(long itemsize, boolean hasObject, char kind, boolean builtin) {
    this(itemsize, hasObject, kind, builtin, false);
  }

  private NumpyDtype(long itemsize, boolean hasObject, char kind, boolean builtin, boolean structured) {
    this.itemsize = itemsize;
    this.hasObject = hasObject;
    this.kind = kind;
    this.builtin = builtin;
    this.structured = structured;
  }

  /** A structure of named fields. */
  private static NumpyDtype structure(long itemsize, boolean hasObject) {
    return new NumpyDtype(itemsize, hasObject, 'V', false, true);
  }

  /** This dtype as a new descriptor ({@code np.dtype(spec, align, copy=True)} never returns a shared builtin). */
  NumpyDtype copied() {
    return builtin ? new NumpyDtype(itemsize, hasObject, kind, false, structured) : this;
  }

  /** Whether NumPy's setstate takes the item size from the state: flexible types (S, U, V), descriptor.c ISEXTENDED. */
  boolean flexible() {
    return kind == 'S' || kind == 'U' || kind == 'V';
  }

  @Override
  public String toString() {
    return "dtype(kind=" + kind + ", itemsize=" + itemsize + (hasObject ? ", hasobject" : "") + ")";
  }

  // --------------------------------------------------------------------------------------------------- entry points

  /**
   * The dtype {@code np.load} builds from the {@code descr} of a {@code .npy} header: {@code numpy/lib/format.py}
   * {@code descr_to_dtype}, which drops unnamed void padding fields (objects inside such a field are dropped too).
   *
   * @param descr the header's descr literal
   * @return the dtype
   * @throws Malformed when NumPy rejects it or it is not modelled
   */
  static NumpyDtype fromHeaderDescr(Object descr) throws Malformed {
    return new Work().descrToDtype(descr, 0);
  }

  /**
   * The dtype {@code np.dtype(spec)} returns: {@code descriptor.c} {@code _convert_from_any} for a str, tuple, list or
   * dict spec.
   *
   * @param spec the spec literal
   * @return the dtype
   * @throws Malformed when NumPy rejects it or it is not modelled
   */
  static NumpyDtype of(Object spec) throws Malformed {
    return new Work().any(spec, 0);
  }

  /**
   * This dtype after {@code dtype.__setstate__(state)} ({@code descriptor.c} {@code arraydescr_setstate}), as a pickle's
   * BUILD of a {@code numpy.dtype(...)} call runs it. From version 3 on the flags of the state decide {@code
   * hasobject} whatever the type; the state's item size counts only for flexible types (S, U, V), which is the item
   * size a pickle can show that NumPy ignores. On a shared builtin descriptor ({@code np.dtype('f8', False, False)})
   * setstate does nothing.
   *
   * @param state the state tuple
   * @return the dtype after setstate
   * @throws Malformed when NumPy rejects the state or it is not modelled (old versions with fields)
   */
  NumpyDtype withState(Object state) throws Malformed {
    if (builtin) {
      return this; // setstate returns at once when self->fields is Py_None, as it is on the builtin descriptors
    }
    if (!(state instanceof Tuple)) {
      throw new Malformed("the dtype state is not a tuple");
    }
    List<Object> s = ((Tuple) state).items;
    int version;
    Object endian;
    Object names;
    Object fields;
    Object elsize;
    long flags = 0;
    switch (s.size()) {
      case 9:
      case 8:
        version = (int) intOf(s.get(0), "version");
        endian = s.get(1);
        names = s.get(3);
        fields = s.get(4);
        elsize = s.get(5);
        flags = intOf(s.get(7), "flags");
        break;
      case 7:
        version = (int) intOf(s.get(0), "version");
        endian = s.get(1);
        names = s.get(3);
        fields = s.get(4);
        elsize = s.get(5);
        break;
      case 5:
        version = 0;
        endian = s.get(0);
        names = null;
        fields = s.get(2);
        elsize = s.get(3);
        break;
      default:
        throw new Malformed("a dtype state of " + s.size() + " items is not modelled");
    }
    if (version < 0 || version > 4) {
      throw new Malformed("numpy cannot handle version " + version + " of a dtype pickle");
    }
    if (!(endian instanceof String) || ((String) endian).length() != 1) {
      throw new Malformed("the dtype state's byte order is not a 1-char string");
    }
    if (s.size() > 5 && (fields == null) != (names == null)) {
      throw new Malformed("inconsistent fields and names in the dtype state");
    }
    if (fields != null && !(fields instanceof Map)) {
      throw new Malformed("the dtype state's fields are not a dict");
    }
    long size = flexible() ? intOf(elsize, "elsize") : itemsize;
    if (size < 0 || size > INT_MAX) {
      throw new Malformed("the dtype state's item size " + size + " is out of range");
    }
    boolean object;
    if (version >= 3) {
      object = (flags & 1) != 0; // NPY_ITEM_HASOBJECT is bit 0; hasobject reads the flags only
    } else if (fields != null) {
      // _descr_find_object would walk dtypes nested in the state's fields: not modelled, fail closed
      throw new Malformed("a version " + version + " dtype state with fields is not modelled");
    } else {
      // _descr_find_object: any flag, the object type, or the fields the dtype already had
      object = flags != 0 || kind == 'O' || hasObject;
    }
    return new NumpyDtype(size, object, kind, false, structured || fields != null);
  }

  // ------------------------------------------------------------------------------------------------------- the work

  /** One conversion, with its step budget. */
  private static final class Work {
    private int steps;

    private void step(int depth) throws Malformed {
      if (++steps > MAX_ITEMS) {
        throw new Malformed("the dtype has more than " + MAX_ITEMS + " parts");
      }
      if (depth > MAX_DEPTH) {
        throw new Malformed("the dtype is nested more than " + MAX_DEPTH + " levels deep");
      }
    }

    /** numpy/lib/format.py descr_to_dtype. */
    NumpyDtype descrToDtype(Object descr, int depth) throws Malformed {
      step(depth);
      if (descr instanceof String) {
        return str((String) descr, depth + 1);
      }
      if (descr instanceof Tuple) {
        List<Object> t = ((Tuple) descr).items;
        if (t.size() < 2) {
          throw new Malformed("a sub-array descr needs a dtype and a shape");
        }
        return tuple(descrToDtype(t.get(0), depth + 1), t.get(1), depth + 1);
      }
      long offset = 0;
      boolean object = false;
      for (Object field : iterate(descr)) {
        step(depth + 1);
        List<Object> parts = iterate(field);
        NumpyDtype dt;
        if (parts.size() == 2) {
          dt = descrToDtype(parts.get(1), depth + 2);
        } else if (parts.size() == 3) {
          dt = tuple(descrToDtype(parts.get(1), depth + 2), parts.get(2), depth + 2);
        } else {
          throw new Malformed("a field of the descr has " + parts.size() + " parts instead of 2 or 3");
        }
        // Unnamed void fields without names are padding: descr_to_dtype leaves them out, objects and all.
        boolean pad = "".equals(parts.get(0)) && dt.kind == 'V' && !dt.structured;
        if (!pad) {
          object |= dt.hasObject;
        }
        offset = checkedSize(offset + dt.itemsize);
      }
      return structure(offset, object);
    }

    /** descriptor.c _convert_from_any for the literal kinds a header or a pickle can hold. */
    NumpyDtype any(Object spec, int depth) throws Malformed {
      step(depth);
      if (spec instanceof String) {
        return str((String) spec, depth + 1);
      }
      if (spec instanceof Tuple) {
        List<Object> t = ((Tuple) spec).items;
        if (t.size() != 2) {
          throw new Malformed("a dtype tuple must have 2 items");
        }
        return tuple(any(t.get(0), depth + 1), t.get(1), depth + 1);
      }
      if (spec instanceof List) {
        return arrayDescr((List<?>) spec, depth + 1);
      }
      throw new Malformed("a dtype spec of type " + typeName(spec) + " is not modelled");
    }

    /** descriptor.c _convert_from_array_descr: a list of (name, dtype[, shape]) tuples. */
    private NumpyDtype arrayDescr(List<?> list, int depth) throws Malformed {
      long size = 0;
      boolean object = false;
      for (Object item : list) {
        step(depth);
        if (!(item instanceof Tuple) || ((Tuple) item).items.size() < 2 || ((Tuple) item).items.size() > 3) {
          throw new Malformed("a field of a dtype list is not a (name, dtype[, shape]) tuple");
        }
        List<Object> f = ((Tuple) item).items;
        NumpyDtype dt = f.size() == 2 ? any(f.get(1), depth + 1) : tuple(any(f.get(1), depth + 1), f.get(2), depth);
        object |= dt.hasObject;
        size = checkedSize(size + dt.itemsize);
      }
      return structure(size, object);
    }

    /**
     * descriptor.c _convert_from_tuple: (dtype, shape) is a sub-array, (dtype, 1) and (dtype, ()) are the dtype,
     * (unsized, n) gives the size, (dtype, other dtype) is the "inherit" form that NumPy refuses with objects.
     */
    private NumpyDtype tuple(NumpyDtype base, Object val, int depth) throws Malformed {
      step(depth);
      boolean intLike = val instanceof Long || val instanceof Boolean;
      boolean intTuple = val instanceof Tuple && allInts(((Tuple) val).items);
      if (!intLike && !intTuple && (val instanceof String || val instanceof List || val instanceof Tuple)) {
        NumpyDtype conv = any(val, depth + 1);
        if (base.hasObject || conv.hasObject) {
          throw new Malformed("(old_dtype, new_dtype) containing the object dtype is not supported by numpy");
        }
        if (base.itemsize != 0 && base.itemsize != conv.itemsize) {
          throw new Malformed("mismatch in size of old and new data-descriptor");
        }
        return new NumpyDtype(conv.itemsize, false, base.kind, false);
      }
      if (base.flexible() && base.itemsize == 0 && !base.structured) { // PyDataType_ISUNSIZED
        long n = intOf(val, "itemsize");
        if (n < 0 || n > INT_MAX / 4) {
          throw new Malformed("invalid itemsize in a generic type tuple");
        }
        return new NumpyDtype(base.kind == 'U' ? n * 4 : n, false, base.kind, false);
      }
      List<Long> shape = shapeOf(val);
      if (shape.size() == 1 && shape.get(0) == 1 && intLike || shape.isEmpty() && val instanceof Tuple) {
        return base;
      }
      long items = 1;
      for (long d : shape) {
        if (d < 0 || d > INT_MAX) {
          throw new Malformed("invalid dimension " + d + " in a sub-array shape");
        }
        items = checkedSize(items * d);
      }
      // both factors are at most 2^31 - 1, so the product fits a long before the check
      return new NumpyDtype(checkedSize(items * base.itemsize), base.hasObject, 'V', false);
    }

    /** descriptor.c _convert_from_str. */
    private NumpyDtype str(String s, int depth) throws Malformed {
      step(depth);
      if (s.isEmpty()) {
        throw new Malformed("an empty dtype string");
      }
      if (isCommastring(s)) {
        return commastring(s, depth + 1);
      }
      String type = s;
      char endian = '=';
      if ("<>=|".indexOf(type.charAt(0)) >= 0) {
        endian = type.charAt(0) == '|' ? '=' : type.charAt(0);
        type = type.substring(1);
      }
      if (type.isEmpty()) {
        throw new Malformed("a dtype string of only a byte order");
      }
      if (type.length() >= 2 && type.charAt(1) == '8' && (type.charAt(0) == 'M' || type.charAt(0) == 'm')
          || type.startsWith("datetime64") || type.startsWith("timedelta64")) {
        datetimeUnit(type);
        return new NumpyDtype(8, false, type.charAt(0) == 't' || type.charAt(0) == 'm' ? 'm' : 'M', false);
      }
      // A byte order other than the native one ('<' here, as on every platform the scanned files come from) makes
      // a new descriptor; '=', '|' and '<' keep the shared builtin.
      boolean nativeOrder = endian == '=' || endian == '<';
      if (type.length() == 1) {
        NumpyDtype t = TYPECODES.get(type.charAt(0));
        if (t != null) {
          return nativeOrder ? t : t.copied();
        }
        return named(s);
      }
      // kind + size ('f8', 'S10', 'O8'): strtol over the rest of the string, which must consume all of it
      Long size = strtol(type.substring(1));
      if (size == null) {
        return named(s);
      }
      if (size > INT_MAX || size < 0) {
        throw new Malformed("the size in dtype '" + s + "' is out of range");
      }
      char kind = type.charAt(0);
      switch (kind) {
        case 'S':
        case 'a':
          return new NumpyDtype(size, false, 'S', false);
        case 'U':
          if (size > INT_MAX / 4) {
            throw new Malformed("the size in dtype '" + s + "' is out of range");
          }
          return new NumpyDtype(size * 4, false, 'U', false);
        case 'V':
          return new NumpyDtype(size, false, 'V', false);
        default:
          if (size == 0) {
            return named(s);
          }
          NumpyDtype t = sized(kind, size);
          if (t == null) {
            return named(s);
          }
          return nativeOrder ? t : t.copied();
      }
    }

    /** A type name looked up in np.sctypeDict, with the whole string (byte order included) as the key. */
    private NumpyDtype named(String s) throws Malformed {
      NumpyDtype t = NAMES.get(s);
      if (t == null) {
        throw new Malformed("data type '" + s + "' not understood");
      }
      return t;
    }

    /** descriptor.c _convert_from_commastring over _internal._commastring. */
    private NumpyDtype commastring(String s, int depth) throws Malformed {
      List<Object> items = new ArrayList<>();
      int i = 0;
      int n = s.length();
      while (i < n) {
        step(depth);
        // format_re: order1, repeats ' *[(]?[ ,0-9]*[)]? *', order2, dtype '[A-Za-z0-9.?]*(\[[a-zA-Z0-9,.]+\])?'
        int start = i;
        char order1 = i < n && "<>|=".indexOf(s.charAt(i)) >= 0 ? s.charAt(i++) : 0;
        int r0 = i;
        while (i < n && s.charAt(i) == ' ') {
          i++;
        }
        if (i < n && s.charAt(i) == '(') {
          i++;
        }
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || Character.isDigit(s.charAt(i))
            && s.charAt(i) < 128)) {
          i++;
        }
        if (i < n && s.charAt(i) == ')') {
          i++;
        }
        while (i < n && s.charAt(i) == ' ') {
          i++;
        }
        String repeats = s.substring(r0, i);
        char order2 = i < n && "<>|=".indexOf(s.charAt(i)) >= 0 ? s.charAt(i++) : 0;
        int d0 = i;
        while (i < n && isDtypeChar(s.charAt(i))) {
          i++;
        }
        if (i < n && s.charAt(i) == '[') {
          int j = i + 1;
          while (j < n && (isAsciiAlnum(s.charAt(j)) || s.charAt(j) == ',' || s.charAt(j) == '.')) {
            j++;
          }
          if (j > i + 1 && j < n && s.charAt(j) == ']') {
            i = j + 1;
          }
        }
        String dtype = s.substring(d0, i);
        if (i < n) {
          if (isWhitespace(s.substring(i))) {
            i = n;
          } else {
            int j = i;
            while (j < n && isSpace(s.charAt(j))) {
              j++;
            }
            if (j >= n || s.charAt(j) != ',') {
              throw new Malformed("format number " + (items.size() + 1) + " of '" + s + "' is not recognized");
            }
            j++;
            while (j < n && isSpace(s.charAt(j))) {
              j++;
            }
            i = j;
          }
        }
        if (i == start) {
          throw new Malformed("format number " + (items.size() + 1) + " of '" + s + "' is not recognized");
        }
        char order;
        if (order2 == 0) {
          order = order1;
        } else if (order1 == 0) {
          order = order2;
        } else {
          char a = order1 == '=' ? '<' : order1;
          char b = order2 == '=' ? '<' : order2;
          if (a != b) {
            throw new Malformed("inconsistent byte-order specification in '" + s + "'");
          }
          order = a;
        }
        String item = (order == 0 || order == '|' || order == '=' || order == '<' ? "" : String.valueOf(order))
            + dtype;
        if (repeats.isEmpty()) {
          items.add(item);
        } else {
          Object rep;
          try {
            rep = NpyHeader.literal(repeats.stripLeading());
          } catch (NpyHeader.BadHeader e) {
            throw new Malformed("the repeat count '" + repeats + "' in '" + s + "' is not a literal");
          }
          if (rep == null) {
            throw new Malformed("the repeat count '" + repeats + "' in '" + s + "' is None");
          }
          items.add(new Tuple(List.of(item, rep)));
        }
      }
      if (items.isEmpty()) {
        throw new Malformed("'" + s + "' holds no dtype");
      }
      if (items.size() == 1) {
        return items.get(0) instanceof String ? str((String) items.get(0), depth + 1) : any(items.get(0), depth + 1);
      }
      // _convert_from_list: a trailing empty item is dropped; each item is a field f0, f1, ...
      int count = items.size();
      if ("".equals(items.get(count - 1))) {
        count--;
      }
      long size = 0;
      boolean object = false;
      for (int k = 0; k < count; k++) {
        NumpyDtype dt = any(items.get(k), depth + 1);
        object |= dt.hasObject;
        size = checkedSize(size + dt.itemsize);
      }
      return structure(size, object);
    }
  }

  // -------------------------------------------------------------------------------------------------------- helpers

  /** descriptor.c _check_for_commastring: a leading digit (after a byte order), a leading "()", or a top-level comma. */
  static boolean isCommastring(String s) {
    int n = s.length();
    char c0 = s.charAt(0);
    if (c0 >= '0' && c0 <= '9' || n > 1 && "<>|=".indexOf(c0) >= 0 && s.charAt(1) >= '0' && s.charAt(1) <= '9') {
      return true;
    }
    if (n > 1 && c0 == '(' && s.charAt(1) == ')'
        || n > 3 && "<>|=".indexOf(c0) >= 0 && s.charAt(1) == '(' && s.charAt(2) == ')') {
      return true;
    }
    int bracket = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == ',' && bracket == 0) {
        return true;
      } else if (c == '[') {
        bracket++;
      } else if (c == ']') {
        bracket--;
      }
    }
    return false;
  }

  private static boolean isDtypeChar(char c) {
    return isAsciiAlnum(c) || c == '.' || c == '?';
  }

  private static boolean isAsciiAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }

  private static boolean isWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** C strtol over the whole of {@code s} (leading blanks, a sign, decimal digits), or null when it does not parse. */
  private static Long strtol(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && isSpace(s.charAt(i))) {
      i++;
    }
    boolean neg = false;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    int d0 = i;
    long v = 0;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      v = Math.min(v * 10 + (s.charAt(i) - '0'), Long.MAX_VALUE / 20);
      i++;
    }
    if (i == d0 || i != n) {
      return null;
    }
    return neg ? -v : v;
  }

  /** The datetime unit suffix: nothing, or "[unit]" with an optional multiplier and divisor. */
  private static void datetimeUnit(String type) throws Malformed {
    int at = type.indexOf('[');
    String head = at < 0 ? type : type.substring(0, at);
    if (!head.equals("M8") && !head.equals("m8") && !head.equals("datetime64") && !head.equals("timedelta64")) {
      throw new Malformed("datetime dtype '" + type + "' not understood");
    }
    if (at >= 0 && !type.substring(at).matches("\\[[0-9]*(Y|M|W|D|h|m|s|ms|us|\u03bcs|ns|ps|fs|as|generic)(/[0-9]+)?]")) {
      throw new Malformed("datetime unit in '" + type + "' not understood");
    }
  }

  /** descriptor.c PyArray_TypestrConvert: kind + size, for the kinds other than S, U, V. */
  private static NumpyDtype sized(char kind, long size) {
    switch (kind) {
      case 'b':
        return size == 1 ? fixed(1, 'b') : null;
      case 'i':
      case 'u':
        return size == 1 || size == 2 || size == 4 || size == 8 ? fixed(size, kind) : null;
      case 'f':
        return size == 2 || size == 4 || size == 8 || size == 16 ? fixed(size, 'f') : null;
      case 'c':
        return size == 8 || size == 16 || size == 32 ? fixed(size, 'c') : null;
      case 'O':
        return size == 4 || size == 8 ? OBJECT : null; // 'O4' and 'O8' are the object type (deprecated aliases)
      default:
        return null;
    }
  }

  private static List<Object> iterate(Object v) throws Malformed {
    if (v instanceof String) {
      String s = (String) v;
      List<Object> chars = new ArrayList<>(s.length());
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    if (v instanceof Tuple) {
      return ((Tuple) v).items;
    }
    if (v instanceof List) {
      return new ArrayList<>((List<?>) v);
    }
    if (v instanceof Map) {
      return new ArrayList<>(((Map<?, ?>) v).keySet());
    }
    throw new Malformed("a descr part of type " + typeName(v) + " is not iterable");
  }

  private static boolean allInts(List<Object> items) {
    for (Object o : items) {
      if (!(o instanceof Long) && !(o instanceof Boolean)) {
        return false;
      }
    }
    return true;
  }

  /** PyArray_IntpConverter: an int, or a sequence of ints, at most 64 dimensions. */
  private static List<Long> shapeOf(Object v) throws Malformed {
    List<Long> dims = new ArrayList<>();
    if (v instanceof Long || v instanceof Boolean) {
      dims.add(intOf(v, "shape"));
      return dims;
    }
    if (v instanceof Tuple || v instanceof List) {
      List<?> items = v instanceof Tuple ? ((Tuple) v).items : (List<?>) v;
      if (items.size() > 64) {
        throw new Malformed("a sub-array shape with more than 64 dimensions");
      }
      for (Object o : items) {
        dims.add(intOf(o, "shape"));
      }
      return dims;
    }
    throw new Malformed("invalid shape in a fixed-type tuple");
  }

  /** A Python int as PyArg_ParseTuple's "i" takes it: a C int, or OverflowError. */
  static long intOf(Object v, String what) throws Malformed {
    if (v instanceof Long) {
      long x = (Long) v;
      if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
        throw new Malformed("the dtype's " + what + " does not fit a C int");
      }
      return x;
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? 1 : 0;
    }
    throw new Malformed("the dtype's " + what + " is not an integer");
  }

  private static long checkedSize(long v) throws Malformed {
    if (v < 0 || v > INT_MAX) {
      throw new Malformed("the dtype's size does not fit a C int");
    }
    return v;
  }

  private static String typeName(Object v) {
    return v == null ? "None" : v instanceof Map ? "dict" : v.getClass().getSimpleName();
  }

  // ---------------------------------------------------------------------------------------------------------- tables

  private static final NumpyDtype OBJECT = new NumpyDtype(8, true, 'O', true);

  private static NumpyDtype fixed(long size, char kind) {
    return new NumpyDtype(size, false, kind, true);
  }

  /** One-character type codes (PyArray_DescrFromType of the character), as NumPy 1.24 on x86-64 maps them. */
  private static final Map<Character, NumpyDtype> TYPECODES =
      Map.ofEntries(
          Map.entry('?', fixed(1, 'b')),
          Map.entry('b', fixed(1, 'i')),
          Map.entry('B', fixed(1, 'u')),
          Map.entry('h', fixed(2, 'i')),
          Map.entry('H', fixed(2, 'u')),
          Map.entry('i', fixed(4, 'i')),
          Map.entry('I', fixed(4, 'u')),
          Map.entry('l', fixed(8, 'i')),
          Map.entry('L', fixed(8, 'u')),
          Map.entry('q', fixed(8, 'i')),
          Map.entry('Q', fixed(8, 'u')),
          Map.entry('p', fixed(8, 'i')),
          Map.entry('P', fixed(8, 'u')),
          Map.entry('e', fixed(2, 'f')),
          Map.entry('f', fixed(4, 'f')),
          Map.entry('d', fixed(8, 'f')),
          Map.entry('g', fixed(16, 'f')),
          Map.entry('F', fixed(8, 'c')),
          Map.entry('D', fixed(16, 'c')),
          Map.entry('G', fixed(32, 'c')),
          Map.entry('c', new NumpyDtype(1, false, 'S', false)),
          Map.entry('S', new NumpyDtype(0, false, 'S', true)),
          Map.entry('a', new NumpyDtype(0, false, 'S', true)),
          Map.entry('U', new NumpyDtype(0, false, 'U', true)),
          Map.entry('V', new NumpyDtype(0, false, 'V', true)),
          Map.entry('O', OBJECT),
          Map.entry('M', fixed(8, 'M')),
          Map.entry('m', fixed(8, 'm')));

  /**
   * The names of np.sctypeDict that are not type codes or kind + size strings, from NumPy 1.24 on x86-64 (see
   * generate_parsing.py, which prints them); names NumPy 2 removed are kept, since files from either may be loaded.
   */
  private static final Map<String, NumpyDtype> NAMES = names();

  private static Map<String, NumpyDtype> names() {
    java.util.HashMap<String, NumpyDtype> m = new java.util.HashMap<>();
    for (String n : new String[] {"bool", "bool8", "bool_", "b1"}) {
      m.put(n, fixed(1, 'b'));
    }
    for (String n : new String[] {"byte", "int8", "i1"}) {
      m.put(n, fixed(1, 'i'));
    }
    for (String n : new String[] {"ubyte", "uint8", "u1"}) {
      m.put(n, fixed(1, 'u'));
    }
    for (String n : new String[] {"short", "int16"}) {
      m.put(n, fixed(2, 'i'));
    }
    for (String n : new String[] {"ushort", "uint16"}) {
      m.put(n, fixed(2, 'u'));
    }
    for (String n : new String[] {"intc", "int32"}) {
      m.put(n, fixed(4, 'i'));
    }
    for (String n : new String[] {"uintc", "uint32"}) {
      m.put(n, fixed(4, 'u'));
    }
    for (String n : new String[] {"int", "int0", "int64", "int_", "intp", "long", "longlong"}) {
      m.put(n, fixed(8, 'i'));
    }
    for (String n : new String[] {"uint", "uint0", "uint64", "uintp", "ulong", "ulonglong"}) {
      m.put(n, fixed(8, 'u'));
    }
    for (String n : new String[] {"half", "float16"}) {
      m.put(n, fixed(2, 'f'));
    }
    for (String n : new String[] {"single", "float32"}) {
      m.put(n, fixed(4, 'f'));
    }
    for (String n : new String[] {"double", "float", "float64", "float_"}) {
      m.put(n, fixed(8, 'f'));
    }
    for (String n : new String[] {"longdouble", "longfloat", "float128"}) {
      m.put(n, fixed(16, 'f'));
    }
    for (String n : new String[] {"csingle", "singlecomplex", "complex64"}) {
      m.put(n, fixed(8, 'c'));
    }
    for (String n : new String[] {"cdouble", "cfloat", "complex", "complex128", "complex_"}) {
      m.put(n, fixed(16, 'c'));
    }
    for (String n : new String[] {"clongdouble", "clongfloat", "longcomplex", "complex256"}) {
      m.put(n, fixed(32, 'c'));
    }
    for (String n : new String[] {"object", "object0", "object_"}) {
      m.put(n, OBJECT);
    }
    for (String n : new String[] {"bytes", "bytes0", "bytes_", "string_"}) {
      m.put(n, new NumpyDtype(0, false, 'S', true));
    }
    for (String n : new String[] {"str", "str0", "str_", "unicode", "unicode_"}) {
      m.put(n, new NumpyDtype(0, false, 'U', true));
    }
    for (String n : new String[] {"void", "void0"}) {
      m.put(n, new NumpyDtype(0, false, 'V', true));
    }
    m.put("datetime64", fixed(8, 'M'));
    m.put("timedelta64", fixed(8, 'm'));
    return Map.copyOf(m);
  }
}
