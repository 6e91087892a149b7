package dev.modelscan.pickle;

/**
 * A symbolic value on the simulated pickle stack: what an opcode would have pushed, as far as a scanner needs to know
 * it. Values are shallow and shared by reference (the memo and DUP alias them), so memo-expansion graphs cost O(1).
 * Scalars that carry no information the scanner uses are shared singletons, so the common opcodes allocate nothing.
 */
final class Sym {
  static final int STR = 1;
  static final int BYTES = 2;
  static final int INT = 3;
  static final int FLOAT = 4;
  static final int BOOL = 5;
  static final int NONE = 6;
  static final int TUPLE = 7;
  static final int LIST = 8;
  static final int DICT = 9;
  static final int SET = 10;
  static final int FROZENSET = 11;
  static final int GLOBAL = 12;
  static final int CALL = 13;
  static final int PERSID = 14;
  static final int BUFFER = 15;
  static final int OTHER = 16;

  /** How many items of a tuple, list or dict are remembered; larger containers only count. */
  static final int MAX_ITEMS = 64;

  /** How many small ints are shared: [-128, 1024). */
  private static final int SMALL_COUNT = 1024 + 128;

  static final Sym NONE_VALUE = new Sym(NONE, SMALL_COUNT);
  static final Sym TRUE = new Sym(BOOL, SMALL_COUNT + 1);
  static final Sym FALSE = new Sym(BOOL, SMALL_COUNT + 2);
  static final Sym FLOAT_VALUE = new Sym(FLOAT, SMALL_COUNT + 3);
  static final Sym BIG_INT = new Sym(INT);
  static final Sym SET_VALUE = new Sym(SET);
  static final Sym FROZENSET_VALUE = new Sym(FROZENSET);
  static final Sym BUFFER_VALUE = new Sym(BUFFER);
  static final Sym OTHER_VALUE = new Sym(OTHER);
  static final Sym EMPTY_TUPLE = new Sym(TUPLE);

  /**
   * Stack-only markers of values the machine has not materialised yet (an int outside the shared range, a string or
   * bytes argument): the value waits in the machine's slot arrays, so the many values that are popped unread cost no
   * allocation. They never leave the machine's stack; should one ever escape, it reads as an int of unknown value or a
   * string or bytes of unknown content, which every check treats as unresolved (fail closed).
   */
  static final Sym PENDING_INT = new Sym(INT);

  /** See {@link #PENDING_INT}. */
  static final Sym PENDING_STR = new Sym(STR);

  /** See {@link #PENDING_INT}. */
  static final Sym PENDING_BYTES = new Sym(BYTES);

  /**
   * See {@link #PENDING_INT}: a literal tuple, kept as the offset and length of its opcodes and re-parsed when read
   * (PickleMachine.reparse); should one escape, it reads as a tuple of unknown items, which every check treats as
   * unresolved.
   */
  static final Sym PENDING_TUPLE = new Sym(TUPLE);

  private static final Sym[] SMALL_INTS = new Sym[SMALL_COUNT];

  /** The shared scalars by {@link #sharedId}: the small ints, then None, True, False and the float. */
  private static final Sym[] SHARED = new Sym[SMALL_COUNT + 4];

  static {
    for (int i = 0; i < SMALL_INTS.length; i++) {
      Sym s = new Sym(INT, i);
      s.intValue = i - 128;
      s.exact = true;
      SMALL_INTS[i] = s;
      SHARED[i] = s;
    }
    SHARED[SMALL_COUNT] = NONE_VALUE;
    SHARED[SMALL_COUNT + 1] = TRUE;
    SHARED[SMALL_COUNT + 2] = FALSE;
    SHARED[SMALL_COUNT + 3] = FLOAT_VALUE;
    EMPTY_TUPLE.items = new Sym[0];
  }

  final int kind;

  /**
   * See {@link #sharedId(Sym)}: fixed when the value is made, so that the memo and the tuple cache of the opcode loop
   * tell a shared scalar by one field read.
   */
  private final int shared;

  /** STR and BYTES: where the payload lies in the source (-1 when it was decoded from a text line). */
  long offset = -1;

  /** STR and BYTES: the payload's length in bytes. */
  long length;

