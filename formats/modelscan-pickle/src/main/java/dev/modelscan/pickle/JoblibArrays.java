package dev.modelscan.pickle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * joblib's NumpyArrayWrapper as a {@link PickleMachine} meets it in one stream: which calls make a wrapper instance,
 * which BUILDs change a wrapper or a dtype a second time, and, at the BUILD of a wrapper, exactly what
 * joblib/numpy_pickle.py reads from the file after it (a nested pickle, or padding and prod(shape) * itemsize bytes),
 * or why that is not known. The machine does the reading; this class only decides, so that the pickle interpreter
 * does not also hold joblib's and NumPy's rules. The dtype of a wrapper is a pickled {@code numpy.dtype(...)} call,
 * turned into a Python literal here and parsed by {@link NumpyDtype}, the parser NpyHeader uses for {@code .npy}
 * headers.
 *
 * <p>One instance per machine, {@link #reset} at the start of each run; not thread-safe.
 */
final class JoblibArrays {

  /** Construction by cls.__new__(cls) (NEWOBJ, copyreg.__newobj__, object.__new__): no __init__, no attributes. */
  static final Object NEW_INSTANCE = new Object();

  /** A construction this machine does not model: whatever the BUILD does is a differential. */
  static final Object UNKNOWN_INSTANCE = new Object();

  /**
   * What joblib reads after a wrapper's BUILD: {@code count} items of {@code dtype}, after a padding length byte and
   * its padding when {@code aligned}; or, when {@code why} is set, why that is not known (the other fields are then
   * meaningless).
   *
   * @param why null when the layout is known, else what is not modelled
   * @param count prod(shape)
   * @param dtype the array's dtype
   * @param aligned whether a padding length byte and padding come first
   */
  record Layout(String why, long count, NumpyDtype dtype, boolean aligned) {}

  private final PickleEvents events;
  private final Function<Sym, String> text;

  /** Whether this run built a joblib NumpyArrayWrapper (then the pickle.load reading differs). */
  private boolean sawWrapper;

  /** Whether this run imported the wrapper class or one of its attributes: only then can a call make a wrapper. */
  private boolean wrapperImported;

  /** Whether a BUILD set attributes on the wrapper class itself (a planted __setstate__ changes what BUILD does). */
  private boolean wrapperClassBuilt;

  /** The wrapper instances of this run and how each was made: NEW_INSTANCE, UNKNOWN_INSTANCE or the __init__ args. */
  private IdentityHashMap<Sym, Object> wrappers;

  /** Call results given state by more than one BUILD (a dtype or wrapper whose attributes a second BUILD changed). */
  private Set<Sym> rebuilt;

  /**
   * @param events the analysis, asked which imports are the wrapper class
   * @param text decodes a STR value (null when too long to be a name)
   */
  JoblibArrays(PickleEvents events, Function<Sym, String> text) {
    this.events = events;
    this.text = text;
  }

  /** Forgets the last run. */
  void reset() {
    sawWrapper = false;
    wrapperImported = false;
    wrapperClassBuilt = false;
    wrappers = null;
    rebuilt = null;
  }

  /** Whether the last run built a wrapper at the top level. */
  boolean sawWrapper() {
    return sawWrapper;
  }

  /** A new import of the run: the wrapper class, or one of its attributes, makes later calls worth a look. */
  void imported(ImportRecord r) {
    wrapperImported |= r.verdict.resolved().contains("NumpyArrayWrapper"); // the class, or its attributes
  }

  /** A call made {@code call}: remembers it when it makes a wrapper instance. */
  void called(Sym call, Sym callee, Sym args, String opcode) {
    Object made = wrapperImported ? wrapperConstruction(callee, args, opcode) : null;
    if (made != null) {
      if (wrappers == null) {
        wrappers = new IdentityHashMap<>();
      }
      wrappers.put(call, made);
    }
  }

  /** A BUILD on {@code target}, before its state is set: the wrapper class itself, or a call result built again. */
  void built(Sym target) {
    if (target.kind == Sym.GLOBAL && events.isJoblibWrapper(target.ref)) {
      wrapperClassBuilt = true;
    }
    if (target.kind == Sym.CALL && target.state != null) {
      if (rebuilt == null) {
        rebuilt = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      rebuilt.add(target);
    }
  }

  /** How a call result was made when it is a wrapper instance, else null. */
  Object wrapperMade(Sym target) {
    return wrappers == null ? null : wrappers.get(target);
  }

  /** A wrapper was built at the top level: joblib reads its array after the BUILD. */
  void wrapperBuilt() {
    sawWrapper = true;
    events.sawJoblib();
  }

  /**
   * What joblib reads after the BUILD of {@code wrapper}, or why that is not known exactly.
   *
   * @param wrapper the wrapper instance the BUILD gave state to
   * @param made how it was made ({@link #wrapperMade})
   * @param again whether an earlier BUILD gave it state already
   * @param frameEnd where the current FRAME ends, or -1
   * @param here the offset after the BUILD
   * @return the layout, with {@code why} set when the bytes after the BUILD must be read on as opcodes
   */
  Layout layout(Sym wrapper, Object made, boolean again, long frameEnd, long here) {
    String why = null;
    Map<String, Sym> attrs = new HashMap<>();
    if (made == UNKNOWN_INSTANCE) {
      why = "it is made by a call joblib never writes";
    } else if (again) {
      why = "it is given state by a second BUILD";
    } else if (wrapperClassBuilt) {
      why = "a BUILD changed the NumpyArrayWrapper class itself, so its instances may not take state as joblib's do";
    } else if (frameEnd > here) {
      // joblib unpickles with Lib/pickle.py, whose _Unframer has read the whole frame: read_array reads the array from
      // the file after the frame, and the opcodes go on in the frame.
      why = "the FRAME it is in runs on to offset " + frameEnd + ", past the BUILD, so joblib reads the array from"
          + " there";
    } else if (made != NEW_INSTANCE) {
      why = initAttributes((Sym) made, attrs);
    }
    if (why == null) {
      why = stateAttributes(wrapper.state, attrs);
    }
    long count = 1;
    NumpyDtype dtype = null;
    boolean aligned = false;
    if (why == null) {
      Sym shape = attrs.get("shape");
      if (shape == null || (shape.kind != Sym.TUPLE && shape.kind != Sym.LIST) || shape.count > 0
          && (shape.items == null || shape.items.length < shape.count)) {
        why = "its shape is not a literal tuple";
      } else {
        for (int i = 0; i < shape.count && why == null; i++) {
          Sym d = shape.items[i];
          long v = d == Sym.TRUE ? 1 : d == Sym.FALSE ? 0 : d.kind == Sym.INT && d.exact ? d.intValue : -1;
          if (v < 0) {
            why = "its shape holds something other than non-negative integers";
          } else {
            try {
              count = Math.multiplyExact(count, v);
            } catch (ArithmeticException e) {
              why = "its shape overflows, which joblib fails on";
            }
          }
        }
      }
    }
    if (why == null) {
      try {
        dtype = dtypeOf(attrs.get("dtype"));
      } catch (NumpyDtype.Malformed e) {
        why = "its dtype is not one joblib would read: " + e.getMessage();
      }
    }
    if (why == null) {
      Sym a = attrs.get("numpy_array_alignment_bytes");
      if (a != null && a != Sym.NONE_VALUE) {
        switch (a.kind) {
          case Sym.NONE:
            break;
          case Sym.INT:
          case Sym.STR:
          case Sym.BYTES:
          case Sym.BOOL:
          case Sym.FLOAT:
          case Sym.TUPLE:
          case Sym.LIST:
          case Sym.DICT:
          case Sym.SET:
          case Sym.FROZENSET:
            aligned = true; // read_array reads the padding for any value that is not None
            break;
          default:
            why = "its numpy_array_alignment_bytes is only known while loading";
        }
      }
    }
    if (why == null && !dtype.hasObject && dtype.itemsize == 0) {
      why = "its dtype has item size 0, on which read_array fails"; // BUFFER_SIZE // min(BUFFER_SIZE, itemsize)
    }
    return new Layout(why, count, dtype, aligned);
  }

  /**
   * How a call makes an instance of joblib's NumpyArrayWrapper, or null when it makes none: the class called directly
   * runs its __init__ (attributes from the arguments and defaults, numpy_array_alignment_bytes=16); NEWOBJ and
   * NEWOBJ_EX (Lib/pickle.py load_newobj: cls.__new__), copyreg.__newobj__ / __newobj_ex__, copyreg._reconstructor
   * with object, and INST or OBJ without arguments (Lib/pickle.py _instantiate) make a bare instance. Any other call
   * given the class is not modelled.
   */
  private Object wrapperConstruction(Sym callee, Sym args, String opcode) {
    if (callee.kind == Sym.GLOBAL && events.isJoblibWrapper(callee.ref)) {
      boolean noArgs = args == null || args.kind == Sym.TUPLE && args.count == 0;
      if (opcode.equals("NEWOBJ") || opcode.equals("NEWOBJ_EX")
          || noArgs && (opcode.equals("INST") || opcode.equals("OBJ"))) {
        return NEW_INSTANCE;
      }
      return args == null ? UNKNOWN_INSTANCE : args;
    }
    Sym first = args == null ? null : args.item(0);
    boolean classFirst = first != null && first.kind == Sym.GLOBAL && events.isJoblibWrapper(first.ref);
    if (callee.kind == Sym.GLOBAL && classFirst) {
      String name = callee.ref.verdict.resolved();
      if (name.equals("copyreg.__newobj__") || name.equals("copyreg.__newobj_ex__")) {
        return NEW_INSTANCE;
      }
      Sym base = args.item(1);
      if (name.equals("copyreg._reconstructor") && base != null && base.kind == Sym.GLOBAL
          && (base.ref.verdict.resolved().equals("builtins.object"))) {
        return NEW_INSTANCE;
      }
    }
    if (classFirst || args != null && args.items != null && args.kind == Sym.TUPLE && mentionsWrapper(args)
        || callee.kind == Sym.GLOBAL && callee.ref.verdict.resolved().contains(WRAPPER_CLASS_ATTRIBUTE)) {
      return UNKNOWN_INSTANCE; // object.__new__(NumpyArrayWrapper), NumpyArrayWrapper.__new__, ...
    }
    return null;
  }

  /** An attribute of the wrapper class (NumpyArrayWrapper.__new__ ...), under joblib or a vendored copy. */
  private static final String WRAPPER_CLASS_ATTRIBUTE = "numpy_pickle.NumpyArrayWrapper.";

  private boolean mentionsWrapper(Sym tuple) {
    for (Sym item : tuple.items) {
      if (item != null && item.kind == Sym.GLOBAL && events.isJoblibWrapper(item.ref)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The attributes NumpyArrayWrapper.__init__(subclass, shape, order, dtype, allow_mmap=False,
   * numpy_array_alignment_bytes=16) sets, or why they are not known.
   */
  private String initAttributes(Sym args, Map<String, Sym> attrs) {
    if (args.kind != Sym.TUPLE || args.items == null || args.items.length < args.count) {
      return "its __init__ arguments are not a literal tuple";
    }
    if (args.count < 4 || args.count > 6) {
      return "its __init__ gets " + args.count + " arguments, on which it fails";
    }
    String[] names = {"subclass", "shape", "order", "dtype", "allow_mmap", "numpy_array_alignment_bytes"};
    for (int i = 0; i < args.count; i++) {
      attrs.put(names[i], args.items[i]);
    }
    attrs.putIfAbsent("allow_mmap", Sym.FALSE);
    attrs.putIfAbsent("numpy_array_alignment_bytes", Sym.ofInt(16));
    return null;
  }

  /**
   * Lib/pickle.py load_build on an object without __setstate__: a (state, slotstate) pair splits, a truthy state dict
   * updates __dict__ and a truthy slotstate dict is set with setattr, later keys over earlier ones.
   */
  private String stateAttributes(Sym state, Map<String, Sym> attrs) {
    Sym dict = state;
    Sym slots = null;
    if (state.kind == Sym.TUPLE && state.count == 2 && state.items != null && state.items.length == 2) {
      dict = state.items[0];
      slots = state.items[1];
    }
    String why = mergeDict(dict, attrs);
    return why != null || slots == null ? why : mergeDict(slots, attrs);
  }

  private String mergeDict(Sym dict, Map<String, Sym> attrs) {
    if (dict.kind == Sym.NONE) {
      return null;
    }
    if (dict.kind != Sym.DICT) {
      return "its BUILD state is not a literal dict";
    }
    if (dict.count > 0 && (dict.items == null || dict.items.length < 2 * dict.count)) {
      return "its BUILD state has more keys than are remembered";
    }
    for (int i = 0; i < dict.count; i++) {
      Sym k = dict.items[2 * i];
      String key = k != null && k.kind == Sym.STR ? text.apply(k) : null;
      if (key == null) {
        return "its BUILD state has a key that is not a string literal";
      }
      attrs.put(key, dict.items[2 * i + 1]); // a repeated key keeps the last value, as the dict does
    }
    return null;
  }

  /** The callables that make a numpy.dtype when a pickle calls them. */
  private static final Set<String> DTYPE_CLASSES =
      Set.of(
          "numpy.dtype",
          "numpy.core.multiarray.dtype",
          "numpy.core._multiarray_umath.dtype",
          "numpy._core.multiarray.dtype",
          "numpy._core._multiarray_umath.dtype");

  /**
   * The dtype a pickled numpy.dtype(spec, align, copy) call with its BUILD state stands for (NumpyDtype.of and
   * withState), or Malformed when it is anything else.
   */
  private NumpyDtype dtypeOf(Sym d) throws NumpyDtype.Malformed {
    if (d == null || d.kind != Sym.CALL || d.ref == null || !DTYPE_CLASSES.contains(d.ref.verdict.resolved())) {
      throw new NumpyDtype.Malformed("it is not a numpy.dtype(...) call");
    }
    if (rebuilt != null && rebuilt.contains(d)) {
      throw new NumpyDtype.Malformed("the dtype is given state by more than one BUILD");
    }
    Sym args = d.args;
    if (args == null || args.kind != Sym.TUPLE || args.items == null || args.items.length < args.count
        || args.count < 1 || args.count > 3) {
      throw new NumpyDtype.Malformed("its arguments are not a literal tuple");
    }
    Object spec = literal(args.items[0], 0, true);
    boolean align = args.count > 1 && truthy(args.items[1]);
    boolean copy = args.count > 2 && truthy(args.items[2]);
    if (align && !(spec instanceof String && !NumpyDtype.isCommastring((String) spec))) {
      throw new NumpyDtype.Malformed("an aligned structured dtype is not modelled");
    }
    NumpyDtype t = NumpyDtype.of(spec);
    if (copy) {
      t = t.copied();
    }
    return d.state == null ? t : t.withState(literal(d.state, 0, false));
  }

  private static boolean truthy(Sym v) throws NumpyDtype.Malformed {
    if (v == Sym.TRUE || v == Sym.FALSE || v.kind == Sym.INT && v.exact) {
      return v == Sym.TRUE || v.kind == Sym.INT && v.intValue != 0;
    }
    if (v.kind == Sym.NONE) {
      return false;
    }
    throw new NumpyDtype.Malformed("a dtype flag is not a literal bool");
  }

  /** Stands for a value of a dtype state that is not a literal (a nested dtype); only its presence matters there. */
  private static final Object OPAQUE = new Object();

  /**
   * A symbolic value as a Python literal for NumpyDtype (String, Long, Boolean, null, List, Tuple, Map); in strict
   * mode anything else is Malformed, otherwise it stands as OPAQUE and containers may be partial.
   */
  private Object literal(Sym v, int level, boolean strict) throws NumpyDtype.Malformed {
    if (level > NumpyDtype.MAX_DEPTH) {
      throw new NumpyDtype.Malformed("the value is nested too deeply");
    }
    switch (v.kind) {
      case Sym.STR:
        {
          String t = text.apply(v);
          if (t == null) {
            throw new NumpyDtype.Malformed("a string is too long");
          }
          return t;
        }
      case Sym.INT:
        if (v.exact) {
          return v.intValue;
        }
        break;
      case Sym.BOOL:
        return v == Sym.TRUE;
      case Sym.NONE:
        return null;
      case Sym.TUPLE:
      case Sym.LIST:
        {
          boolean whole = v.count == 0 || v.items != null && v.items.length >= v.count;
          if (!whole && strict) {
            break;
          }
          List<Object> out = new ArrayList<>();
          for (int i = 0; i < Math.min(v.count, v.items == null ? 0 : v.items.length); i++) {
            out.add(literal(v.items[i], level + 1, strict));
          }
          return v.kind == Sym.TUPLE ? new NumpyDtype.Tuple(out) : out;
        }
      case Sym.DICT:
        {
          boolean whole = v.count == 0 || v.items != null && v.items.length >= 2 * v.count;
          if (!whole && strict) {
            break;
          }
          Map<Object, Object> out = new LinkedHashMap<>();
          for (int i = 0; whole && i < v.count; i++) {
            Object k = literal(v.items[2 * i], level + 1, strict);
            out.remove(k);
            out.put(k, literal(v.items[2 * i + 1], level + 1, strict));
          }
          return out;
        }
      default:
        break;
    }
    if (strict) {
      throw new NumpyDtype.Malformed("a value that is not a literal");
    }
    return OPAQUE;
  }
}
