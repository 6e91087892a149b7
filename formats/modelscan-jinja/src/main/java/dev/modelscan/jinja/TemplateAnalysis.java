package dev.modelscan.jinja;

import dev.modelscan.api.Severity;
import dev.modelscan.jinja.JinjaLexer.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One analysis of one template: a recursive-descent parser of Jinja's expression and statement grammar (after {@code
 * jinja2/parser.py}: {@code parse_condexpr} down to {@code parse_primary}, {@code parse_postfix}, {@code
 * parse_filter_expr}) that evaluates as it parses, over abstract {@link Value}s, instead of building a tree.
 *
 * <p>What it reports, and why:
 *
 * <ul>
 *   <li><b>Attribute sinks.</b> Jinja reaches Python attributes through {@code x.y}, {@code x['y']} (the environment's
 *       {@code getitem} falls back to {@code getattr} for a string key, {@code Environment.getitem} and {@code
 *       SandboxedEnvironment.getitem}), {@code |attr('y')}, the {@code attribute=} parameter of {@code map}, {@code
 *       sort}, {@code groupby}, {@code sum}, {@code unique}, {@code min}, {@code max}, {@code join}, {@code selectattr}
 *       and {@code rejectattr} (dotted paths, {@code filters.make_attrgetter}), {@code map('attr', 'y')}, and the
 *       replacement fields of {@code str.format} ({@code '{0.y}'}). The name used at each sink is folded from
 *       constants and reported when it is a dunder, private or internal attribute ({@code sandbox.is_internal_attribute}
 *       and the sandbox's leading-underscore rule) or names the OS; a name that could not be folded but was built from
 *       pieces that can spell one is reported too (fail closed).
 *   <li><b>String building.</b> {@code ~}, {@code +}, adjacent literals, {@code *} repetition, {@code %} and {@code
 *       |format}, {@code str.format}, slicing and indexing, {@code |join}, {@code |reverse}, {@code |replace}, {@code
 *       |lower}, {@code |upper}, {@code |first}, {@code |last}, {@code |list} and string escapes are folded (bounded:
 *       {@link Value#MAX_STRING}), so that {@code '_'*2 ~ 'class' ~ '_'*2} is seen as {@code __class__} where it is
 *       used.
 *   <li><b>Globals that lead to Python objects</b>: Jinja's {@code DEFAULT_NAMESPACE} ({@code range}, {@code dict},
 *       {@code lipsum}, {@code cycler}, {@code joiner}, {@code namespace}) used other than by a plain call, and the
 *       Flask/runtime objects ({@code self}, {@code request}, {@code config}, {@code url_for}...) used at all.
 *   <li><b>Dunder names as data</b>: a Python special name ({@code '__class__'}) stored in a variable, a list, a dict
 *       or passed to a call, where it can reach a sink this analysis cannot follow. Printed or compared, a string is
 *       only text: {@code {{ '__Note__: be nice' }}} is not reported.
 * </ul>
 */
final class TemplateAnalysis {

  /** Identifiers that reach Python objects or the OS; no chat template names a variable like this. */
  static final Set<String> DANGEROUS_NAMES =
      Set.of(
          "os", "subprocess", "popen", "popen2", "eval", "exec", "execfile", "compile", "import_module", "importlib",
          "builtins", "globals", "locals", "getattr", "setattr", "delattr", "mro", "subclasses", "func_globals",
          "f_globals", "f_locals", "f_back", "gi_frame", "tb_frame", "load_module", "check_output", "spawnv", "execv",
          "execve", "pty", "socket", "shutil", "posix", "ctypes", "pickle", "marshal");

  /**
   * Names that are dangerous as attributes ({@code os.system}, {@code sys.modules}) but plausible as template
   * variables or dict keys ({@code set system = ...}, {@code roles['system']}), so only flagged after a dot or in
   * {@code attr()}.
   */
  static final Set<String> DANGEROUS_ATTRIBUTES = Set.of("system", "sys", "modules", "open", "spawn", "nt");

  /**
   * Attributes of code, frame, generator, coroutine and method objects that {@code sandbox.is_internal_attribute}
   * treats as unsafe whatever their spelling ({@code UNSAFE_*_ATTRIBUTES}, {@code mro}), plus the frame and code
   * attributes that lead on from them.
   */
  static final Set<String> INTERNAL_ATTRIBUTES =
      Set.of(
          "mro", "func_closure", "func_code", "func_dict", "func_defaults", "func_globals", "im_class", "im_func",
          "im_self", "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_code", "ag_frame",
          "ag_await", "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "tb_frame", "tb_next", "co_code");

  /** Jinja's {@code DEFAULT_NAMESPACE}: harmless when called directly, a way to Python internals otherwise. */
  static final Set<String> DEFAULT_GLOBALS = Set.of("range", "dict", "lipsum", "cycler", "joiner", "namespace");

  /** Flask and runtime objects that chat templates never use and SSTI payloads start from. */
  static final Set<String> RUNTIME_GADGETS =
      Set.of("self", "request", "config", "url_for", "get_flashed_messages", "session");

  /** Statements that make the environment load other templates (files, through its loader). */
  static final Set<String> LOADING_STATEMENTS = Set.of("include", "import", "extends", "from");

  /** Filters whose {@code attribute} parameter (or first argument) is an attribute path. */
  private static final Set<String> ATTRIBUTE_FILTERS =
      Set.of("map", "sort", "groupby", "sum", "unique", "min", "max", "join", "selectattr", "rejectattr");

  /** Filters and methods whose arguments are plain text or numbers, folded rather than treated as stored data. */
  private static final Set<String> TEXT_FILTERS =
      Set.of(
          "replace", "join", "format", "trim", "strip", "indent", "center", "truncate", "wordwrap", "tojson", "round",
          "default", "d", "split", "startswith", "endswith", "lstrip", "rstrip", "ljust", "rjust", "zfill", "find",
          "rfind", "count", "index", "rindex", "partition", "rpartition", "splitlines", "removeprefix",
          "removesuffix", "batch", "slice", "random", "int", "float", "string", "list", "upper", "lower",
          "title", "capitalize", "reverse", "first", "last", "length", "e", "escape", "safe", "striptags",
          "urlencode", "wordcount", "abs", "filesizeformat", "items", "dictsort", "select", "reject", "pprint",
          "xmlattr", "urlize", "forceescape", "sum", "min", "max", "unique", "sort", "groupby", "selectattr",
          "rejectattr", "map", "strftime", "isoformat");

  /** Functions whose arguments are messages, not data that reaches a sink. */
  private static final Set<String> MESSAGE_FUNCTIONS = Set.of("raise_exception", "strftime_now");

  static final int MAX_ISSUES = 100;
  static final int MAX_DEPTH = 200;
  static final int MAX_SYMBOLS = 4096;

  private final JinjaLexer lx;
  private final Map<String, TemplateIssue> issues;
  private final Map<String, Value> symbols = new HashMap<>();
  /** Every value each name was assigned anywhere in the template, joined: what the second pass reads. */
  private final Map<String, Value> joined = new HashMap<>();
  /** In the second pass, the first pass's {@link #joined}; null in the first pass. */
  private final Map<String, Value> seeded;
  private boolean symbolsOverflowed;
  /** The dotted name just parsed by primary(), for postfix() to look up {@code ns.attr} symbols. */
  private String path;
  /** The keyword arguments of namespace(...) calls, by the value the call made. */
  private final Map<Value, Map<String, Value>> namespaces = new java.util.IdentityHashMap<>();
  /** The weakest severity kept, once {@link #MAX_ISSUES} issues are kept. */
  private Severity weakest = Severity.LOW;
  private int depth;

  /** Thrown to unwind a parse nested deeper than {@link #MAX_DEPTH}. */
  private static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooDeep() {
      super(null, null, false, false);
    }
  }

  private TemplateAnalysis(
      String template, Runnable deadlineCheck, Map<String, TemplateIssue> issues, Map<String, Value> seeded) {
    this.lx = new JinjaLexer(template, deadlineCheck, seeded == null ? new LexerEvents() : new Quiet());
    this.issues = issues;
    this.seeded = seeded;
  }

  /**
   * Analyses a template in two passes over it. The first reads each variable as last assigned before the read, in
   * template order. That misses values that reach a read from later in the text: a namespace attribute assigned
   * further down a loop body and read at the top of the next iteration, or a top-level variable that a macro defined
   * earlier reads when it is called. The second pass therefore reads every variable as the join of all the values it
   * is ever assigned (the first pass's), which is what those paths can carry. Issues of both passes are kept; the
   * cost stays linear (twice the first).
   *
   * @return the issues, strongest first, then in template order
   */
  static List<TemplateIssue> analyse(String template, Runnable deadlineCheck) {
    Map<String, TemplateIssue> issues = new LinkedHashMap<>();
    TemplateAnalysis first = new TemplateAnalysis(template, deadlineCheck, issues, null);
    first.pass();
    TemplateAnalysis second = new TemplateAnalysis(template, deadlineCheck, issues, first.joined);
    second.weakest = first.weakest;
    second.pass();
    List<TemplateIssue> out = new ArrayList<>(issues.values());
    out.sort(Comparator.comparing(TemplateIssue::severity).thenComparingInt(TemplateIssue::offset));
    return List.copyOf(out);
  }

  private void pass() {
    lx.next();
    while (lx.type != Type.EOF) {
      if (lx.type == Type.VARIABLE_BEGIN || lx.type == Type.BLOCK_BEGIN) {
        boolean block = lx.type == Type.BLOCK_BEGIN;
        lx.next();
        region(block);
      } else {
        // A stray token outside a tag cannot happen; move on defensively.
        lx.next();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Regions and statements

  private void region(boolean block) {
    depth = 0;
    try {
      if (block) {
        statement();
      } else if (!atEnd()) {
        tuple(true);
      }
      // Whatever the grammar did not consume is still analysed as expressions.
      while (!atEnd()) {
        int before = lx.start;
        expression(true);
        if (lx.start == before && !atEnd()) {
          lx.next();
        }
      }
    } catch (TooDeep deep) {
      report(Severity.HIGH, "expression nested deeper than " + MAX_DEPTH + " levels, analysed token by token",
          lx.start);
      flat();
    }
    if (lx.type == Type.TAG_END) {
      lx.next();
    }
  }

  private boolean atEnd() {
    return lx.type == Type.TAG_END || lx.type == Type.EOF;
  }

  /** The fallback for what the parser cannot take: every name and literal of the region checked on its own. */
  private void flat() {
    boolean afterDot = false;
    while (!atEnd()) {
      if (lx.type == Type.NAME) {
        if (afterDot) {
          attributeName(lx.text, lx.start, "." + shorten(lx.text), false, true);
        } else {
          nameToken(lx.text, lx.start, true);
        }
      } else if (lx.type == Type.STRING) {
        literal(lx.text, lx.start);
        stored(Value.str(lx.text), lx.start);
        if (lx.text.length() <= Value.MAX_STRING) {
          attributeName(lx.text, lx.start, "as string '" + shorten(lx.text) + "'", true, false);
        }
      }
      afterDot = lx.type == Type.OPERATOR && ".".equals(lx.text);
      lx.next();
    }
  }

  private void statement() {
    if (lx.type != Type.NAME) {
      return;
    }
    String word = lx.text;
    int at = lx.start;
    switch (word) {
      case "set" -> {
        lx.next();
        setStatement();
      }
      case "for" -> {
        lx.next();
        forStatement();
      }
      case "if", "elif", "do", "print", "autoescape" -> {
        lx.next();
        tuple(true);
      }
      case "with" -> {
        lx.next();
        assignments();
      }
      case "macro" -> {
        lx.next();
        macro();
      }
      case "call" -> {
        lx.next();
        if (isOp("(")) {
          parameters();
        }
        expression(true);
      }
      case "filter" -> {
        lx.next();
        filterChain(Value.UNKNOWN, true);
      }
      case "include", "import", "extends", "from" -> {
        report(Severity.MEDIUM, "template loading statement " + word, at);
        lx.next();
        expression(true);
        // "import x as m", "from x import a as b, c", "ignore missing", "with context": names only.
        while (!atEnd()) {
          lx.next();
        }
      }
      default -> {
        // endfor, else, endif, block, raw handled by the lexer, extension tags ({% generation %}): the rest, if
        // any, is analysed as expressions by region().
        lx.next();
      }
    }
  }

  private void setStatement() {
    List<String> targets = targets();
    if (isOp("=")) {
      lx.next();
      Value v = tuple(true);
      stored(v, lx.start);
      assign(targets, v);
    } else {
      // {% set x %}...{% endset %}: x holds rendered text; {% set x | filter %} filters it. Text can spell a name.
      if (isOp("|")) {
        filterChain(Value.TAINTED, false);
      }
      assign(targets, Value.TAINTED);
    }
  }

  private void forStatement() {
    List<String> targets = targets();
    if (isName("in")) {
      lx.next();
    }
    Value iterable = tuple(false);
    Value item = Value.unknown(iterable.suspicious());
    if (iterable.kind == Value.Kind.LIST && !iterable.items.isEmpty()) {
      item = iterable.items.get(0);
      for (Value v : iterable.items) {
        item = Value.either(item, v);
      }
    }
    assign(targets, targets.size() == 1 ? item : Value.unknown(item.suspicious()));
    if (isName("if")) {
      lx.next();
      expression(true);
    }
    if (isName("recursive")) {
      lx.next();
    }
  }

  private void assignments() {
    while (lx.type == Type.NAME) {
      String name = lx.text;
      lx.next();
      if (!isOp("=")) {
        return;
      }
      lx.next();
      Value v = expression(true);
      stored(v, lx.start);
      assign(List.of(name), v);
      if (!isOp(",")) {
        return;
      }
      lx.next();
    }
  }

  private void macro() {
    if (lx.type == Type.NAME) {
      assign(List.of(lx.text), Value.UNKNOWN);
      lx.next();
    }
    if (isOp("(")) {
      parameters();
    }
  }

  /** {@code (a, b='x', c=y)} of a macro or call block: names become unknown, defaults are stored data. */
  private void parameters() {
    lx.next();
    while (!atEnd() && !isOp(")")) {
      int before = lx.start;
      if (lx.type == Type.NAME) {
        String name = lx.text;
        lx.next();
        Value v = Value.UNKNOWN;
        if (isOp("=")) {
          lx.next();
          v = expression(true);
          stored(v, lx.start);
        }
        assign(List.of(name), Value.unknown(v.suspicious()));
      } else {
        expression(true);
      }
      if (isOp(",")) {
        lx.next();
      } else if (lx.start == before) {
        lx.next();
      }
    }
    if (isOp(")")) {
      lx.next();
    }
  }

  /** Assignment targets: {@code a}, {@code a, b}, {@code (a, b)}, {@code ns.attr}. */
  private List<String> targets() {
    List<String> out = new ArrayList<>();
    while (!atEnd()) {
      if (isOp("(") || isOp(")") || isOp(",")) {
        lx.next();
        continue;
      }
      if (lx.type != Type.NAME || isName("in")) {
        break;
      }
      String name = lx.text;
      lx.next();
      while (isOp(".")) {
        lx.next();
        if (lx.type == Type.NAME) {
          // An assignment target: {% set ns.system = x %} sets a namespace attribute, it calls nothing.
          attributeName(lx.text, lx.start, "." + shorten(lx.text), true, false);
          name = name + "." + lx.text;
          lx.next();
        }
      }
      out.add(name);
      if (!isOp(",")) {
        break;
      }
    }
    return out;
  }

  private void assign(List<String> targets, Value v) {
    Map<String, Value> fields = namespaces.get(v);
    if (fields != null && targets.size() == 1) {
      for (Map.Entry<String, Value> f : fields.entrySet()) {
        assign(List.of(targets.get(0) + "." + f.getKey()), f.getValue());
      }
    }
    for (String t : targets) {
      if (!symbols.containsKey(t) && symbols.size() >= MAX_SYMBOLS) {
        symbolsOverflowed = true;
        continue;
      }
      // Namespace attributes live across loop iterations (that is what namespace() is for): join, do not overwrite.
      Value old = symbols.get(t);
      symbols.put(t, t.indexOf('.') >= 0 && old != null ? Value.either(old, v) : v);
      Value all = joined.get(t);
      joined.put(t, all == null ? v : Value.either(all, v));
    }
  }

  /** A variable's value: as assigned so far (first pass), or the join of all its assignments (second pass). */
  private Value read(String name) {
    Value v = seeded == null ? null : seeded.get(name);
    return v != null ? v : symbols.get(name);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expressions

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new TooDeep();
    }
  }

  /** {@code parse_tuple}: one expression, or several separated by commas (a tuple, as a list here). */
  private Value tuple(boolean withCondexpr) {
    Value first = withCondexpr ? expression(true) : or();
    if (!isOp(",")) {
      return first;
    }
    List<Value> items = new ArrayList<>();
    items.add(first);
    while (isOp(",")) {
      lx.next();
      if (atEnd() || isOp(")") || isOp("]") || isName("in") || isOp("=")) {
        break;
      }
      Value v = withCondexpr ? expression(true) : or();
      if (items.size() < Value.MAX_ITEMS) {
        items.add(v);
      }
    }
    return Value.list(items, false);
  }

  /** {@code parse_expression}: a conditional expression. */
  private Value expression(boolean withCondexpr) {
    enter();
    try {
      Value v = or();
      while (withCondexpr && isName("if")) {
        lx.next();
        or();
        Value other = Value.UNKNOWN;
        boolean hasElse = false;
        if (isName("else")) {
          lx.next();
          other = expression(true);
          hasElse = true;
        }
        v = hasElse ? Value.either(v, other) : Value.gaveUp(v);
      }
      return v;
    } finally {
      depth--;
    }
  }

  private Value or() {
    Value v = and();
    while (isName("or")) {
      lx.next();
      // "a or b" is a or b itself, not a boolean.
      Value w = and();
      v = v.truthy() == Boolean.TRUE ? v : v.truthy() == Boolean.FALSE ? w : Value.either(v, w);
    }
    return v;
  }

  private Value and() {
    Value v = not();
    while (isName("and")) {
      lx.next();
      Value w = not();
      v = v.truthy() == Boolean.FALSE ? v : v.truthy() == Boolean.TRUE ? w : Value.either(v, w);
    }
    return v;
  }

  private Value not() {
    if (isName("not")) {
      enter();
      try {
        lx.next();
        not();
        return Value.UNKNOWN;
      } finally {
        depth--;
      }
    }
    return compare();
  }

  private Value compare() {
    Value v = math1();
    while (true) {
      if (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">=") || isName("in")) {
        lx.next();
      } else if (isName("not")) {
        // "not in"
        lx.next();
        if (isName("in")) {
          lx.next();
        }
      } else {
        return v;
      }
      math1();
      v = Value.UNKNOWN;
    }
  }

  private Value math1() {
    Value v = concat();
    while (isOp("+") || isOp("-")) {
      boolean plus = isOp("+");
      lx.next();
      Value w = concat();
      v = plus ? Folding.add(v, w) : Folding.arith(v, w, '-');
    }
    return v;
  }

  private Value concat() {
    Value v = math2();
    while (isOp("~")) {
      lx.next();
      v = Folding.concat(v, math2());
    }
    return v;
  }

  private Value math2() {
    Value v = pow();
    while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
      String op = lx.text;
      int at = lx.start;
      lx.next();
      Value w = pow();
      switch (op) {
        case "*" -> v = Folding.multiply(v, w);
        case "%" -> {
          if (v.isStr()) {
            v = percentFormat(v, w, at);
          } else {
            v = Folding.arith(v, w, '%');
          }
        }
        default -> v = Folding.arith(v, w, op.equals("/") ? '/' : 'f');
      }
    }
    return v;
  }

  private Value pow() {
    Value v = unary(true);
    while (isOp("**")) {
      lx.next();
      v = Folding.arith(v, unary(true), 'p');
    }
    return v;
  }

  private Value unary(boolean withFilter) {
    enter();
    try {
      Value v;
      if (isOp("-") || isOp("+")) {
        boolean minus = isOp("-");
        lx.next();
        v = unary(false);
        v = minus ? Folding.negate(v) : v;
      } else {
        v = primary();
      }
      v = postfix(v);
      if (withFilter) {
        v = filterChain(v, false);
      }
      return v;
    } finally {
      depth--;
    }
  }

  private Value primary() {
    int at = lx.start;
    path = null;
    switch (lx.type) {
      case NAME -> {
        String name = lx.text;
        lx.next();
        return switch (name) {
          case "true", "True" -> Value.TRUE;
          case "false", "False" -> Value.FALSE;
          case "none", "None" -> Value.NONE;
          default -> {
            if (MESSAGE_FUNCTIONS.contains(name) && isOp("(") && read(name) == null) {
              // raise_exception('...'), strftime_now('%Y'): the arguments are messages and formats, not data.
              arguments(true);
              yield Value.UNKNOWN;
            }
            Value r = reference(name, at);
            path = name;
            yield r;
          }
        };
      }
      case STRING -> {
        // Adjacent literals are one string ('__cla' 'ss__'), as in parse_primary.
        StringBuilder sb = new StringBuilder();
        boolean cut = false;
        while (lx.type == Type.STRING) {
          literal(lx.text, lx.start);
          cut |= lx.stringCut;
          if (sb.length() <= Value.MAX_STRING) {
            sb.append(lx.text, 0, Math.min(lx.text.length(), Value.MAX_STRING + 1));
          }
          lx.next();
        }
        if (cut || sb.length() > Value.MAX_STRING) {
          return Value.unknown(sb.indexOf("_") >= 0);
        }
        return Value.str(sb.toString());
      }
      case INTEGER -> {
        long v = lx.number;
        lx.next();
        return Value.num(v);
      }
      case FLOAT -> {
        lx.next();
        return Value.UNKNOWN;
      }
      case OPERATOR -> {
        if (isOp("(")) {
          lx.next();
          if (isOp(")")) {
            lx.next();
            return Value.list(List.of(), false);
          }
          Value v = tuple(true);
          expectClose(")");
          return v;
        }
        if (isOp("[")) {
          return collection("]", false);
        }
        if (isOp("{")) {
          return collection("}", true);
        }
        // An operator where an operand belongs: Jinja rejects it; skip it.
        lx.next();
        return Value.UNKNOWN;
      }
      default -> {
        return Value.UNKNOWN;
      }
    }
  }

  private void expectClose(String close) {
    if (isOp(close)) {
      lx.next();
    }
  }

  /** A list {@code [a, b]} or a dict {@code {k: v}}; their strings are stored data. */
  private Value collection(String close, boolean dict) {
    lx.next();
    List<Value> items = new ArrayList<>();
    boolean truncated = false;
    while (!atEnd() && !isOp(close)) {
      int before = lx.start;
      Value v = expression(true);
      stored(v, lx.start);
      if (dict && isOp(":")) {
        lx.next();
        stored(expression(true), lx.start);
      }
      if (items.size() < Value.MAX_ITEMS) {
        items.add(v);
      } else {
        truncated = true;
      }
      if (isOp(",")) {
        lx.next();
      } else if (lx.start == before) {
        lx.next();
      } else if (!isOp(close)) {
        break;
      }
    }
    expectClose(close);
    return dict ? Value.dict(items, truncated) : Value.list(items, truncated);
  }

  private Value reference(String name, int at) {
    Value known = read(name);
    if (known != null) {
      return known;
    }
    nameToken(name, at, false);
    if (DANGEROUS_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
      return Value.TAINTED;
    }
    if (DEFAULT_GLOBALS.contains(name) || RUNTIME_GADGETS.contains(name)) {
      Value g = Value.global(name);
      if (!isOp("(") || RUNTIME_GADGETS.contains(name)) {
        // cycler.__init__, lipsum|attr(...), (joiner) passed around: the object itself, not what calling it makes.
        report(Severity.HIGH, "sandbox-escape gadget " + name, at);
      }
      return g;
    }
    return symbolsOverflowed ? Value.TAINTED : Value.UNKNOWN;
  }

  /** Checks a name token used as a variable (not after a dot). */
  private void nameToken(String name, int at, boolean flat) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (isDunder(name)) {
      report(Severity.CRITICAL, "dunder name " + shorten(name), at);
    } else if (DANGEROUS_NAMES.contains(lower)) {
      report(Severity.CRITICAL, "reference to " + name, at);
    } else if (flat && (DEFAULT_GLOBALS.contains(name) || RUNTIME_GADGETS.contains(name))) {
      report(Severity.HIGH, "sandbox-escape gadget " + name, at);
    } else if (flat && "attr".equals(name)) {
      report(Severity.HIGH, "indirect attribute access attr()", at);
    }
  }

  /** {@code parse_postfix}: {@code .name}, {@code .0}, {@code [key]}, {@code (args)}. */
  private Value postfix(Value v) {
    String dotted = path;
    path = null;
    while (true) {
      if (isOp(".")) {
        lx.next();
        if (lx.type == Type.NAME) {
          String attr = lx.text;
          int at = lx.start;
          lx.next();
          dotted = dotted == null || dotted.length() > 200 ? null : dotted + "." + attr;
          Value known = dotted == null ? null : read(dotted);
          // ns.system set by the template is its own attribute; x.system(...) is a call of whatever x holds.
          attributeName(attr, at, "." + shorten(attr), known != null, isOp("("));
          if (isOp("(")) {
            v = method(v, attr, at);
            dotted = null;
          } else if (known != null) {
            // ns.attr set earlier ({% set ns.k = ... %} or namespace(k=...)).
            v = known;
          } else {
            v = v.kind == Value.Kind.GLOBAL ? Value.TAINTED : Value.unknown(v.tainted);
          }
          continue;
        } else if (lx.type == Type.INTEGER) {
          Value key = Value.num(lx.number);
          lx.next();
          v = Folding.index(v, key);
        }
        dotted = null;
      } else if (isOp("[")) {
        dotted = null;
        v = subscript(v);
      } else if (isOp("(")) {
        dotted = null;
        v = call(v);
      } else {
        return v;
      }
    }
  }

  private Value subscript(Value v) {
    int at = lx.start;
    lx.next();
    Value[] parts = new Value[3];
    int colons = 0;
    List<Value> keys = new ArrayList<>();
    while (!atEnd() && !isOp("]")) {
      int before = lx.start;
      if (isOp(":")) {
        colons++;
        lx.next();
        continue;
      }
      if (isOp(",")) {
        lx.next();
        keys.add(Value.UNKNOWN);
        continue;
      }
      Value e = expression(true);
      if (colons < 3) {
        parts[colons] = e;
      }
      if (lx.start == before) {
        lx.next();
      }
    }
    expectClose("]");
    if (!keys.isEmpty()) {
      return Value.gaveUp(v);
    }
    if (colons > 0) {
      return Folding.slice(v, parts[0], parts[1], colons > 1 ? parts[2] : null);
    }
    Value key = parts[0] == null ? Value.UNKNOWN : parts[0];
    attributeUse(key, at, "subscript", true);
    return Folding.index(v, key);
  }

  /** {@code (args)} after a callee. */
  private Value call(Value callee) {
    Args args = arguments(false);
    if (callee.kind == Value.Kind.GLOBAL) {
      if ("namespace".equals(callee.global)) {
        Value ns = Value.object();
        if (namespaces.size() < MAX_SYMBOLS) {
          namespaces.put(ns, args.keywords);
        }
        return ns;
      }
      if ("dict".equals(callee.global)) {
        List<Value> keys = new ArrayList<>();
        for (String k : args.keywords.keySet()) {
          keys.add(Value.str(k));
        }
        return Value.dict(keys, false);
      }
      return Value.TAINTED;
    }
    return Value.unknown(callee.tainted);
  }

  /** Arguments of a call or filter. */
  private static final class Args {
    final List<Value> positional = new ArrayList<>();
    final Map<String, Value> keywords = new LinkedHashMap<>();
    int offset;

    Value get(int i, String keyword) {
      if (keyword != null && keywords.containsKey(keyword)) {
        return keywords.get(keyword);
      }
      return i < positional.size() ? positional.get(i) : null;
    }
  }

  /**
   * {@code parse_call_args}. Keyword names are checked ({@code dict(__class__=1)|first} is the string {@code
   * '__class__'}); argument values are stored data unless {@code text} says they are folded by the caller.
   */
  private Args arguments(boolean text) {
    Args a = new Args();
    a.offset = lx.start;
    lx.next();
    while (!atEnd() && !isOp(")")) {
      int before = lx.start;
      if (isOp("*") || isOp("**")) {
        lx.next();
        continue;
      }
      Value v;
      if (lx.type == Type.NAME) {
        String name = lx.text;
        int at = lx.start;
        lx.next();
        if (isOp("=")) {
          lx.next();
          if (isDunder(name) || name.startsWith("_")) {
            report(isDunder(name) ? Severity.CRITICAL : Severity.HIGH, "dunder name as keyword " + shorten(name), at);
          }
          v = expression(true);
          if (a.keywords.size() < Value.MAX_ITEMS) {
            a.keywords.put(name, v);
          }
          if (!text) {
            stored(v, lx.start);
          }
        } else {
          // A positional argument that starts with a name: continue its expression from here.
          Value r = reference(name, at);
          path = name;
          v = continueExpression(r);
          if (a.positional.size() < Value.MAX_ITEMS) {
            a.positional.add(v);
          }
          if (!text) {
            stored(v, lx.start);
          }
        }
      } else {
        v = expression(true);
        if (a.positional.size() < Value.MAX_ITEMS) {
          a.positional.add(v);
        }
        if (!text) {
          stored(v, lx.start);
        }
      }
      if (isOp(",")) {
        lx.next();
      } else if (lx.start == before) {
        lx.next();
      } else if (!isOp(")")) {
        break;
      }
    }
    expectClose(")");
    return a;
  }

  /**
   * Finishes an expression whose first name was already consumed (to look for {@code =} after it), with the same
   * precedence as {@link #expression}: postfix and filters, then the binary operators.
   */
  private Value continueExpression(Value first) {
    enter();
    try {
      Value v = filterChain(postfix(first), false);
      while (isOp("**")) {
        lx.next();
        v = Folding.arith(v, unary(true), 'p');
      }
      while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
        String op = lx.text;
        int at = lx.start;
        lx.next();
        Value w = pow();
        v = op.equals("*") ? Folding.multiply(v, w)
            : op.equals("%") && v.isStr() ? percentFormat(v, w, at) : Folding.arith(v, w, '%');
      }
      while (isOp("~") || isOp("+") || isOp("-")) {
        String op = lx.text;
        lx.next();
        Value w = math2();
        v = op.equals("~") ? Folding.concat(v, w) : op.equals("+") ? Folding.add(v, w) : Folding.arith(v, w, '-');
      }
      while (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">=") || isName("in")
          || isName("not")) {
        lx.next();
        if (isName("in")) {
          lx.next();
        }
        math1();
        v = Value.UNKNOWN;
      }
      while (isName("and") || isName("or")) {
        lx.next();
        v = Value.either(v, not());
      }
      if (isName("if")) {
        lx.next();
        or();
        if (isName("else")) {
          lx.next();
          v = Value.either(v, expression(true));
        } else {
          v = Value.gaveUp(v);
        }
      }
      return v;
    } finally {
      depth--;
    }
  }

  /** {@code parse_filter_expr}: filters ({@code |name(args)}), tests ({@code is name args}), and calls after them. */
  private Value filterChain(Value v, boolean statementForm) {
    while (true) {
      if (isOp("|") || (statementForm && lx.type == Type.NAME)) {
        if (isOp("|")) {
          lx.next();
        }
        statementForm = false;
        if (lx.type != Type.NAME) {
          return v;
        }
        int at = lx.start;
        StringBuilder name = new StringBuilder(lx.text);
        lx.next();
        while (isOp(".")) {
          lx.next();
          if (lx.type == Type.NAME) {
            name.append('.').append(lx.text);
            lx.next();
          }
        }
        String filter = name.toString();
        Args args = isOp("(") ? arguments(TEXT_FILTERS.contains(filter) || "attr".equals(filter))
            : new Args();
        v = filter(v, filter, args, at);
      } else if (isName("is")) {
        lx.next();
        if (isName("not")) {
          lx.next();
        }
        if (lx.type == Type.NAME) {
          lx.next();
          while (isOp(".")) {
            lx.next();
            if (lx.type == Type.NAME) {
              lx.next();
            }
          }
        }
        if (isOp("(")) {
          arguments(false);
        } else if (startsOperand()) {
          stored(unary(false), lx.start);
        }
        v = Value.UNKNOWN;
      } else if (isOp("(")) {
        v = call(v);
      } else {
        return v;
      }
    }
  }

  /** Whether the current token can start a test's single argument ({@code x is divisibleby 3}). */
  private boolean startsOperand() {
    if (lx.type == Type.STRING || lx.type == Type.INTEGER || lx.type == Type.FLOAT) {
      return true;
    }
    if (lx.type == Type.NAME) {
      return !Set.of("else", "or", "and", "if", "in", "not", "is").contains(lx.text);
    }
    return isOp("[") || isOp("{");
  }

  private Value filter(Value v, String name, Args a, int at) {
    Value p0 = a.get(0, null);
    switch (name) {
      case "attr" -> {
        report(Severity.HIGH, "indirect attribute access attr()", at);
        attributeUse(p0 == null ? Value.UNKNOWN : p0, at, "attr()", false);
        return Value.TAINTED;
      }
      case "map" -> {
        Value attribute = a.keywords.get("attribute");
        if (attribute != null) {
          attributePath(attribute, at, "map(attribute=)");
        }
        if (p0 != null && p0.isStr() && p0.str.equals("attr")) {
          report(Severity.HIGH, "indirect attribute access attr()", at);
          Value p1 = a.get(1, null);
          attributeUse(p1 == null ? Value.UNKNOWN : p1, at, "map('attr')", false);
        } else if (p0 != null && !p0.isStr() && attribute == null && a.positional.size() > 1) {
          // The filter to apply is not known: it could be attr, and the next argument the name.
          attributeUse(a.positional.get(1), at, "map() with a filter chosen at run time", false);
        }
        return Value.gaveUp(v);
      }
      case "selectattr", "rejectattr", "groupby" -> {
        Value path = a.get(0, "attribute");
        if (path != null) {
          attributePath(path, at, name + "()");
        }
        return Value.gaveUp(v);
      }
      case "sort", "sum", "unique", "min", "max" -> {
        Value path = a.keywords.get("attribute");
        if (path != null) {
          attributePath(path, at, name + "(attribute=)");
        }
        return Value.gaveUp(v);
      }
      case "join" -> {
        Value path = a.keywords.get("attribute");
        if (path != null) {
          attributePath(path, at, "join(attribute=)");
          return Value.gaveUp(v);
        }
        Value sep = a.get(0, "d");
        Value joinedText = Folding.join(v, sep == null ? Value.str("") : sep);
        // Joining what is not known can hand on any of its characters (see Folding.PICKING).
        return !joinedText.isKnown() && !v.isKnown() ? Value.TAINTED : joinedText;
      }
      case "format" -> {
        // '%(a)s%(a)s'|format(a='_') is not folded: the result is unknown, tainted when an argument could spell.
        Value args = a.keywords.isEmpty() ? Value.list(a.positional, false)
            : Value.unknown(a.keywords.values().stream().anyMatch(Value::suspicious));
        return percentFormat(v, args, at);
      }
      case "default", "d" -> {
        Value alt = p0 == null ? Value.str("") : p0;
        return v.isKnown() ? v : Value.either(Value.gaveUp(v), alt);
      }
      default -> {
        Value out = Folding.filter(v, name, a.positional, a.keywords);
        boolean keywordsSuspicious = a.keywords.values().stream().anyMatch(Value::suspicious);
        return keywordsSuspicious && !out.isKnown() ? Value.TAINTED : out;
      }
    }
  }

  /** A method call {@code receiver.name(args)}. */
  private Value method(Value receiver, String name, int at) {
    boolean textMethod = TEXT_FILTERS.contains(name) || "format".equals(name) || "format_map".equals(name);
    Args a = arguments(textMethod || MESSAGE_FUNCTIONS.contains(name));
    if (("format".equals(name) || "format_map".equals(name))) {
      return strFormat(receiver, a, at);
    }
    if (receiver.kind == Value.Kind.GLOBAL) {
      return Value.TAINTED;
    }
    return Folding.method(receiver, name, a.positional);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Formatting

  /** {@code fmt % args} and {@code fmt|format(args)}: printf-style, no attribute access possible. */
  private Value percentFormat(Value fmt, Value args, int at) {
    if (fmt.isStr() && fmt.str.contains("%c")) {
      // '%c%c'|format(95, 95): characters from numbers, a way to write '_' without writing it.
      report(Severity.LOW, "character built from a number with %c", at);
    }
    Value out = Folding.percent(fmt, args);
    if (out.isStr() && out.str.contains("__")) {
      report(Severity.LOW, "string building with format gives '" + shorten(out.str) + "'", at);
    }
    return out;
  }

  /**
   * {@code str.format}: replacement fields can read attributes ({@code '{0.__class__}'.format(x)}) and items of the
   * arguments; Python's {@code string.Formatter.get_field} does it with {@code getattr}.
   */
  private Value strFormat(Value fmt, Args a, int at) {
    if (!fmt.isStr()) {
      if (fmt.tainted) {
        report(Severity.HIGH, "str.format with a format string built at run time", at);
      }
      return Value.gaveUp(fmt);
    }
    report(Severity.LOW, "string building with format", at);
    String f = fmt.str;
    StringBuilder out = new StringBuilder();
    boolean folded = true;
    int auto = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '{' && i + 1 < f.length() && f.charAt(i + 1) == '{') {
        out.append('{');
        i++;
        continue;
      }
      if (c == '}' && i + 1 < f.length() && f.charAt(i + 1) == '}') {
        out.append('}');
        i++;
        continue;
      }
      if (c != '{') {
        out.append(c);
        continue;
      }
      int close = f.indexOf('}', i + 1);
      if (close < 0) {
        folded = false;
        break;
      }
      String field = f.substring(i + 1, close);
      i = close;
      int conv = field.indexOf('!');
      int spec = field.indexOf(':');
      int end = conv >= 0 ? conv : spec >= 0 ? spec : field.length();
      if (spec >= 0 && spec < end) {
        end = spec;
      }
      String ref = field.substring(0, end);
      // field_name = arg_name ("." attribute_name | "[" element_index "]")*
      int cut = firstOf(ref, '.', '[');
      String arg = cut < 0 ? ref : ref.substring(0, cut);
      if (cut >= 0) {
        String rest = ref.substring(cut);
        for (String part : rest.split("[.\\[]", -1)) {
          if (!part.isEmpty() && rest.contains("." + part)) {
            attributeName(part, at, part + " in str.format field {" + shorten(ref) + "}", false, true);
            report(Severity.HIGH, "attribute access in a str.format field {" + shorten(ref) + "}", at);
          }
        }
        folded = false;
        continue;
      }
      Value val;
      if (arg.isEmpty()) {
        val = a.get(auto++, null);
      } else if (arg.chars().allMatch(Character::isDigit) && arg.length() < 4) {
        val = a.get(Integer.parseInt(arg), null);
      } else {
        val = a.keywords.get(arg);
      }
      String text = val == null ? null : val.asText();
      if (text == null || end != field.length()) {
        folded = false;
      } else {
        out.append(text);
        if (out.length() > Value.MAX_STRING) {
          folded = false;
          break;
        }
      }
    }
    if (folded) {
      return Value.str(out.toString());
    }
    return Value.unknown(f.indexOf('_') >= 0 || a.positional.stream().anyMatch(Value::suspicious));
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sinks and checks

  /** A value used as an attribute name (or a key that falls back to one). */
  private void attributeUse(Value key, int at, String how, boolean subscript) {
    switch (key.kind) {
      case STR -> attributeName(key.str, at, shorten(key.str) + " via " + how, subscript, true);
      case UNKNOWN, GLOBAL -> {
        if (!subscript) {
          report(Severity.HIGH, "attribute name computed at run time via " + how, at);
        } else if (key.tainted) {
          report(Severity.HIGH, "key built at run time from pieces that can spell a name, via " + how, at);
        }
      }
      case LIST -> {
        if (key.tainted || key.items.stream().anyMatch(Value::suspicious)) {
          report(Severity.HIGH, "attribute name from a list via " + how, at);
        }
      }
      default -> {
        // Numbers, booleans, none: an index, not a name.
      }
    }
  }

  /** An attribute path as {@code make_attrgetter} reads it: dot-separated, each part an attribute or index. */
  private void attributePath(Value path, int at, String how) {
    if (!path.isStr()) {
      attributeUse(path, at, how, false);
      return;
    }
    for (String part : path.str.split("\\.", -1)) {
      attributeName(part, at, shorten(part) + " via " + how, false, true);
    }
  }

  /**
   * Checks one attribute name used at a sink. {@code keyOrOwn}: a subscript key or an attribute the template set
   * itself, where words such as {@code system} are data; {@code called}: the attribute is called, or the sink is one
   * ({@code attr()}, {@code map(attribute=)}) whose result the analysis does not follow.
   */
  private void attributeName(String name, int at, String where, boolean keyOrOwn, boolean called) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (name.startsWith("__") || (name.startsWith("_") && name.indexOf("__", 1) > 0)) {
      report(Severity.CRITICAL, "dunder attribute " + where, at);
    } else if (INTERNAL_ATTRIBUTES.contains(name)) {
      report(Severity.CRITICAL, "internal attribute " + where, at);
    } else if (DANGEROUS_NAMES.contains(lower)) {
      report(Severity.CRITICAL, "dangerous attribute " + where, at);
    } else if (!keyOrOwn && DANGEROUS_ATTRIBUTES.contains(lower)) {
      if (called) {
        report(Severity.CRITICAL, "dangerous attribute " + where + " called", at);
      } else if ("sys".equals(lower) || "modules".equals(lower)) {
        // x.sys.modules['os']: leads on to modules even without a call.
        report(Severity.HIGH, "dangerous attribute " + where, at);
      }
    } else if (name.startsWith("_")) {
      report(Severity.HIGH, "private attribute " + where, at);
    }
  }

  /** A value stored or passed on, where this analysis loses track of it: a dunder name there is reported. */
  private void stored(Value v, int at) {
    if (v.kind == Value.Kind.LIST) {
      for (Value item : v.items) {
        if (item.isStr()) {
          stored(item, at);
        }
      }
      return;
    }
    if (v.isStr()) {
      if (isDunder(v.str)) {
        report(Severity.CRITICAL, "dunder name '" + shorten(v.str) + "' held as data", at);
      } else if (DANGEROUS_NAMES.contains(v.str.toLowerCase(Locale.ROOT))) {
        report(Severity.HIGH, "dangerous name as string '" + shorten(v.str) + "'", at);
      }
    }
  }

  /** Checks a string literal as written. */
  private void literal(String value, int at) {
    boolean underscores = !value.isEmpty();
    for (int i = 0; i < value.length() && underscores; i++) {
      underscores = value.charAt(i) == '_';
    }
    if (underscores) {
      // Names are built from bare underscores; alone it can be a harmless replace('_', ' '), so only LOW.
      report(Severity.LOW, "underscore-only string", at);
    }
  }

  /**
   * A Python special name or a name-mangled private one, as a whole identifier: {@code __class__}, {@code __import__},
   * {@code __globals}, {@code _TemplateReference__context}. Markdown such as {@code __Note__} is not one (Python's
   * special names are lower case) and text with spaces or punctuation is not a name at all.
   */
  static boolean isDunder(String s) {
    if (s.length() < 3 || s.charAt(0) != '_') {
      return INTERNAL_ATTRIBUTES.contains(s);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    if (s.startsWith("__")) {
      boolean upper = false;
      boolean letter = false;
      for (int i = 2; i < s.length(); i++) {
        char c = s.charAt(i);
        upper |= c >= 'A' && c <= 'Z';
        letter |= (c >= 'a' && c <= 'z');
      }
      return letter && !upper;
    }
    // _Class__private: Python's name mangling of a private attribute.
    int dd = s.indexOf("__", 1);
    return dd > 1 && dd + 2 < s.length() && Character.isLetter(s.charAt(1));
  }

  private boolean isOp(String op) {
    return lx.type == Type.OPERATOR && op.equals(lx.text);
  }

  private boolean isName(String word) {
    return lx.type == Type.NAME && word.equals(lx.text);
  }

  static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  private void report(Severity severity, String indicator, int at) {
    TemplateIssue old = issues.get(indicator);
    if (old != null) {
      if (severity.isAtLeast(old.severity()) && severity != old.severity()) {
        issues.put(indicator, new TemplateIssue(severity, indicator, old.offset()));
      }
      return;
    }
    if (issues.size() >= MAX_ISSUES) {
      // Keep the strongest: replace a weakest kept one if this one is stronger. The scan over the kept issues runs
      // only when it can succeed, so its cost is bounded by the number of severity levels times MAX_ISSUES.
      if (weakest.isAtLeast(severity)) {
        return;
      }
      String drop = null;
      for (Map.Entry<String, TemplateIssue> e : issues.entrySet()) {
        if (e.getValue().severity() == weakest) {
          drop = e.getKey();
          break;
        }
      }
      issues.remove(drop);
      weakest = issues.values().stream().map(TemplateIssue::severity)
          .reduce(severity, (x, y) -> y.isAtLeast(x) ? x : y);
    }
    issues.put(indicator, new TemplateIssue(severity, indicator, Math.max(0, at)));
    if (issues.size() == MAX_ISSUES) {
      weakest = issues.values().stream().map(TemplateIssue::severity)
          .reduce(Severity.CRITICAL, (x, y) -> y.isAtLeast(x) ? x : y);
    }
  }

  /** The second pass: the lexer's observations were reported by the first. */
  private static final class Quiet implements JinjaLexer.Listener {
    @Override
    public void escapedCharacter(int codePoint, int offset) {}

    @Override
    public void namedEscape(String name, boolean resolved, int offset) {}

    @Override
    public void nonAsciiName(String name, String normalised, int offset) {}

    @Override
    public void syntaxError(String what, int offset) {}
  }

  /** The lexer's observations become issues. */
  private final class LexerEvents implements JinjaLexer.Listener {
    @Override
    public void escapedCharacter(int codePoint, int offset) {
      report(Severity.HIGH, "escaped character " + new String(Character.toChars(codePoint)) + " in a string", offset);
    }

    @Override
    public void namedEscape(String name, boolean resolved, int offset) {
      report(Severity.HIGH, "named character escape", offset);
    }

    @Override
    public void nonAsciiName(String name, String normalised, int offset) {
      if (isDunder(normalised) || DANGEROUS_NAMES.contains(normalised.toLowerCase(Locale.ROOT))) {
        report(Severity.CRITICAL, "name " + shorten(normalised) + " written with look-alike characters", offset);
      }
    }

    @Override
    public void syntaxError(String what, int offset) {
      // Jinja rejects such a template, so nothing of it runs; the analysis went on regardless and says nothing here.
    }
  }
}
