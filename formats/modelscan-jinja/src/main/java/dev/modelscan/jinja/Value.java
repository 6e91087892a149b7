package dev.modelscan.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * What the analysis knows about the value of an expression: a constant (string, number, boolean, none, a list or dict
 * of constants), one of Jinja's or Flask's globals, or unknown. Unknown values carry a taint bit: set when the value
 * was built from pieces that could spell a name (underscores, characters picked out of other strings, folding that
 * gave up), so that using it as an attribute name is reported instead of ignored.
 *
 * <p>Constants are bounded: strings longer than {@link #MAX_STRING} and lists longer than {@link #MAX_ITEMS} are not
 * kept (the value becomes unknown and tainted), so folding costs at most a constant per operation.
 */
final class Value {

  enum Kind { STR, NUM, BOOL, NONE, LIST, DICT, GLOBAL, UNKNOWN }

  /** No Python attribute name is longer; folding longer strings buys nothing and costs time. */
  static final int MAX_STRING = 256;

  /** Items kept of a list or dict constant. */
  static final int MAX_ITEMS = 64;

  static final Value UNKNOWN = new Value(Kind.UNKNOWN, null, 0, null, false, null);
  static final Value TAINTED = new Value(Kind.UNKNOWN, null, 0, null, true, null);
  static final Value NONE = new Value(Kind.NONE, null, 0, null, false, null);
  static final Value TRUE = new Value(Kind.BOOL, null, 1, null, false, null);
  static final Value FALSE = new Value(Kind.BOOL, null, 0, null, false, null);

  final Kind kind;
  final String str;
  final long num;
  /** Items of a list; keys of a dict. */
  final List<Value> items;
  final boolean tainted;
  /** The global's name, for {@link Kind#GLOBAL}. */
  final String global;

  private Value(Kind kind, String str, long num, List<Value> items, boolean tainted, String global) {
    this.kind = kind;
    this.str = str;
    this.num = num;
    this.items = items;
    this.tainted = tainted;
    this.global = global;
  }

  static Value str(String s) {
    if (s.length() > MAX_STRING) {
      return s.indexOf('_') >= 0 ? TAINTED : UNKNOWN;
    }
    return new Value(Kind.STR, s, 0, null, false, null);
  }

  static Value num(long v) {
    return new Value(Kind.NUM, null, v, null, false, null);
  }

  static Value list(List<Value> items, boolean truncated) {
    return new Value(Kind.LIST, null, 0, List.copyOf(items), truncated, null);
  }

  static Value dict(List<Value> keys, boolean truncated) {
    return new Value(Kind.DICT, null, 0, List.copyOf(keys), truncated, null);
  }

  static Value global(String name) {
    return new Value(Kind.GLOBAL, null, 0, null, true, name);
  }

  /** A new object of unknown content (a namespace), distinct from every other value by identity. */
  static Value object() {
    return new Value(Kind.UNKNOWN, null, 0, null, false, null);
  }

  static Value unknown(boolean tainted) {
    return tainted ? TAINTED : UNKNOWN;
  }

  boolean isStr() {
    return kind == Kind.STR;
  }

  boolean isNum() {
    return kind == Kind.NUM || kind == Kind.BOOL;
  }

  boolean isKnown() {
    return kind != Kind.UNKNOWN && kind != Kind.GLOBAL && !(kind == Kind.LIST && tainted);
  }

  /** Whether the value could be (or hide) text that spells a name. */
  boolean suspicious() {
    return switch (kind) {
      case STR -> str.indexOf('_') >= 0;
      case LIST, DICT -> tainted || items.stream().anyMatch(Value::suspicious);
      case UNKNOWN, GLOBAL -> tainted;
      default -> false;
    };
  }

  /** Python truthiness of a constant, or null when not known. */
  Boolean truthy() {
    return switch (kind) {
      case STR -> !str.isEmpty();
      case NUM, BOOL -> num != 0;
      case NONE -> false;
      case LIST, DICT -> tainted ? null : !items.isEmpty();
      default -> null;
    };
  }

  /** Python's {@code str()} of a constant, or null when not known. */
  String asText() {
    return switch (kind) {
      case STR -> str;
      case NUM -> Long.toString(num);
      case BOOL -> num != 0 ? "True" : "False";
      case NONE -> "None";
      default -> null;
    };
  }

  /** Unknown, tainted when any input could spell a name. */
  static Value gaveUp(Value... inputs) {
    for (Value v : inputs) {
      if (v != null && v.suspicious()) {
        return TAINTED;
      }
    }
    return UNKNOWN;
  }

  /** The join of two possible values (both branches of a conditional, two assignments of one name). */
  static Value either(Value a, Value b) {
    if (a.kind == Kind.STR && b.kind == Kind.STR && a.str.equals(b.str)) {
      return a;
    }
    if (a.kind == Kind.NUM && b.kind == Kind.NUM && a.num == b.num) {
      return a;
    }
    return gaveUp(a, b);
  }

  /** A list's items as a new mutable list. */
  List<Value> itemsCopy() {
    return new ArrayList<>(items);
  }
}