  /** STR: the decoded text, once known. */
  String text;

  /** INT: the value when {@link #exact}. Also the LONG1 raw length for the PyTorch magic check. */
  long intValue;

  /** INT: whether {@link #intValue} is the value. */
  boolean exact;

  /** TUPLE: the items; LIST: the first items; DICT: keys and values interleaved. Null when too many. */
  Sym[] items;

  /** LIST and DICT: how many items (pairs for DICT) were added. */
  int count;

  /** GLOBAL: the import. CALL: the import of the callee when the callee was a global. */
  ImportRecord ref;

  /** CALL: the arguments (a tuple, or the mark slice for INST/OBJ). */
  Sym args;

  /** CALL: the state given by BUILD. */
  Sym state;

  /** PERSID: the persistent id. */
  Sym pid;

  Sym(int kind) {
    this(kind, -1);
  }

  private Sym(int kind, int shared) {
    this.kind = kind;
    this.shared = shared;
  }

  /** The shared value of {@code v}, which must be in [-128, 1024). */
  static Sym smallInt(int v) {
    return SMALL_INTS[v + 128];
  }

  static Sym ofInt(long v) {
    if (v >= -128 && v < SMALL_INTS.length - 128) {
      return SMALL_INTS[(int) v + 128];
    }
    Sym s = new Sym(INT);
    s.intValue = v;
    s.exact = true;
    return s;
  }

  /**
   * A small number identifying a shared immutable scalar (small int, None, True, False, float), or -1 for any other
   * value: tuples made only of these may be shared.
   */
  static int sharedId(Sym s) {
    return s.shared;
  }

  /**
   * The shared value whose {@link #sharedId} is {@code id}: the inverse of {@code sharedId} on its non-negative
   * results.
   */
  static Sym shared(int id) {
    return SHARED[id];
  }

  static Sym text(String t) {
    Sym s = new Sym(STR);
    s.text = t;
    s.length = t.length();
    return s;
  }

  static Sym lazy(int kind, long offset, long length) {
    Sym s = new Sym(kind);
    s.offset = offset;
    s.length = length;
    return s;
  }

  static Sym tuple(Sym[] items) {
    Sym s = new Sym(TUPLE);
    s.items = items;
    s.count = items.length;
    return s;
  }

  /**
   * A description of everything a check can read from this value, items included (to a depth of 4): the tests that
   * compare the compact and the full representation compare these.
   */
  static String describe(Sym s, int depth) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    b.append(s.kind).append('/').append(s.shared).append('/').append(s.offset).append('/').append(s.length)
        .append('/').append(s.intValue).append('/').append(s.exact).append('/').append(s.count);
    if (s.ref != null) {
      b.append("/ref=").append(s.ref.module).append('.').append(s.ref.name);
    }
    if (s.items != null && depth > 0) {
      b.append('[');
      for (Sym i : s.items) {
        b.append(describe(i, depth - 1)).append(',');
      }
      b.append(']');
    }
    if (s.args != null || s.state != null || s.pid != null) {
      b.append("/call");
    }
    return b.toString();
  }

  /** The item of a tuple, or null. */
  Sym item(int i) {
    return items != null && i < items.length && kind == TUPLE ? items[i] : null;
  }

  /** Adds a pair to a DICT, remembering at most {@link #MAX_ITEMS} pairs. */
  void dictPut(Sym key, Sym value) {
    if (items == null) {
      items = new Sym[8];
    }
    int idx = count * 2;
    if (idx + 1 < MAX_ITEMS * 2) {
      if (idx + 1 >= items.length) {
        items = java.util.Arrays.copyOf(items, Math.min(items.length * 2, MAX_ITEMS * 2));
      }
      items[idx] = key;
      items[idx + 1] = value;
    }
    count++;
  }

  /** Adds an item to a LIST, remembering at most {@link #MAX_ITEMS}. */
  void listAdd(Sym value) {
    if (count < MAX_ITEMS) {
      if (items == null) {
        items = new Sym[8];
      } else if (count >= items.length) {
        items = java.util.Arrays.copyOf(items, Math.min(items.length * 2, MAX_ITEMS));
      }
      items[count] = value;
    }
    count++;
  }
}
