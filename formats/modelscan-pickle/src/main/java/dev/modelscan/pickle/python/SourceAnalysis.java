package dev.modelscan.pickle.python;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists what a piece of Python source (or TorchScript code, which is printed as a Python subset) refers to and calls:
 * every dotted name, after the aliases its import statements bind, and the forms that compute a name from a string
 * ({@code getattr(os, 'system')}, {@code __import__('os').system}, {@code importlib.import_module('os')}).
 *
 * <p>Linear in the source: one pass over the tokens with a bounded look-ahead, dotted names cut at {@link #MAX_PARTS}
 * parts and names longer than {@link #MAX_NAME} characters never resolved. The uses are kept per resolved name (first
 * line, count), at most {@link #MAX_NAMES} distinct names.
 */
final class SourceAnalysis {

  /** Parts of a dotted name that are looked at; longer chains are cut (no table entry is that deep). */
  static final int MAX_PARTS = 16;

  /** Longer names resolve to nothing: no table entry or module name is that long. */
  static final int MAX_NAME = 128;

  /** Distinct resolved names kept; the rest are counted only. */
  static final int MAX_NAMES = 10_000;

  /** Namespaces of operators that ship with PyTorch itself. */
  private static final Set<String> TORCH_OP_NAMESPACES =
      Set.of(
          "aten", "prim", "quantized", "_quantized", "quantized_decomposed", "prepacked", "profiler", "_caffe2",
          "xnnpack", "mkldnn", "onednn", "sparse", "dist_c10d");

  /** Builtins that matter when a bare name is used without an import binding it to something else. */
  private static final Set<String> BUILTINS =
      Set.of("eval", "exec", "execfile", "compile", "breakpoint", "open", "__import__", "getattr", "input");

  /** What one resolved name was used for. */
  static final class Use {
    final String name;
    final int firstLine;
    final int firstOffset;
    int count;
    boolean called;
    boolean imported;

    Use(String name, int line, int offset) {
      this.name = name;
      this.firstLine = line;
      this.firstOffset = offset;
    }
  }

  private record Tok(PythonLexer.Kind kind, String text, int line, int start) {}

  private final PythonLexer lexer;
  private final boolean torchscript;
  private final Runnable deadline;
  private final ArrayDeque<Tok> pushed = new ArrayDeque<>();
  private final Map<String, String> aliases = new HashMap<>();
  private final List<String> starModules = new ArrayList<>();
  private final Map<String, Use> uses = new LinkedHashMap<>();
  private long tokens;
  private boolean namesCapped;

  private SourceAnalysis(CharSequence source, boolean torchscript, Runnable deadline) {
    this.lexer = new PythonLexer(source);
    this.torchscript = torchscript;
    this.deadline = deadline;
    if (torchscript) {
      // TorchScript's printer writes torch.ops.<ns>.<op> as ops.<ns>.<op>; both names are in scope at load.
      aliases.put("ops", "torch.ops");
    }
  }

  /**
   * Analyses source text.
   *
   * @param source the decoded source
   * @param torchscript whether this is TorchScript code from a {@code torch.jit.save} archive
   * @param deadline called every few thousand tokens; throws when the scan's time is up
   * @return the uses, by resolved name, in order of first use
   */
  static SourceAnalysis run(CharSequence source, boolean torchscript, Runnable deadline) {
    SourceAnalysis a = new SourceAnalysis(source, torchscript, deadline);
    a.walk();
    return a;
  }

  /** The uses by resolved name, in order of first use. */
  Map<String, Use> uses() {
    return uses;
  }

  /** Whether more distinct names were used than {@link #MAX_NAMES}. */
  boolean namesCapped() {
    return namesCapped;
  }

  private Tok next() {
    if (!pushed.isEmpty()) {
      return pushed.pop();
    }
    if ((++tokens & 0xFFF) == 0) {
      deadline.run();
    }
    PythonLexer.Kind k = lexer.next();
    return new Tok(k, lexer.text(), lexer.line(), lexer.start());
  }

  private void push(Tok t) {
    pushed.push(t);
  }

  private static boolean op(Tok t, String s) {
    return t.kind() == PythonLexer.Kind.OP && t.text().equals(s);
  }

  private void walk() {
    boolean statementStart = true;
    Tok prev = null;
    while (true) {
      Tok t = next();
      switch (t.kind()) {
        case END:
          return;
        case NEWLINE:
          statementStart = true;
          prev = t;
          continue;
        case NAME:
          if (statementStart && t.text().equals("import")) {
            importStatement(t);
            statementStart = true;
            prev = null;
            continue;
          }
          if (statementStart && t.text().equals("from")) {
            fromStatement(t);
            statementStart = true;
            prev = null;
            continue;
          }
          if (t.text().equals("def") || t.text().equals("class")) {
            Tok defined = next(); // the name being defined is not a use
            if (defined.kind() != PythonLexer.Kind.NAME) {
              push(defined);
            }
            statementStart = false;
            prev = t;
            continue;
          }
          if (prev != null && op(prev, ".")) {
            // An attribute of an expression ("x().system"): not a name this analysis can resolve.
            statementStart = false;
            prev = t;
            continue;
          }
          prev = expression(t);
          statementStart = false;
          continue;
        default:
          statementStart = op(t, ":"); // "if x: import os" starts a statement after the colon
          prev = t;
      }
    }
  }

  /** Reads a dotted name starting with {@code first}; returns the parts (null when a part is too long). */
  private List<String> chain(Tok first) {
    List<String> parts = new ArrayList<>(4);
    boolean tooLong = first.text().length() > MAX_NAME;
    parts.add(first.text());
    while (true) {
      Tok dot = next();
      if (!op(dot, ".")) {
        push(dot);
        break;
      }
      Tok name = next();
      if (name.kind() != PythonLexer.Kind.NAME) {
        push(name);
        break;
      }
      tooLong |= name.text().length() > MAX_NAME;
      if (parts.size() < MAX_PARTS) {
        parts.add(name.text());
      }
    }
    return tooLong ? null : parts;
  }

  /**
   * Handles a use of a name starting at {@code first}: resolves it, records it, and follows the string-to-name forms.
   *
   * @return the last token consumed
   */
  private Tok expression(Tok first) {
    List<String> parts = chain(first);
    Tok after = next();
    push(after);
    if (parts == null) {
      return first;
    }
    String resolved = resolve(parts);
    boolean called = op(after, "(");
    record(resolved, first, called, false);
    if (!called) {
      return first;
    }
    if (resolved.equals("builtins.getattr")) {
      getattrForm(first);
    } else if (isImporter(resolved)) {
      importForm(first);
    }
    return first;
  }

  /** {@code getattr(<operand>, '<name>' ...)}: records {@code <operand>.<name>}. */
  private void getattrForm(Tok at) {
    next(); // '('
    Tok target = next();
    if (target.kind() != PythonLexer.Kind.NAME) {
      push(target);
      return;
    }
    List<String> parts = chain(target);
    if (parts == null) {
      return;
    }
    String base = resolve(parts);
    Tok comma = next();
    if (op(comma, "(") && isImporter(base)) {
      // getattr(__import__('os'), 'system')
      record(base, target, true, false);
      Tok module = next();
      Tok close = next();
      if (module.kind() != PythonLexer.Kind.STRING || !op(close, ")")) {
        push(close);
        push(module);
        return;
      }
      record(module.text(), module, false, true);
      base = module.text();
      comma = next();
    } else {
      record(base, target, op(comma, "("), false);
    }
    if (!op(comma, ",")) {
      push(comma);
      return;
    }
    Tok attr = next();
    if (attr.kind() != PythonLexer.Kind.STRING) {
      push(attr);
      return;
    }
    Tok close = next();
    push(close);
    if (op(close, ")") || op(close, ",")) {
      List<String> full = new ArrayList<>();
      addDotted(full, base);
      addDotted(full, attr.text());
      List<String> resolvedParts = new ArrayList<>(full);
      record(String.join(".", resolvedParts), attr, false, false);
    }
  }

  private static boolean isImporter(String resolved) {
    return resolved.equals("builtins.__import__") || resolved.equals("importlib.import_module");
  }

  /** {@code __import__('<module>')} or {@code import_module('<module>')}, then {@code .attr...}: the module's name. */
  private void importForm(Tok at) {
    next(); // '('
    Tok module = next();
    if (module.kind() != PythonLexer.Kind.STRING) {
      push(module);
      return;
    }
    Tok close = next();
    if (!op(close, ")")) {
      push(close);
      record(module.text(), module, false, true);
      return;
    }
    List<String> parts = new ArrayList<>();
    addDotted(parts, module.text());
    Tok dot = next();
    if (op(dot, ".")) {
      Tok name = next();
      if (name.kind() == PythonLexer.Kind.NAME) {
        List<String> rest = chain(name);
        if (rest != null) {
          for (String p : rest) {
            if (parts.size() < MAX_PARTS) {
              parts.add(p);
            }
          }
        }
        Tok after = next();
        push(after);
        record(String.join(".", parts), module, op(after, "("), false);
        return;
      }
      push(name);
    }
    push(dot);
    record(String.join(".", parts), module, false, true);
  }

  private static void addDotted(List<String> parts, String dotted) {
    for (String p : dotted.split("\\.", -1)) {
      if (parts.size() < MAX_PARTS && p.length() <= MAX_NAME) {
        parts.add(p.strip());
      }
    }
  }

  /** {@code import a.b.c [as x], d}: binds x to a.b.c, or a to a. */
  private void importStatement(Tok kw) {
    while (true) {
      Tok first = next();
      if (first.kind() != PythonLexer.Kind.NAME) {
        push(first);
        skipToLineEnd();
        return;
      }
      List<String> parts = chain(first);
      Tok t = next();
      String bound = null;
      if (t.kind() == PythonLexer.Kind.NAME && t.text().equals("as")) {
        Tok alias = next();
        bound = alias.kind() == PythonLexer.Kind.NAME ? alias.text() : null;
        t = next();
      }
      if (parts != null) {
        String module = String.join(".", parts);
        record(module, first, false, true);
        if (bound != null) {
          aliases.put(bound, module);
        } else {
          aliases.remove(parts.get(0)); // "import os" binds os to the module os
        }
      }
      if (!op(t, ",")) {
        push(t);
        skipToLineEnd();
        return;
      }
    }
  }

  /** {@code from [.]a.b import c [as d], ...} or {@code import *}. */
  private void fromStatement(Tok kw) {
    StringBuilder module = new StringBuilder();
    Tok t = next();
    while (op(t, ".")) {
      module.append('.');
      t = next();
    }
    List<String> parts = null;
    if (t.kind() == PythonLexer.Kind.NAME && !t.text().equals("import")) {
      parts = chain(t);
      t = next();
    }
    if (parts == null && module.length() == 0) {
      push(t);
      skipToLineEnd();
      return;
    }
    if (parts != null) {
      module.append(String.join(".", parts));
    }
    if (!(t.kind() == PythonLexer.Kind.NAME && t.text().equals("import"))) {
      push(t);
      skipToLineEnd();
      return;
    }
    String from = module.toString();
    boolean relative = from.startsWith(".");
    while (true) {
      Tok n = next();
      if (op(n, "(") || op(n, ")")) {
        continue;
      }
      if (op(n, "*")) {
        if (!relative && starModules.size() < 64) {
          starModules.add(from);
        }
        skipToLineEnd();
        return;
      }
      if (n.kind() != PythonLexer.Kind.NAME || n.text().length() > MAX_NAME) {
        push(n);
        skipToLineEnd();
        return;
      }
      String full = from + "." + n.text();
      Tok a = next();
      String bound = n.text();
      if (a.kind() == PythonLexer.Kind.NAME && a.text().equals("as")) {
        Tok alias = next();
        if (alias.kind() == PythonLexer.Kind.NAME) {
          bound = alias.text();
        }
        a = next();
      }
      if (!relative) {
        record(full, n, false, true);
        aliases.put(bound, full);
      } else {
        aliases.put(bound, full); // repository code: never in the table, but no longer a builtin either
      }
      while (op(a, ")")) {
        a = next();
      }
      if (!op(a, ",")) {
        push(a);
        skipToLineEnd();
        return;
      }
    }
  }

  private void skipToLineEnd() {
    while (true) {
      Tok t = next();
      if (t.kind() == PythonLexer.Kind.NEWLINE || t.kind() == PythonLexer.Kind.END) {
        push(t);
        return;
      }
    }
  }

  /** The dotted name a chain of parts stands for, after aliases, builtins and TorchScript's folding. */
  private String resolve(List<String> parts) {
    String head = parts.get(0);
    String bound = aliases.get(head);
    StringBuilder sb = new StringBuilder();
    if (bound != null) {
      sb.append(bound);
    } else if (head.equals("__builtins__") || head.equals("__builtin__")) {
      sb.append("builtins");
    } else if (parts.size() == 1 && BUILTINS.contains(head)) {
      sb.append("builtins.").append(head);
    } else {
      sb.append(head);
    }
    for (int i = 1; i < parts.size(); i++) {
      sb.append('.').append(parts.get(i));
    }
    String name = sb.toString();
    if (torchscript && name.startsWith("torch.ops.aten.")) {
      name = "torch." + name.substring("torch.ops.aten.".length());
    }
    return name;
  }

  private void record(String name, Tok at, boolean called, boolean imported) {
    if (name.isEmpty()) {
      return;
    }
    Use u = uses.get(name);
    if (u == null) {
      if (uses.size() >= MAX_NAMES) {
        namesCapped = true;
        return;
      }
      u = new Use(name, at.line(), at.start());
      uses.put(name, u);
    }
    u.count++;
    u.called |= called;
    u.imported |= imported;
  }

  /** Modules that "from m import *" bound without naming what. */
  List<String> starModules() {
    return starModules;
  }

  /**
   * The namespace of a custom operator or class this name uses ({@code torch.ops.<ns>.*}, {@code
   * torch.classes.<ns>.*}), or null when it uses none or only PyTorch's own.
   */
  static String customNamespace(String name) {
    String ns = null;
    if (name.startsWith("torch.ops.")) {
      ns = segment(name, "torch.ops.".length());
      if (ns == null || TORCH_OP_NAMESPACES.contains(ns) || ns.equals("load_library")) {
        return null;
      }
      return ns;
    }
    // Custom C++ classes: called as torch.classes.<ns>.<Class>, and named in attribute annotations of the printed
    // code as __torch__.torch.classes.<ns>.<Class> (quantized models hold quantized.LinearPackedParamsBase there).
    for (String prefix : new String[] {"torch.classes.", "__torch__.torch.classes."}) {
      if (name.startsWith(prefix)) {
        ns = segment(name, prefix.length());
        return ns == null || ns.equals("load_library") || TORCH_OP_NAMESPACES.contains(ns) ? null : ns;
      }
    }
    return null;
  }

  private static String segment(String name, int from) {
    int dot = name.indexOf('.', from);
    return dot < 0 ? null : name.substring(from, dot);
  }
}
