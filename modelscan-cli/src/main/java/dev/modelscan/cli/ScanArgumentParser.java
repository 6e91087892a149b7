package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import dev.modelscan.core.report.ReportFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the common {@code modelscan scan} command line with the option table ({@link ScanFlags}) instead of picocli.
 *
 * <p>Why: a pre-commit hook or a CI step runs the command once per model, and picocli's start-up (reflection over the
 * annotated commands, about 170 classes compiled for Java 5 that no class-data-sharing archive can hold) was about a
 * third of such a run. This parser accepts only what it reads exactly as picocli does: {@code scan} first, then paths
 * and the table's options as {@code --name value}, {@code --name=value}, {@code -x value}, {@code --no-name} and lone
 * short switches. Everything else (help, version, {@code --list-scanners}, other commands, unknown or clustered
 * options, {@code --}, {@code @file} arguments, a value that starts with a dash, an option given twice, a value that
 * does not convert) makes it answer null, and picocli then runs the command and prints its own messages. So it can
 * make a command faster, never different: {@code ScanArgumentParserTest} compares both parsers on the same lines.
 */
final class ScanArgumentParser {

  /** Options whose value is not an engine option string: converted here, as picocli converts them. */
  private static final Set<String> TYPED = Set.of("--format", "--threads");

  /**
   * A command line ready to run.
   *
   * @param arguments the arguments, with the configuration file applied
   * @param discovered whether that file was found in the current folder rather than named with {@code --config}
   */
  record Prepared(ScanArguments arguments, boolean discovered) {}

  private ScanArgumentParser() {}

  /**
   * Reads a command line and applies the configuration file it names or finds, as {@link ConfigArguments} does.
   *
   * @param args the command line
   * @return the run's arguments, or null when picocli must read this command line
   */
  static Prepared prepare(String[] args) {
    Line first = parse(args);
    if (first == null) {
      return null;
    }
    try {
      Path file = ConfigFlags.chooseFile(first.config, first.noConfig);
      if (file == null) {
        return new Prepared(first.arguments(null), false);
      }
      ConfigFile config = ConfigFile.read(file, ConfigFlags.keys());
      Line merged = parse(ConfigFlags.insert(args, ConfigFlags.flags(config, first.given)));
      return merged == null ? null : new Prepared(merged.arguments(config), first.config == null);
    } catch (RuntimeException e) {
      return null; // picocli's path reads the file again and reports what is wrong with it, naming the file
    }
  }

  /**
   * Reads a command line without looking for a configuration file.
   *
   * @param args the command line
   * @return the arguments, or null when picocli must read this command line
   */
  static ScanArguments parseOnly(String[] args) {
    Line line = parse(args);
    return line == null ? null : line.arguments(null);
  }

  /** What the command line said, option by option. */
  private static final class Line {
    final List<Path> paths = new ArrayList<>();
    final Set<String> given = new HashSet<>();
    final Map<String, String> single = new HashMap<>();
    final Map<String, List<String>> lists = new HashMap<>();
    final Map<String, Boolean> switches = new HashMap<>();
    ReportFormat format;
    Integer threads;
    Path config;
    boolean noConfig;

    ScanArguments arguments(ConfigFile file) {
      Map<String, String> values = new LinkedHashMap<>();
      for (ScanFlags.Flag f : ScanFlags.ALL) {
        if (f.kind() == ScanFlags.Kind.VALUE && !f.path() && !TYPED.contains(f.longName())) {
          String v = single.getOrDefault(f.longName(), f.defaultValue());
          if (v != null) {
            values.put(f.key(), v);
          }
        }
      }
      return new ScanArguments(paths, format, path("--output"), values, list("--allow-global"),
          list("--deny-global"), list("--include"), list("--exclude"), on("--follow-dir-links"), threads,
          on("--verbose"), on("--quiet"), switches.get("--color"), switches.get("--progress"), path("--baseline"),
          path("--sarif-root"), list("--plugin-path").stream().map(Path::of).toList(), file);
    }

    /**
     * Takes one option's value, converted as picocli converts it.
     *
     * @return false when this parser does not convert the value exactly as picocli would
     * @throws IllegalArgumentException when the value does not convert (picocli's path then reports it)
     */
    boolean accept(String name, ScanFlags.Flag flag, String value) {
      if (flag.path()) {
        Path.of(value); // a NUL byte: picocli's message
      }
      switch (name) {
        case "--format" -> format = ReportFormat.parse(value);
        case "--threads" -> {
          // Plain decimal only: picocli's reading of signs, leading zeros and radix prefixes is its own.
          if (!value.matches("[1-9][0-9]{0,8}")) {
            return false;
          }
          threads = Integer.valueOf(value);
        }
        case "--config" -> config = Path.of(value);
        default -> {
          if (flag.kind() == ScanFlags.Kind.LIST) {
            lists.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
          } else {
            single.put(name, value);
          }
        }
      }
      return true;
    }

    private Path path(String name) {
      String v = single.get(name);
      return v == null ? null : Path.of(v);
    }

    private List<String> list(String name) {
      return lists.getOrDefault(name, List.of());
    }

    private boolean on(String name) {
      return Boolean.TRUE.equals(switches.get(name));
    }
  }

  private static Line parse(String[] args) {
    if (args.length == 0 || !args[0].equals("scan")) {
      return null;
    }
    Line line = new Line();
    try {
      for (int i = 1; i < args.length; i++) {
        String a = args[i];
        if (a.startsWith("@")) {
          return null; // picocli reads @file arguments as files of arguments
        }
        if (a.equals(ScanRun.STDIN_ARGUMENT) || !a.startsWith("-")) {
          line.paths.add(Path.of(a));
          continue;
        }
        int eq = a.startsWith("--") ? a.indexOf('=') : -1;
        String name = eq < 0 ? a : a.substring(0, eq);
        String attached = eq < 0 ? null : a.substring(eq + 1);
        ScanFlags.Flag flag = ScanFlags.find(name).orElse(null);
        boolean negated = false;
        if (flag == null && name.startsWith("--no-")) {
          flag = ScanFlags.find("--" + name.substring(5)).orElse(null);
          negated = true;
          if (flag == null || flag.kind() != ScanFlags.Kind.NEGATABLE) {
            return null;
          }
        }
        if (flag == null || !line.given.add(flag.longName()) && flag.kind() != ScanFlags.Kind.LIST) {
          return null; // unknown, or given twice: picocli's message
        }
        String n = flag.longName();
        switch (flag.kind()) {
          case FLAG, NEGATABLE -> {
            if (attached != null || n.equals("--help") || n.equals("--version") || n.equals("--list-scanners")) {
              return null;
            }
            if (n.equals("--no-config")) {
              line.noConfig = true;
            } else {
              line.switches.put(n, !negated);
            }
          }
          case VALUE, LIST -> {
            String value = attached;
            if (value == null) {
              if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].startsWith("@")) {
                return null; // a missing value, or one picocli might read as an option
              }
              value = args[++i];
            }
            if (!line.accept(n, flag, value)) {
              return null;
            }
          }
          default -> {
            return null;
          }
        }
      }
    } catch (IllegalArgumentException e) { // a path picocli would refuse (InvalidPathException), a bad format
      return null;
    }
    return line;
  }
}
