package dev.modelscan.pickle;

import dev.modelscan.pickle.settings.PickleSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges the globals a pickle imports (and the dotted names configs ask loaders to instantiate), in layers: names the
 * embedder denies, names that are always dangerous (matched on the full dotted path, every parent, and every path the
 * dotted attribute walk passes through), names known safe for the ML ecosystem, names the embedder allows, and
 * everything else as unknown.
 *
 * <p>The known-safe layer is an <em>exact</em> list of {@code module.qualname} names ({@code
 * allowlist-generated.tsv}, written by {@code formats/modelscan-pickle/tools/gen_allowlist.py} from the installed libraries):
 * classes and rebuild functions whose definition lives in that module, torch's own {@code weights_only} allowlist item
 * for item, and the names real libraries write. It has no wildcards: a package wildcard also covers every name the
 * package merely imports ({@code operator.attrgetter} as an attribute of a scikit-learn module, the {@code platform}
 * module as {@code sklearn.base.platform}) and helpers with side effects (torch's backend renaming), which is how such
 * allowlists are bypassed. The only namespace rule is TorchScript's {@code __torch__}, which is not a Python module.
 *
 * <p>Names are first resolved the way {@code pickle.Unpickler.find_class} resolves them: Python 2 names are remapped
 * below protocol 3, private aliases ({@code posix}, {@code nt}, {@code _io}, {@code _operator}, ...) are folded onto
 * the public module, and {@code __builtins__} reached through any module is {@code builtins}. The lists are data
 * files of this package, loaded once into immutable maps. Thread-safe and immutable.
 *
 * <p>Public for the other packages of this module (config and source analysers judge {@code _target_} names with it);
 * the module exports no package, so this is not API.
 */
public final class GlobalsPolicy {

  // Compiled once: String.split("\\s+") compiles the regex again for every line.
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** Why a dangerous name is dangerous; chooses the rule and the words of the message. */
  public enum Category {
    /** Runs Python source or code. */
    EXEC("evaluates or executes Python code"),
    /** Runs commands or spawns processes. */
    PROCESS("runs operating-system commands or spawns processes"),
    /** Imports modules or resolves strings to callables. */
    IMPORT("imports modules or turns strings into callables, which reaches any function"),
    /** Reaches arbitrary attributes by name. */
    REFLECTION("reaches arbitrary attributes by name, which reaches any function"),
    /** Loads or calls native code. */
    NATIVE("loads or calls native code"),
    /** Builds functions or code objects from bytecode. */
    CODE("builds Python functions or code objects from raw bytecode"),
    /** Runs another unsafe deserializer. */
    NESTED("deserializes a second payload with another unsafe loader"),
    /** Reads, writes or deletes files. */
    FILE("reads, writes or deletes files"),
    /** Reaches the network. */
    NETWORK("opens network connections or downloads content"),
    /** Switches off a scanner or an unpickling safety hook. */
    TAMPER("switches off a model scanner or an unpickling safety hook, so that what is loaded next runs unchecked");

    private final String effect;

    Category(String effect) {
      this.effect = effect;
    }

    /**
     * Whether the category means code execution (CRITICAL) rather than access (HIGH).
     *
     * @return true for code execution
     */
    public boolean critical() {
      return this != NESTED && this != FILE && this != NETWORK && this != TAMPER;
    }

    /**
     * What calling such a name does, for messages.
     *
     * @return a verb phrase
     */
    public String effect() {
      return effect;
    }
  }

  /** Which layer judged a name. */
  public enum Level {
    /** On the embedder's deny list. */
    DENIED,
    /** On the always-dangerous list (the embedder's allow list cannot change that). */
    DANGEROUS,
    /** On the exact known-safe list, in the TorchScript namespace, or on the embedder's allow list. */
    SAFE,
    /** Anything else. */
    UNKNOWN
  }

  /**
   * The judgement of one import.
   *
   * @param level the layer that decided
   * @param category why it is dangerous, or null unless {@code level} is DANGEROUS
   * @param resolved the name after compat remapping and alias folding ({@code module.qualname})
   * @param matched the list entry that decided, or empty
   */
  public record Verdict(Level level, Category category, String resolved, String matched) {}

  private static final GlobalsPolicy BUILTIN = load();

  /** Private module names that are the same module as a public one. */
  private static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("posix", "os"),
          Map.entry("nt", "os"),
          Map.entry("_io", "io"),
          Map.entry("_operator", "operator"),
          Map.entry("_posixsubprocess", "subprocess"),
          Map.entry("_ctypes", "ctypes"),
          Map.entry("_pickle", "pickle"),
          Map.entry("cPickle", "pickle"),
          Map.entry("__builtin__", "builtins"),
          Map.entry("__builtins__", "builtins"),
          Map.entry("_socket", "socket"),
          Map.entry("_ssl", "ssl"),
          Map.entry("_signal", "signal"),
          Map.entry("_multiprocessing", "multiprocessing"),
          Map.entry("_sqlite3", "sqlite3"),
          Map.entry("_codecs", "codecs"),
          Map.entry("copy_reg", "copyreg"),
          Map.entry("commands", "subprocess"),
          Map.entry("_marshal", "marshal"),
          Map.entry("_imp", "imp"),
          Map.entry("_frozen_importlib", "importlib"),
          Map.entry("_frozen_importlib_external", "importlib"),
          Map.entry("_thread", "_thread"));

  /** Dunder attributes that are ordinary reconstruction helpers, not reflection. */
  private static final Set<String> BENIGN_DUNDERS = Set.of("__newobj__", "__newobj_ex__", "__main__");

  private final Map<String, Category> dangerous;
  private final Map<String, Category> dangerousAnyModule;
  private final Set<String> safe;
  private final Map<String, String[]> compatNames;
  private final Map<String, String> compatModules;

  private GlobalsPolicy(
      Map<String, Category> dangerous,
      Map<String, Category> dangerousAnyModule,
      Set<String> safe,
      Map<String, String[]> compatNames,
      Map<String, String> compatModules) {
    this.dangerous = Map.copyOf(dangerous);
    this.dangerousAnyModule = Map.copyOf(dangerousAnyModule);
    this.safe = Set.copyOf(safe);
    this.compatNames = Map.copyOf(compatNames);
    this.compatModules = Map.copyOf(compatModules);
  }

  /**
   * The built-in lists, loaded once.
   *
   * @return the shared policy
   */
  public static GlobalsPolicy builtin() {
    return BUILTIN;
  }

  /**
   * Judges one import written as {@code module} and {@code name} (which may be dotted: find_class walks attributes
   * from protocol 4 on), as a protocol-4 pickle would import it.
   *
   * @param module the module
   * @param name the attribute path inside the module
   * @param settings the scan's settings (allow and deny lists)
   * @return the verdict, never null
   */
  public Verdict classify(String module, String name, PickleSettings settings) {
    return classify(module, name, 4, settings);
  }

  /**
   * Judges one import with the default settings (no allow or deny list), as {@link #classify(String, String,
   * PickleSettings)} does.
   *
   * @param module the module
   * @param name the attribute path inside the module
   * @return the verdict, never null
   */
  public Verdict classify(String module, String name) {
    return classify(module, name, 4, PickleSettings.defaults());
  }

  /**
   * Judges one fully dotted name whose module boundary is not known, such as a Hydra {@code _target_} (Hydra's {@code
   * _locate} imports the longest importable prefix and walks the rest). The first component is taken as the module,
   * so every later component is checked as a possible attribute walk into a dangerous name ({@code
   * torch.serialization.os.system} is {@code os.system}); the known-safe layer compares the whole name, so the split
   * does not change what is safe.
   *
   * @param dotted a dotted name with at least two components
   * @param settings the scan's settings (allow and deny lists)
   * @return the verdict, never null
   * @throws IllegalArgumentException if {@code dotted} has no dot
   */
  public Verdict classify(String dotted, PickleSettings settings) {
    int dot = dotted.indexOf('.');
    if (dot <= 0 || dot == dotted.length() - 1) {
      throw new IllegalArgumentException("not a dotted name: " + dotted);
    }
    return classify(dotted.substring(0, dot), dotted.substring(dot + 1), 4, settings);
  }

  /**
   * Remaps a Python 2 name the way find_class does below protocol 3.
   *
   * @return {module, name}
   */
  String[] compat(String module, String name, int proto) {
    if (proto >= 3) {
      return new String[] {module, name};
    }
    String[] mapped = compatNames.get(module + '\0' + name);
    if (mapped != null) {
      return mapped.clone();
    }
    String m = compatModules.get(module);
    return new String[] {m != null ? m : module, name};
  }

  /**
   * Judges one import.
   *
   * @param module the module as written in the stream
   * @param name the name as written (may be dotted: find_class walks attributes)
   * @param proto the protocol in effect (last PROTO seen, 0 when none)
   * @param settings the scan's settings (allow and deny lists)
   * @return the verdict
   */
  public Verdict classify(String module, String name, int proto, PickleSettings settings) {
    String[] mn = compat(module, name, proto);
    String resolved = mn[0] + "." + mn[1];
    String canonical = canonical(mn[0]) + "." + mn[1];
    int moduleParts = countParts(mn[0]);

    // Layer 0: the embedder's deny list wins over everything.
    String denied = matchPrefix(settings.deniedGlobals(), resolved);
    if (denied == null) {
      denied = matchPrefix(settings.deniedGlobals(), canonical);
    }
    if (denied != null) {
      return new Verdict(Level.DENIED, null, canonical, denied);
    }

    // Layer 1: always dangerous, on the full path, every parent, and every path the attribute walk reaches.
    // The most severe match wins; among equals the deepest walk target (shutil + os.system is os.system).
    String[] parts = canonical.split("\\.", -1);
    Verdict best = null;
    for (int k = 0; k < parts.length; k++) {
      if (k > 0 && k < moduleParts) {
        continue; // a module path is imported as a whole; walks start inside the attribute path
      }
      String hit = matchDangerous(parts, k);
      if (hit != null) {
        Category c = dangerousCategory(hit, parts);
        if (best == null || c.critical() || !best.category().critical()) {
          best = new Verdict(Level.DANGEROUS, c, k == 0 ? canonical : join(parts, k), hit);
        }
      }
    }
    if (best != null) {
      return best;
    }
    // Reflection through dunder attributes (numpy.__builtins__, f.__globals__, cls.__subclasses__ ...).
    for (int k = moduleParts; k < parts.length; k++) {
      String p = parts[k];
      if (p.length() > 4 && p.startsWith("__") && p.endsWith("__") && !BENIGN_DUNDERS.contains(p)) {
        return new Verdict(Level.DANGEROUS, Category.REFLECTION, canonical, p);
      }
    }

    // Layer 2: known safe for ML files, by exact name only.
    if (safe.contains(resolved) || safe.contains(canonical)) {
      return new Verdict(Level.SAFE, null, resolved, "");
    }
    if (torchScriptClass(mn[0])) {
      return new Verdict(Level.SAFE, null, resolved, TORCHSCRIPT_NAMESPACE);
    }
    // Layer 2b: the embedder's allow list (never reached for dangerous names).
    String allowed = matchAllow(settings.allowedGlobals(), resolved);
    if (allowed == null) {
      allowed = matchAllow(settings.allowedGlobals(), canonical);
    }
    if (allowed != null) {
      return new Verdict(Level.SAFE, null, resolved, allowed);
    }
    return new Verdict(Level.UNKNOWN, null, canonical, "");
  }

  private Category dangerousCategory(String hit, String[] parts) {
    Category c = dangerous.get(hit);
    if (c == null) {
      c = dangerousAnyModule.get(parts[parts.length - 1]);
    }
    return c;
  }

  /** The longest dangerous entry that is a prefix of parts[from..], or a "*.attr" entry for its last part. */
  private String matchDangerous(String[] parts, int from) {
    String first = ALIASES.getOrDefault(parts[from], parts[from]);
    StringBuilder sb = new StringBuilder(first);
    String best = dangerous.containsKey(first) ? first : null;
    for (int i = from + 1; i < parts.length; i++) {
      sb.append('.').append(parts[i]);
      String p = sb.toString();
      if (dangerous.containsKey(p)) {
        best = p;
      }
    }
    if (best == null && parts.length - from >= 2 && dangerousAnyModule.containsKey(parts[parts.length - 1])) {
      best = "*." + parts[parts.length - 1];
    }
    return best;
  }

  /** The matched entry reported for names of the TorchScript namespace. */
  static final String TORCHSCRIPT_NAMESPACE = "__torch__ (TorchScript class type)";

  /**
   * TorchScript archives name the classes of their own compiled code {@code __torch__.<qualified name>} (torch
   * {@code _jit_internal._qualified_name} prefixes every module with {@code __torch__}). torch's C++ unpickler resolves
   * them against the archive's compilation unit; Python has no module of that name, so {@code pickle.load} of such a
   * name fails at the import. What such a class does lives in the archive's {@code code/} members, analysed apart.
   */
  private static boolean torchScriptClass(String module) {
    return module.equals("__torch__") || module.startsWith("__torch__.");
  }

  /** An entry of {@code names} that equals {@code full} or is a parent of it. */
  private static String matchPrefix(Set<String> names, String full) {
    if (names.isEmpty()) {
      return null;
    }
    if (names.contains(full)) {
      return full;
    }
    int dot = full.lastIndexOf('.');
    while (dot > 0) {
      String p = full.substring(0, dot);
      if (names.contains(p) || names.contains(p + ".*")) {
        return p;
      }
      dot = full.lastIndexOf('.', dot - 1);
    }
    return null;
  }

  /** An allow entry equal to {@code full}, or a "pkg.*" entry covering it. */
  private static String matchAllow(Set<String> names, String full) {
    if (names.isEmpty()) {
      return null;
    }
    if (names.contains(full)) {
      return full;
    }
    int dot = full.lastIndexOf('.');
    while (dot > 0) {
      String p = full.substring(0, dot) + ".*";
      if (names.contains(p)) {
        return p;
      }
      dot = full.lastIndexOf('.', dot - 1);
    }
    return null;
  }

  /** Folds a private alias at the start of a module path onto its public module. */
  static String canonical(String module) {
    int dot = module.indexOf('.');
    String head = dot < 0 ? module : module.substring(0, dot);
    String mapped = ALIASES.get(head);
    if (mapped == null) {
      return module;
    }
    return dot < 0 ? mapped : mapped + module.substring(dot);
  }

  private static int countParts(String s) {
    int n = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '.') {
        n++;
      }
    }
    return n;
  }

  private static String join(String[] parts, int from) {
    StringBuilder sb = new StringBuilder(ALIASES.getOrDefault(parts[from], parts[from]));
    for (int i = from + 1; i < parts.length; i++) {
      sb.append('.').append(parts[i]);
    }
    return sb.toString();
  }

  /** The exact allowlist resource (generated; see the class comment). */
  static final String ALLOWLIST = "allowlist-generated.tsv";

  private static GlobalsPolicy load() {
    Map<String, Category> dangerous = new HashMap<>();
    Map<String, Category> anyModule = new HashMap<>();
    for (String line : lines("dangerous_globals.txt")) {
      String[] f = WHITESPACE.split(line);
      if (f.length != 2) {
        throw new IllegalStateException("bad line in dangerous_globals.txt: " + line);
      }
      Category c = Category.valueOf(f[0].toUpperCase(Locale.ROOT));
      if (f[1].startsWith("*.")) {
        anyModule.put(f[1].substring(2), c);
      } else {
        dangerous.put(f[1], c);
      }
    }
    Set<String> safe = new HashSet<>();
    for (String line : lines(ALLOWLIST)) {
      int tab = line.indexOf('\t');
      String name = tab < 0 ? line : line.substring(0, tab);
      if (name.indexOf('*') >= 0 || name.indexOf('.') <= 0) {
        throw new IllegalStateException("not an exact module.qualname in " + ALLOWLIST + ": " + name);
      }
      safe.add(name);
    }
    Map<String, String[]> names = new HashMap<>();
    Map<String, String> modules = new HashMap<>();
    for (String line : lines("compat_mappings.txt")) {
      String[] f = line.split(" ");
      if (f[0].equals("NAME") && f.length == 5) {
        names.put(f[1] + '\0' + f[2], new String[] {f[3], f[4]});
      } else if (f[0].equals("IMPORT") && f.length == 3) {
        modules.put(f[1], f[2]);
      } else {
        throw new IllegalStateException("bad line in compat_mappings.txt: " + line);
      }
    }
    return new GlobalsPolicy(dangerous, anyModule, safe, names, modules);
  }

  private static java.util.List<String> lines(String resource) {
    try (InputStream in = GlobalsPolicy.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      java.util.List<String> out = new java.util.ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
