package dev.modelscan.pickle.python;

import dev.modelscan.api.Severity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The table of names that give Python source and TorchScript code a capability worth reporting (running commands,
 * evaluating source, files, network...), loaded once from {@code capabilities.txt}. Immutable and thread-safe.
 */
final class Capabilities {

  // Compiled once: String.split("\\s+") compiles the regex again for every line.
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** What a name lets code do; chooses the rule. */
  enum Category {
    EXEC("evaluates Python source"),
    PROCESS("runs operating-system commands or processes"),
    NATIVE("loads or calls native code"),
    IMPORT("imports modules chosen at run time"),
    NETWORK("reaches the network"),
    FILE("reads, writes or deletes files"),
    DESERIALIZE("runs another unsafe deserializer");

    private final String effect;

    Category(String effect) {
      this.effect = effect;
    }

    /** What using such a name does, for messages. */
    String effect() {
      return effect;
    }
  }

  /**
   * One entry of the table.
   *
   * @param category what the name does
   * @param python severity in Python files, or null when not reported there
   * @param torchscript severity in TorchScript code, or null when not reported there
   * @param name the entry as written ({@code subprocess.*} or {@code os.system})
   */
  record Entry(Category category, Severity python, Severity torchscript, String name) {}

  private static final Capabilities BUILTIN = load();

  private final Map<String, Entry> exact;
  private final Map<String, Entry> prefixes;

  private Capabilities(Map<String, Entry> exact, Map<String, Entry> prefixes) {
    this.exact = Map.copyOf(exact);
    this.prefixes = Map.copyOf(prefixes);
  }

  static Capabilities builtin() {
    return BUILTIN;
  }

  /**
   * The entry for a resolved dotted name: an exact entry, else the longest "module.*" entry that covers it.
   *
   * @param parts the dotted name's parts (at most {@link SourceAnalysis#MAX_PARTS})
   * @return the entry, or null
   */
  Entry lookup(String[] parts, int count) {
    StringBuilder sb = new StringBuilder();
    Entry best = null;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(parts[i]);
      String p = sb.toString();
      Entry e = prefixes.get(p);
      if (e != null) {
        best = e;
      }
      if (i == count - 1) {
        Entry x = exact.get(p);
        if (x != null) {
          return x;
        }
      }
    }
    return best;
  }

  private static Capabilities load() {
    Map<String, Entry> exact = new HashMap<>();
    Map<String, Entry> prefixes = new HashMap<>();
    try (InputStream in = Capabilities.class.getResourceAsStream("capabilities.txt")) {
      if (in == null) {
        throw new IllegalStateException("missing resource capabilities.txt");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = WHITESPACE.split(line);
        if (f.length != 4) {
          throw new IllegalStateException("bad line in capabilities.txt: " + line);
        }
        Entry e =
            new Entry(
                Category.valueOf(f[0].toUpperCase(Locale.ROOT)), severity(f[1]), severity(f[2]), f[3]);
        if (f[3].endsWith(".*")) {
          prefixes.put(f[3].substring(0, f[3].length() - 2), e);
        } else {
          exact.put(f[3], e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Capabilities(exact, prefixes);
  }

  private static Severity severity(String s) {
    return s.equals("-") ? null : Severity.valueOf(s);
  }
}
