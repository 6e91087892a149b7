package dev.modelscan.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Constant folding of Jinja's string and number operations, with Python's semantics where they matter for spelling a
 * name (negative indexes, slices with steps, {@code str * int}, {@code %} formatting, {@code str.join}). Every result
 * is bounded by {@link Value#MAX_STRING} and {@link Value#MAX_ITEMS}; what cannot be folded within them becomes
 * unknown, tainted when an input could spell a name ({@link Value#gaveUp}).
 */
final class Folding {

  private Folding() {}

  /** {@code a ~ b}: both converted to strings. */
  static Value concat(Value a, Value b) {
    String x = a.asText();
    String y = b.asText();
    if (x == null || y == null) {
      return Value.gaveUp(a, b);
    }
    if (x.length() + y.length() > Value.MAX_STRING) {
      return Value.unknown(x.indexOf('_') >= 0 || y.indexOf('_') >= 0);
    }
    return Value.str(x + y);
  }

  /** {@code a + b}: strings, numbers or lists. */
  static Value add(Value a, Value b) {
    if (a.isStr() && b.isStr()) {
      return concat(a, b);
    }
    if (a.isNum() && b.isNum()) {
      return arith(a, b, '+');
    }
    if (a.kind == Value.Kind.LIST && b.kind == Value.Kind.LIST) {
      List<Value> items = a.itemsCopy();
      for (Value v : b.items) {
        if (items.size() >= Value.MAX_ITEMS) {
          return Value.list(items, true);
        }
        items.add(v);
      }
      return Value.list(items, a.tainted || b.tainted);
    }
    return Value.gaveUp(a, b);
  }

  /** Integer arithmetic: {@code + - % / // **} ({@code 'f'} floor division, {@code 'p'} power). */
  static Value arith(Value a, Value b, char op) {
    if (!a.isNum() || !b.isNum()) {
      return Value.gaveUp(a, b);
    }
    long x = a.num;
    long y = b.num;
    try {
      return switch (op) {
        case '+' -> Value.num(Math.addExact(x, y));
        case '-' -> Value.num(Math.subtractExact(x, y));
        case '%' -> y == 0 ? Value.UNKNOWN : Value.num(Math.floorMod(x, y));
        case 'f' -> y == 0 ? Value.UNKNOWN : Value.num(Math.floorDiv(x, y));
        case 'p' -> power(x, y);
        default -> Value.UNKNOWN;
      };
    } catch (ArithmeticException overflow) {
      return Value.UNKNOWN;
    }
  }

  private static Value power(long x, long y) {
    if (y < 0 || y > 64) {
      return Value.UNKNOWN;
    }
    long r = 1;
    for (long i = 0; i < y; i++) {
      r = Math.multiplyExact(r, x);
    }
    return Value.num(r);
  }

  static Value negate(Value a) {
    if (a.kind == Value.Kind.NUM && a.num != Long.MIN_VALUE) {
      return Value.num(-a.num);
    }
    return Value.gaveUp(a);
  }

  /** {@code a * b}: repetition of strings and lists, or a product. */
  static Value multiply(Value a, Value b) {
    if (a.isNum() && b.isNum()) {
      try {
        return Value.num(Math.multiplyExact(a.num, b.num));
      } catch (ArithmeticException overflow) {
        return Value.UNKNOWN;
      }
    }
    Value seq = a.isNum() ? b : a;
    Value count = a.isNum() ? a : b;
    if (!count.isNum()) {
      return Value.gaveUp(a, b);
    }
    long times = Math.max(0, count.num);
    if (seq.isStr()) {
      if (seq.str.isEmpty() || times == 0) {
        return Value.str("");
      }
      if (times > Value.MAX_STRING / seq.str.length()) {
        return Value.unknown(seq.str.indexOf('_') >= 0);
      }
      return Value.str(seq.str.repeat((int) times));
    }
    if (seq.kind == Value.Kind.LIST) {
      if (seq.items.isEmpty() || times == 0) {
        return Value.list(List.of(), false);
      }
      if (times > Value.MAX_ITEMS / seq.items.size()) {
        return Value.unknown(seq.suspicious());
      }
      List<Value> items = new ArrayList<>();
      for (int i = 0; i < times; i++) {
        items.addAll(seq.items);
      }
      return Value.list(items, seq.tainted);
    }
    return Value.gaveUp(a, b);
  }

  /** {@code v[key]} for a number key; other keys make an unknown. */
  static Value index(Value v, Value key) {
    if (key.isNum()) {
      if (v.isStr()) {
        int i = pyIndex(key.num, v.str.length());
        return i < 0 ? Value.UNKNOWN : Value.str(String.valueOf(v.str.charAt(i)));
      }
      if (v.kind == Value.Kind.LIST && !v.tainted) {
        int i = pyIndex(key.num, v.items.size());
        return i < 0 ? Value.UNKNOWN : v.items.get(i);
      }
      // A character picked out of text this analysis does not know: it can be any character, '_' included.
      return Value.TAINTED;
    }
    if (v.kind == Value.Kind.GLOBAL) {
      return Value.TAINTED;
    }
    return Value.unknown(v.tainted || (v.kind == Value.Kind.LIST && v.suspicious()));
  }

  private static int pyIndex(long i, int length) {
    long j = i < 0 ? i + length : i;
    return j < 0 || j >= length ? -1 : (int) j;
  }

  /** {@code v[start:stop:step]} on a string or list, as Python's {@code slice.indices}. */
  static Value slice(Value v, Value start, Value stop, Value step) {
    boolean known = (start == null || start.isNum() || start.kind == Value.Kind.NONE)
        && (stop == null || stop.isNum() || stop.kind == Value.Kind.NONE)
        && (step == null || step.isNum() || step.kind == Value.Kind.NONE);
    int length = v.isStr() ? v.str.length() : v.kind == Value.Kind.LIST && !v.tainted ? v.items.size() : -1;
    if (!known || length < 0) {
      return Value.unknown(true);
    }
    long st = step == null || !step.isNum() ? 1 : step.num;
    if (st == 0) {
      return Value.UNKNOWN;
    }
    long lo;
    long hi;
    if (st > 0) {
      lo = bound(start, 0, length, false);
      hi = bound(stop, length, length, false);
    } else {
      lo = bound(start, length - 1, length, true);
      hi = bound(stop, -1, length, true);
    }
    if (v.isStr()) {
      StringBuilder sb = new StringBuilder();
      for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
        sb.append(v.str.charAt((int) i));
      }
      return Value.str(sb.toString());
    }
    List<Value> items = new ArrayList<>();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      items.add(v.items.get((int) i));
    }
    return Value.list(items, false);
  }

  private static long bound(Value v, long dflt, int length, boolean negativeStep) {
    if (v == null || !v.isNum()) {
      return dflt;
    }
    long i = v.num;
    if (i < 0) {
      i += length;
      if (i < 0) {
        i = negativeStep ? -1 : 0;
      }
    } else if (i >= length) {
      i = negativeStep ? length - 1 : length;
    }
    return i;
  }

  /** {@code seq|join(sep)} and {@code sep.join(seq)}. */
  static Value join(Value seq, Value sep) {
    String s = sep.asText();
    if (s == null) {
      return Value.gaveUp(seq, sep);
    }
    List<Value> items;
    if (seq.isStr()) {
      items = chars(seq.str);
    } else if (seq.kind == Value.Kind.LIST && !seq.tainted) {
      items = seq.items;
    } else {
      return Value.gaveUp(seq, sep);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      String t = items.get(i).asText();
      if (t == null) {
        return Value.gaveUp(seq, sep);
      }
      if (i > 0) {
        sb.append(s);
      }
      sb.append(t);
      if (sb.length() > Value.MAX_STRING) {
        return Value.unknown(true);
      }
    }
    return Value.str(sb.toString());
  }

  private static List<Value> chars(String s) {
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < s.length() && i < Value.MAX_ITEMS; i++) {
      out.add(Value.str(String.valueOf(s.charAt(i))));
    }
    return out;
  }

  /** {@code fmt % args}: {@code %s %d %i %c %x %o %%}; anything else is not folded. */
  static Value percent(Value fmt, Value args) {
    if (!fmt.isStr()) {
      return Value.gaveUp(fmt, args);
    }
    List<Value> list = args.kind == Value.Kind.LIST && !args.tainted ? args.items : List.of(args);
    String f = fmt.str;
    StringBuilder sb = new StringBuilder();
    int next = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= f.length()) {
        return Value.gaveUp(fmt, args);
      }
      char conv = f.charAt(++i);
      if (conv == '%') {
        sb.append('%');
        continue;
      }
      if (next >= list.size()) {
        return Value.gaveUp(fmt, args);
      }
      Value arg = list.get(next++);
      String piece;
      switch (conv) {
        case 's' -> piece = arg.asText();
        case 'd', 'i' -> piece = arg.isNum() ? Long.toString(arg.num) : null;
        case 'x' -> piece = arg.isNum() ? Long.toHexString(arg.num) : null;
        case 'o' -> piece = arg.isNum() ? Long.toOctalString(arg.num) : null;
        case 'c' -> piece = arg.isNum() && arg.num >= 0 && arg.num <= Character.MAX_CODE_POINT
            ? new String(Character.toChars((int) arg.num))
            : arg.isStr() && arg.str.length() == 1 ? arg.str : null;
        default -> piece = null;
      }
      if (piece == null) {
        return Value.gaveUp(fmt, args);
      }
      sb.append(piece);
      if (sb.length() > Value.MAX_STRING) {
        return Value.unknown(true);
      }
    }
    return Value.str(sb.toString());
  }

  /**
   * Filters that pick items or characters out of a sequence: applied to a value that is not a constant, they can
   * return any character of it, an underscore of {@code raise_exception|string} included.
   */
  private static final java.util.Set<String> PICKING =
      java.util.Set.of("first", "last", "list", "random", "min", "max", "batch", "slice", "reverse", "sort", "unique",
          "join", "string");

  /** Filters that build or transform strings and lists; others give up. */
  static Value filter(Value v, String name, List<Value> args, Map<String, Value> keywords) {
    Value out = fold(v, name, args, keywords);
    if (!out.isKnown() && !v.isKnown() && PICKING.contains(name)) {
      return Value.TAINTED;
    }
    return out;
  }

  private static Value fold(Value v, String name, List<Value> args, Map<String, Value> keywords) {
    Value p0 = args.isEmpty() ? null : args.get(0);
    switch (name) {
      case "reverse":
        if (v.isStr()) {
          return Value.str(new StringBuilder(v.str).reverse().toString());
        }
        if (v.kind == Value.Kind.LIST && !v.tainted) {
          List<Value> items = v.itemsCopy();
          java.util.Collections.reverse(items);
          return Value.list(items, false);
        }
        return Value.gaveUp(v);
      case "replace":
        return replace(v, p0, args.size() > 1 ? args.get(1) : null, args.size() > 2 || keywords.containsKey("count"));
      case "lower":
      case "upper":
      case "capitalize":
      case "trim":
      case "string":
      case "e":
      case "escape":
      case "safe":
      case "forceescape":
        return method(v, name, args);
      case "first":
      case "last":
        if (v.isStr() || (v.kind == Value.Kind.LIST && !v.tainted)) {
          int size = v.isStr() ? v.str.length() : v.items.size();
          return size == 0 ? Value.UNKNOWN : index(v, Value.num(name.equals("first") ? 0 : -1));
        }
        if (v.kind == Value.Kind.DICT && !v.tainted && !v.items.isEmpty()) {
          return name.equals("first") ? v.items.get(0) : v.items.get(v.items.size() - 1);
        }
        return Value.gaveUp(v);
      case "list":
        if (v.isStr()) {
          return Value.list(chars(v.str), v.str.length() > Value.MAX_ITEMS);
        }
        if (v.kind == Value.Kind.LIST || v.kind == Value.Kind.DICT) {
          return Value.list(v.items, v.tainted);
        }
        return Value.gaveUp(v);
      case "length":
      case "count":
        if (v.isStr()) {
          return Value.num(v.str.length());
        }
        if ((v.kind == Value.Kind.LIST || v.kind == Value.Kind.DICT) && !v.tainted) {
          return Value.num(v.items.size());
        }
        return Value.UNKNOWN;
      case "int":
        if (v.isNum()) {
          return Value.num(v.num);
        }
        if (v.isStr() && !v.str.isBlank() && v.str.strip().length() < 18
            && v.str.strip().chars().allMatch(Character::isDigit)) {
          return Value.num(Long.parseLong(v.str.strip()));
        }
        return Value.gaveUp(v);
      case "tojson":
      case "length_hint":
        return Value.gaveUp(v);
      default:
        return Value.gaveUp(v, args.stream().reduce(Value.UNKNOWN, Value::either));
    }
  }

  private static Value replace(Value v, Value old, Value repl, boolean counted) {
    if (v.isStr() && old != null && old.isStr() && repl != null && repl.isStr() && !counted) {
      String s = v.str;
      String o = old.str;
      String r = repl.str;
      // Bound the result before building it: every occurrence (or every gap, for an empty pattern) adds |r| - |o|.
      long occurrences = o.isEmpty() ? s.length() + 1L : count(s, o);
      if (s.length() + occurrences * (r.length() - o.length()) > Value.MAX_STRING) {
        return Value.unknown(s.indexOf('_') >= 0 || r.indexOf('_') >= 0);
      }
      return Value.str(s.replace(o, r));
    }
    return Value.gaveUp(v, old == null ? Value.UNKNOWN : old, repl == null ? Value.UNKNOWN : repl);
  }

  private static long count(String s, String o) {
    long n = 0;
    for (int i = s.indexOf(o); i >= 0; i = s.indexOf(o, i + o.length())) {
      n++;
    }
    return n;
  }

  /** Methods of strings ({@code 'x'.upper()}) and the filters that do the same. */
  static Value method(Value v, String name, List<Value> args) {
    Value p0 = args.isEmpty() ? null : args.get(0);
    if (v.kind == Value.Kind.GLOBAL) {
      // str() of a function or class object: "<function generate_lorem_ipsum at 0x...>", full of underscores.
      return Value.TAINTED;
    }
    if (!v.isStr()) {
      if ("string".equals(name) || "e".equals(name) || "escape".equals(name) || "safe".equals(name)) {
        String t = v.asText();
        return t != null ? Value.str(t) : Value.gaveUp(v);
      }
      if ("join".equals(name) && p0 != null) {
        return Value.gaveUp(v, p0);
      }
      return Value.gaveUp(v, args.stream().reduce(Value.UNKNOWN, Value::either));
    }
    String s = v.str;
    return switch (name) {
      case "lower", "casefold" -> Value.str(s.toLowerCase(Locale.ROOT));
      case "upper" -> Value.str(s.toUpperCase(Locale.ROOT));
      case "swapcase" -> Value.str(swapCase(s));
      case "capitalize" -> Value.str(s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT)
          + s.substring(1).toLowerCase(Locale.ROOT));
      case "trim", "strip" -> p0 == null ? Value.str(s.strip()) : Value.gaveUp(v, p0);
      case "lstrip" -> p0 == null ? Value.str(s.stripLeading()) : Value.gaveUp(v, p0);
      case "rstrip" -> p0 == null ? Value.str(s.stripTrailing()) : Value.gaveUp(v, p0);
      case "string", "safe", "e", "escape", "forceescape" ->
          s.chars().anyMatch(c -> c == '<' || c == '>' || c == '&' || c == '\'' || c == '"') ? Value.gaveUp(v) : v;
      case "join" -> p0 == null ? Value.gaveUp(v) : join(p0, v);
      case "replace" -> replace(v, p0, args.size() > 1 ? args.get(1) : null, args.size() > 2);
      case "split" -> split(v, p0);
      default -> Value.gaveUp(v, args.stream().reduce(Value.UNKNOWN, Value::either));
    };
  }

  private static Value split(Value v, Value sep) {
    if (sep == null || !sep.isStr() || sep.str.isEmpty()) {
      return Value.gaveUp(v);
    }
    List<Value> out = new ArrayList<>();
    String s = v.str;
    int from = 0;
    while (out.size() < Value.MAX_ITEMS) {
      int i = s.indexOf(sep.str, from);
      if (i < 0) {
        out.add(Value.str(s.substring(from)));
        return Value.list(out, false);
      }
      out.add(Value.str(s.substring(from, i)));
      from = i + sep.str.length();
    }
    return Value.list(out, true);
  }

  private static String swapCase(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return sb.toString();
  }
}
