package dev.modelscan.cli;

import dev.modelscan.core.options.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Applies a {@code modelscan.toml} to {@code modelscan scan}: each key becomes the flag of the same long name, placed
 * before the user's own flags, and dropped where the user gave that flag. So a value in the file goes through exactly
 * the converter and checks of its flag, and a flag on the command line replaces the file's value (for a repeatable
 * flag such as {@code --allow-global}, the command line's list replaces the file's list; it does not extend it).
 *
 * <p>Relative paths in the file ({@code output}, {@code plugin-path}) are relative to the file's folder, so that a
 * project's file means the same thing from any working folder.
 */
final class ConfigArguments {

  /** Options of {@code scan} that a configuration file cannot hold. */
  static final Set<String> NOT_CONFIGURABLE = Set.of("help", "version", "config", "no-config", "list-scanners");

  /**
   * The arguments to run with, and the file they came from.
   *
   * @param args the arguments, the file's flags inserted after {@code scan}
   * @param file the file read, or null
   */
  /**
   * The arguments with the file's options in front of the command line's, the file read, and whether it was found in
   * the current folder rather than named with {@code --config}.
   */
  record Expanded(String[] args, ConfigFile file, boolean discovered) {
    Expanded(String[] args, ConfigFile file) {
      this(args, file, false);
    }
  }

  private ConfigArguments() {}

  /**
   * The configuration keys {@code scan} understands: its long option names without dashes.
   *
   * @param scan the {@code scan} command's spec
   * @return the keys, sorted
   */
  static Set<String> keys(CommandSpec scan) {
    Set<String> keys = new TreeSet<>();
    for (OptionSpec o : scan.options()) {
      String key = key(o);
      if (key != null) {
        keys.add(key);
      }
    }
    return keys;
  }

  /** The configuration key of an option, or null when it has none. */
  static String key(OptionSpec o) {
    String longest = o.longestName();
    if (!longest.startsWith("--")) {
      return null;
    }
    String key = longest.substring(2);
    return NOT_CONFIGURABLE.contains(key) ? null : key;
  }

  /**
   * Reads the configuration file that applies to these arguments, if any, and inserts its flags.
   *
   * @param args the command line
   * @return the arguments to run with; the same when the command is not {@code scan}, is asking for help, says
   *     {@code --no-config}, or cannot be parsed (the run then reports that error itself)
   * @throws IllegalArgumentException when the file is missing, unreadable or holds a bad key or value; the message
   *     names the file and the key
   */
  static Expanded expand(String[] args) {
    return expand(new CommandLine(new RootCommand()), args);
  }

  /**
   * As {@link #expand(String[])}, parsing with the run's own command line: building picocli's model of the commands
   * is a large part of the start-up of a one-file scan, so it is built once per run, not once per look at the
   * arguments. The parse leaves no state behind that matters: picocli resets every option before the next parse.
   *
   * @param cl the run's command line, not yet executed
   * @param args the command line's arguments
   * @return as {@link #expand(String[])}
   */
  static Expanded expand(CommandLine cl, String[] args) {
    ParseResult root;
    try {
      root = cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return new Expanded(args, null);
    }
    ParseResult scan = root.subcommand();
    if (scan == null
        || !scan.commandSpec().name().equals("scan")
        || scan.isUsageHelpRequested()
        || scan.isVersionHelpRequested()) {
      return new Expanded(args, null);
    }
    Path explicit = scan.matchedOptionValue("--config", null);
    if (scan.hasMatchedOption("--no-config")) {
      if (explicit != null) {
        throw new IllegalArgumentException("--config and --no-config contradict each other; give one");
      }
      return new Expanded(args, null);
    }
    Path file = explicit;
    if (file == null) {
      Path here = Path.of(ConfigFile.FILE_NAME);
      if (!Files.isRegularFile(here)) {
        return new Expanded(args, null);
      }
      file = here;
    }
    CommandSpec spec = scan.commandSpec();
    ConfigFile config = ConfigFile.read(file, keys(spec));
    List<String> flags = flags(config, spec, scan);
    try {
      List<String> check = new ArrayList<>();
      check.add("scan");
      check.addAll(flags);
      ParseResult parsed = new CommandLine(new RootCommand()).parseArgs(check.toArray(String[]::new));
      // The values themselves (sizes, durations, severities) are checked by the engine's option layer, as the
      // command line's are: a bad value in the file is an error naming the file.
      if (parsed.hasSubcommand() && parsed.subcommand().commandSpec().userObject() instanceof ScanCommand sc) {
        sc.options(parsed.subcommand().commandSpec().commandLine(), dev.modelscan.core.ScannerRegistry.loadDefault());
      }
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    int at = scanIndex(args) + 1;
    List<String> out = new ArrayList<>(List.of(args).subList(0, at));
    out.addAll(flags);
    out.addAll(List.of(args).subList(at, args.length));
    return new Expanded(out.toArray(String[]::new), config, explicit == null);
  }

  private static List<String> flags(ConfigFile config, CommandSpec spec, ParseResult given) {
    Path base = config.path().toAbsolutePath().getParent();
    List<String> flags = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : config.values().entrySet()) {
      String key = e.getKey();
      OptionSpec o = spec.findOption("--" + key);
      if (o == null || given.hasMatchedOption(o)) {
        continue; // a flag given on the command line wins
      }
      List<String> values = e.getValue();
      if (o.arity().max() == 0) {
        if (values.size() != 1 || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
          throw new IllegalArgumentException(config.path() + ": '" + key + "' must be true or false");
        }
        boolean on = values.get(0).equals("true");
        if (o.negatable()) {
          flags.add(on ? "--" + key : "--no-" + key);
        } else if (on) {
          flags.add("--" + key);
        }
        continue;
      }
      if (!o.isMultiValue() && values.size() != 1) {
        throw new IllegalArgumentException(
            config.path() + ": '" + key + "' takes one value, not an array of " + values.size());
      }
      boolean isPath = o.type() == Path.class || (o.isMultiValue() && o.auxiliaryTypes()[0] == Path.class);
      for (String v : values) {
        String value = isPath && base != null ? base.resolve(v).toString() : v;
        flags.add("--" + key + "=" + value);
      }
    }
    return flags;
  }

  /** Where {@code scan} stands among the arguments (after the root command's own options). */
  private static int scanIndex(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("scan")) {
        return i;
      }
      if (args[i].equals("--plugin-path")) {
        i++;
      }
    }
    throw new IllegalStateException("no scan subcommand among the arguments");
  }
}
